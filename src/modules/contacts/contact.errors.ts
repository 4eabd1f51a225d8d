import { AppError, ConflictError, ErrorCode, relationNotFound, ValidationError } from '../../core/errors';
import { STAGE_TRANSITIONS, type ContactStage } from './contact-stage';

export enum ContactErrorReason {
  EMAIL_TAKEN = 'EMAIL_TAKEN',
  ILLEGAL_STAGE_TRANSITION = 'ILLEGAL_STAGE_TRANSITION',
  /** An introducer or manager chain that would loop back to the contact. */
  CIRCULAR_REFERENCE = 'CIRCULAR_REFERENCE',
  /** Outreach to a contact without an email address. */
  NO_EMAIL_ADDRESS = 'NO_EMAIL_ADDRESS',
}

export const ContactErrors = {
  emailTaken: (existingContactId: string) =>
    new ConflictError('You already have a contact with this email', {
      reason: ContactErrorReason.EMAIL_TAKEN,
      existingContactId,
      fields: [{ field: 'input.email', message: 'is already used by another of your contacts' }],
    }),
  illegalStage: (from: ContactStage, to: ContactStage, field = 'input.stage') =>
    new AppError(ErrorCode.BAD_USER_INPUT, `A contact cannot move from ${from} to ${to}`, {
      reason: ContactErrorReason.ILLEGAL_STAGE_TRANSITION,
      allowedStages: STAGE_TRANSITIONS[from],
      fields: [
        {
          field,
          message: `cannot move from ${from} to ${to}; allowed: ${STAGE_TRANSITIONS[from].join(', ')}`,
        },
      ],
    }),
  introductionCycle: () =>
    ValidationError.field(
      'input.introducedById',
      'would make a contact part of their own chain of introductions',
      ContactErrorReason.CIRCULAR_REFERENCE,
    ),
  reportingCycle: () =>
    ValidationError.field(
      'input.reportsToId',
      'would put the contact in their own chain of command (or make it deeper than 50 levels)',
      ContactErrorReason.CIRCULAR_REFERENCE,
    ),
  relationNotFound,
};

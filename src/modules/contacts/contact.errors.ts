import { AppError, ConflictError, ErrorCode, relationNotFound, ValidationError } from '../../core/errors';
import { STAGE_TRANSITIONS, type ContactStage } from './contact-stage';

export const ContactErrors = {
  emailTaken: (existingContactId: string) =>
    new ConflictError('You already have a contact with this email', {
      reason: 'EMAIL_TAKEN',
      existingContactId,
      fields: [{ field: 'input.email', message: 'is already used by another of your contacts' }],
    }),
  illegalStage: (from: ContactStage, to: ContactStage, field = 'input.stage') =>
    new AppError(ErrorCode.BAD_USER_INPUT, `A contact cannot move from ${from} to ${to}`, {
      reason: 'ILLEGAL_STAGE_TRANSITION',
      allowedStages: STAGE_TRANSITIONS[from],
      fields: [
        {
          field,
          message: `cannot move from ${from} to ${to}; allowed: ${STAGE_TRANSITIONS[from].join(', ')}`,
        },
      ],
    }),
  introductionCycle: () =>
    ValidationError.field('input.introducedById', 'would make a contact part of their own chain of introductions'),
  reportingCycle: () =>
    ValidationError.field(
      'input.reportsToId',
      'would put the contact in their own chain of command (or make it deeper than 50 levels)',
    ),
  relationNotFound,
};

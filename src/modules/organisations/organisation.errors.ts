import { ConflictError } from '../../core/errors';

export const OrganisationErrors = {
  domainTaken: (existingOrganisationId: string) =>
    new ConflictError('You already have an organisation with this domain', {
      reason: 'DOMAIN_TAKEN',
      existingOrganisationId,
      fields: [{ field: 'input.domain', message: 'is already used by another of your organisations' }],
    }),
};

import type { FeatureModule } from '../../core/feature';
import { Organisation } from '../organisations/organisation.entity';
import type { organisationLoaders } from '../organisations/organisation.loaders';
import type { LoadersOf } from '../../core/graphql/loaders';
import { Contact } from './contact.entity';
import { contactLoaders } from './contact.loaders';
import { ContactResolver, OrganisationContactsResolver } from './contact.resolver';
import { ContactMergeResolver } from './duplicates/contact-merge.resolver';
import { DuplicateDismissal } from './duplicates/duplicate-dismissal.entity';
import { ContactImportResolver } from './import/contact-import.resolver';
import { ImportFinishedResolver } from './import/import-finished.resolver';
import { OutreachResolver } from './outreach.resolver';

export const contactsModule = {
  name: 'contacts',
  entities: [Contact, DuplicateDismissal],
  resolvers: [
    ContactResolver,
    OrganisationContactsResolver,
    OutreachResolver,
    ContactImportResolver,
    ContactMergeResolver,
    ImportFinishedResolver,
  ],
  loaders: contactLoaders,
  // A contact's organisation is read inside `contact(id)`'s statement when pages below it are.
  prefetch: {
    toOne: {
      Contact: {
        organisation: {
          entity: Organisation,
          foreignKey: 'organisationId',
          type: 'Organisation',
          load: (loaders: LoadersOf<typeof organisationLoaders>) => loaders.organisation,
        },
      },
    },
  },
} satisfies FeatureModule;

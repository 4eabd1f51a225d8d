import 'reflect-metadata';
import { getMetadataStorage } from 'type-graphql';
import { Meeting } from '../../../modules/meetings/meeting.entity';
import { MeetingResolver } from '../../../modules/meetings/meeting.resolver';
import { PageInfo } from '../pagination';
import { createSchema } from '../schema';

type AuthorizedField = ReturnType<typeof getMetadataStorage>['authorizedFields'][number];

/** Builds the schema with one extra @Authorized entry, as if a decorator had been added. */
async function buildWithCheck(check: AuthorizedField): Promise<unknown> {
  const storage = getMetadataStorage();
  storage.authorizedFields.push(check);
  try {
    return await createSchema();
  } finally {
    storage.authorizedFields.splice(storage.authorizedFields.indexOf(check), 1);
  }
}

describe('schema shortcuts refuse to skip a check', () => {
  it('builds as it is', async () => {
    await expect(createSchema()).resolves.toBeDefined();
  });

  it('refuses a check on a joined relation’s resolver (Meeting.contact)', async () => {
    await expect(buildWithCheck({ target: MeetingResolver, fieldName: 'contact', roles: [] })).rejects.toThrow(
      'Meeting.contact has a check; it cannot be answered from a joined row',
    );
  });

  it('refuses a check on a joined relation’s field (Meeting.organisation)', async () => {
    // Meeting is also a simpleResolvers type, whose guard speaks first.
    await expect(buildWithCheck({ target: Meeting, fieldName: 'organisation', roles: [] })).rejects.toThrow(
      /^Meeting\.organisation has a check/,
    );
  });

  it('refuses a check on a field of a simpleResolvers type (PageInfo)', async () => {
    await expect(buildWithCheck({ target: PageInfo, fieldName: 'endCursor', roles: [] })).rejects.toThrow(
      'PageInfo.endCursor has a check but its type uses simpleResolvers',
    );
  });
});

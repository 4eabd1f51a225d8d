import 'reflect-metadata';
import { getMetadataStorage } from 'type-graphql';
import { GraphQLObjectType, type GraphQLResolveInfo } from 'graphql';
import { PageInfo } from '../../core/graphql/pagination';
import { Meeting } from '../../modules/meetings/meeting.entity';
import { MeetingResolver } from '../../modules/meetings/meeting.resolver';
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
  it('builds as it is, answering joined relations from the row', async () => {
    const schema = await createSchema();
    const meeting = schema.getType('Meeting');
    expect(meeting).toBeInstanceOf(GraphQLObjectType);
    const field = (meeting as GraphQLObjectType).getFields().contact;
    const joined = { id: 'c1', firstName: 'Ada' };
    // No context and no loaders: a joined value (null included) must be answered without them.
    const info = {} as GraphQLResolveInfo;
    expect(field.resolve!({ contact: joined, contactId: 'c1' }, {}, {}, info)).toBe(joined);
    expect(field.resolve!({ contact: null, contactId: null }, {}, {}, info)).toBeNull();
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

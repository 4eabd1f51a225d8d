import { buildSchema, getOperationAST, Kind, parse, type FragmentDefinitionNode } from 'graphql';
import { estimateQueryCost } from '../query-cost';

const schema = buildSchema(`
  type Query { organisations(first: Int = 20, after: String): OrganisationConnection!  me: User }
  type User { id: ID!  tags: [String!]!  friends: [User!]! }
  type Organisation { id: ID!  name: String!  contacts(first: Int = 20): ContactConnection!  people: [Contact!]! }
  type OrganisationConnection { edges: [OrganisationEdge!]!  nodes: [Organisation!]!  pageInfo: PageInfo!  totalCount: Int! }
  type OrganisationEdge { cursor: String!  node: Organisation! }
  type Contact { id: ID!  organisation: Organisation }
  type ContactConnection { edges: [ContactEdge!]!  pageInfo: PageInfo! }
  type ContactEdge { node: Contact! }
  type PageInfo { hasNextPage: Boolean! }
  union Thing = User | Organisation
  extend type Query { things: [Thing!]! }
`);

const cost = (query: string, variables: Record<string, unknown> = {}) => {
  const document = parse(query);
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
  return estimateQueryCost(schema, getOperationAST(document)!, fragments, variables, { unboundedListSize: 10 });
};

describe('estimateQueryCost', () => {
  it('counts each object once per parent; scalars are free', () => {
    expect(cost('{ me { id tags } }')).toBe(1);
  });

  it('multiplies by the page size of a connection, given or by default', () => {
    // connection 1 + 100 edges + 100 nodes + pageInfo 1
    expect(cost('{ organisations(first: 100) { edges { node { id } } pageInfo { hasNextPage } } }')).toBe(202);
    expect(cost('{ organisations { nodes { id } } }')).toBe(1 + 20);
  });

  it('reads page sizes from variables, and falls back to the default for a bad one', () => {
    const q = 'query($n: Int) { organisations(first: $n) { nodes { id } } }';
    expect(cost(q, { n: 50 })).toBe(51);
    expect(cost(q, {})).toBe(21);
    expect(cost(q, { n: -5 })).toBe(21);
  });

  it('multiplies nested connections: the three-level query the limit is for', () => {
    const level = (inner: string) => `contacts(first: 100) { edges { node { organisation { ${inner} } } } }`;
    const query = `{ organisations(first: 100) { edges { node { ${level(level('id'))} } } } }`;
    // 100 orgs (+ connection and edges), each with 100 contacts each with an organisation, twice over.
    expect(cost(query)).toBeGreaterThan(1_000_000);
  });

  it('gives unbounded lists the configured size, multiplied by their parents', () => {
    expect(cost('{ me { friends { id } } }')).toBe(1 + 10);
    expect(cost('{ me { friends { friends { id } } } }')).toBe(1 + 10 + 100);
    expect(cost('{ organisations(first: 2) { nodes { people { id } } } }')).toBe(1 + 2 + 20);
  });

  it('expands named and inline fragments, unions included', () => {
    const named =
      'query { organisations(first: 5) { ...Page } } fragment Page on OrganisationConnection { nodes { id } }';
    expect(cost(named)).toBe(6);
    expect(cost('{ me { ... on User { friends { id } } } }')).toBe(11);
    expect(cost('{ things { ... on User { friends { id } } ... on Organisation { people { id } } } }')).toBe(
      10 + 100 + 100,
    );
  });

  it('does not loop on a fragment that spreads itself (validation refuses it later)', () => {
    expect(cost('query { me { ...F } } fragment F on User { friends { ...F } }')).toBe(11);
  });
});

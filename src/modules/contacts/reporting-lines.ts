import type { DataSource, EntityManager } from 'typeorm';
import { readerOf } from '../../core/graphql/loaders';
import { Contact } from './contact.entity';

/** How far up a chain of command the cycle check walks; deeper chains are refused. */
export const MAX_REPORTING_DEPTH = 50;

/**
 * Whether `managerId` appears above `contactId` in the chain of command (or the chain is deeper
 * than MAX_REPORTING_DEPTH, which is refused the same way: no real organisation is that deep).
 */
export async function reportsUpTo(m: EntityManager, contactId: string, managerId: string): Promise<boolean> {
  const [row] = await m.query(
    `WITH RECURSIVE chain(id, depth) AS (
       SELECT reports_to_id, 1 FROM contacts WHERE id = $1
       UNION ALL
       SELECT c.reports_to_id, chain.depth + 1 FROM contacts c JOIN chain ON c.id = chain.id
       WHERE chain.depth <= $3
     )
     SELECT EXISTS (SELECT 1 FROM chain WHERE id = $2) OR max(depth) > $3 AS found FROM chain`,
    [contactId, managerId, MAX_REPORTING_DEPTH],
  );
  return row.found as boolean;
}

/** Caps on `Organisation.people`: levels below the top, and people in all. */
export const PEOPLE_TREE_LIMITS = { depth: 10, nodes: 500 } as const;

/** One person of an organisation's tree, with who reports to them there. */
export interface PeopleTreeNode {
  contact: Contact;
  depth: number;
  reports: PeopleTreeNode[];
}

/** An organisation's people as a tree; `truncated` when a cap left people out. */
export interface PeopleTree {
  roots: PeopleTreeNode[];
  total: number;
  truncated: boolean;
}

/**
 * The user's contacts at some organisations as chains of command, in one statement: the tops are
 * people whose manager is elsewhere (or unknown), and each level below is who reports to them
 * there. Each organisation keeps its first `nodes` people by level, so when a cap cuts a tree
 * the top stays and every kept person's manager is kept too.
 */
export async function peopleTrees(
  ds: DataSource,
  userId: string,
  organisationIds: readonly string[],
): Promise<Map<string, PeopleTree>> {
  const reader = readerOf(ds, Contact);
  const columns = reader.columnsFor(null);
  const { depth, nodes } = PEOPLE_TREE_LIMITS;
  const rows: Record<string, unknown>[] = await ds.query(
    `WITH RECURSIVE tree(id, org_id, parent_id, depth, seen) AS (
       SELECT c.id, c.organisation_id, NULL::uuid, 0, ARRAY[c.id] FROM contacts c
       LEFT JOIN contacts m ON m.id = c.reports_to_id AND m.organisation_id = c.organisation_id
       WHERE c.user_id = $1 AND c.organisation_id = ANY($2::uuid[]) AND m.id IS NULL
       UNION ALL
       SELECT c.id, tree.org_id, tree.id, tree.depth + 1, tree.seen || c.id FROM tree
       JOIN contacts c ON c.reports_to_id = tree.id AND c.organisation_id = tree.org_id
       WHERE c.user_id = $1 AND tree.depth < $3 AND c.id <> ALL(tree.seen)
     ), ranked AS (
       SELECT tree.*, row_number() OVER (PARTITION BY org_id ORDER BY depth, id) AS n FROM tree
     ), totals AS (
       SELECT organisation_id, count(*)::int AS total FROM contacts
       WHERE user_id = $1 AND organisation_id = ANY($2::uuid[]) GROUP BY organisation_id
     )
     SELECT totals.organisation_id AS tree_org_id, totals.total AS tree_total,
            ranked.parent_id AS tree_parent_id, ranked.depth AS tree_depth, ${reader.selectList('c', columns)}
     FROM totals
     LEFT JOIN ranked ON ranked.org_id = totals.organisation_id AND ranked.n <= $4
     LEFT JOIN contacts c ON c.id = ranked.id
     ORDER BY ranked.depth`,
    [userId, organisationIds, depth, nodes],
  );
  const nodesById = new Map<string, PeopleTreeNode>();
  for (const row of rows) {
    const contact = reader.hydrate(row, 'c', columns);
    if (contact) nodesById.set(contact.id, { contact, depth: row.tree_depth as number, reports: [] });
  }
  const trees = new Map<string, PeopleTree & { kept: number }>();
  for (const row of rows) {
    const orgId = row.tree_org_id as string;
    let tree = trees.get(orgId);
    if (!tree) trees.set(orgId, (tree = { roots: [], total: row.tree_total as number, truncated: false, kept: 0 }));
    const node = row.c_id ? nodesById.get(row.c_id as string) : undefined;
    if (!node) continue;
    tree.kept += 1;
    const parent = row.tree_parent_id ? nodesById.get(row.tree_parent_id as string) : undefined;
    (parent ? parent.reports : tree.roots).push(node);
  }
  const byName = (a: PeopleTreeNode, b: PeopleTreeNode) =>
    a.contact.fullName.localeCompare(b.contact.fullName) || a.contact.id.localeCompare(b.contact.id);
  for (const node of nodesById.values()) node.reports.sort(byName);
  const result = new Map<string, PeopleTree>();
  for (const [orgId, { roots, total, kept }] of trees) {
    // Anyone at the organisation who is not in its tree was cut by a cap.
    result.set(orgId, { roots: roots.sort(byName), total, truncated: kept < total });
  }
  return result;
}

import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { padForGenericPlan, queryPrepared } from '../../core/db/prepared';
import { readerOf } from '../../core/graphql/loaders';
import type { NodeBudget } from '../../core/graphql/node-budget';
import { isUuid } from '../../core/ids';
import { NODE_TYPES, type NodeType } from './node-types';

/**
 * Objects by global id, for node/nodes: one statement finds which of the user's tables holds
 * each id, then one statement per type found reads them. An id that is not the user's (another
 * user's, deleted or never issued) gives null, the same answer, so nothing says it exists.
 */
function nodeLoader(ds: DataSource, userId: string | null, budget: NodeBudget) {
  return new DataLoader<string, object | null>(async (ids) => {
    const valid = [...new Set(ids.filter(isUuid))];
    if (!userId || !valid.length) return ids.map(() => null);
    const branches = NODE_TYPES.map((type, i) => {
      const reader = readerOf(ds, type.entity);
      const id = reader.column('t', 'id');
      return `SELECT ${id} AS id, ${i} AS type FROM ${reader.table} "t" WHERE ${id} = ANY($1::uuid[]) AND ${reader.column('t', type.owner)} = $2`;
    });
    const found = await queryPrepared<{ id: string; type: number }>(ds, branches.join(' UNION ALL '), [
      padForGenericPlan(valid),
      userId,
    ]);
    const byType = new Map<NodeType, string[]>();
    for (const row of found) {
      const type = NODE_TYPES[row.type];
      byType.set(type, [...(byType.get(type) ?? []), row.id]);
    }
    const objects = new Map<string, object>();
    await Promise.all(
      [...byType].map(async ([type, typeIds]) => {
        const reader = readerOf(ds, type.entity);
        const rows = await reader.readWhole(
          `${reader.column('t', 'id')} = ANY($1::uuid[]) AND ${reader.column('t', type.owner)} = $2`,
          '',
          [padForGenericPlan(typeIds), userId],
        );
        budget.spend(rows.length);
        for (const row of rows) objects.set(row.id, row);
      }),
    );
    return ids.map((id) => objects.get(id) ?? null);
  });
}

export const nodeLoaders = { nodeById: nodeLoader };

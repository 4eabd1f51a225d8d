import { Kind, type FieldNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

/**
 * The fields selected at `path` below the current field (e.g. ['edges', 'node']), through
 * fragments and inline fragments. Lets a list resolver join what the client asked for.
 */
export function selectedFields(info: GraphQLResolveInfo, path: string[]): Set<string> {
  let level: FieldNode[] = [...info.fieldNodes];
  for (const name of path) {
    level = level.flatMap((node) => fieldsOf(node.selectionSet, info).filter((f) => f.name.value === name));
  }
  return new Set(level.flatMap((node) => fieldsOf(node.selectionSet, info).map((f) => f.name.value)));
}

/**
 * The fields selected on a connection's nodes at `below` (e.g. ['contact']), whichever way the
 * client reached them: `edges { node { … } }`, `nodes { … }`, or both (the union). A read that
 * takes only the columns its selection needs must look at both, or `nodes` gets half-read rows.
 */
export function nodeFields(info: GraphQLResolveInfo, below: string[] = []): Set<string> {
  const fields = selectedFields(info, ['edges', 'node', ...below]);
  for (const f of selectedFields(info, ['nodes', ...below])) fields.add(f);
  return fields;
}

function fieldsOf(set: SelectionSetNode | undefined, info: GraphQLResolveInfo): FieldNode[] {
  if (!set) return [];
  return set.selections.flatMap((selection) => {
    if (selection.kind === Kind.FIELD) return [selection];
    if (selection.kind === Kind.INLINE_FRAGMENT) return fieldsOf(selection.selectionSet, info);
    const fragment = info.fragments[selection.name.value];
    return fragment ? fieldsOf(fragment.selectionSet, info) : [];
  });
}

// Apollo reuses the parsed document of a repeated query, so the answer is kept per field node.
const totalCounts = new WeakMap<FieldNode, boolean>();

/** Whether a connection field's selection reads totalCount (a page may then count in the same statement). */
export function asksTotalCount(info: GraphQLResolveInfo): boolean {
  const node = info.fieldNodes.length === 1 ? info.fieldNodes[0] : undefined;
  let asks = node && totalCounts.get(node);
  if (asks === undefined) {
    asks = selectedFields(info, []).has('totalCount');
    if (node) totalCounts.set(node, asks);
  }
  return asks;
}

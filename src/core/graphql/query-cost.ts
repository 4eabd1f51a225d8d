import {
  getNamedType,
  getNullableType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  valueFromAST,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

export interface QueryCostOptions {
  /** Items assumed for a list field that takes no `first`/`last` (an unbounded to-many list). */
  unboundedListSize: number;
}

/**
 * The most objects an operation can return, before it runs: every object-typed field counts once
 * per parent object, and a list multiplies what is below it by its size — `first`/`last` (or
 * its default) for a connection's `edges`/`nodes`, `unboundedListSize` for a plain list. So
 * `organisations(first: 100) { edges { node { contacts(first: 100) { … } } } }` costs ~10,000,
 * where a cost that ignored list sizes would count ~3.
 *
 * Variables are read as the request sends them; a value that is not a positive integer counts
 * as the argument's default (validation refuses it anyway).
 */
export function estimateQueryCost(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Readonly<Record<string, FragmentDefinitionNode>>,
  variables: Readonly<Record<string, unknown>>,
  { unboundedListSize }: QueryCostOptions,
): number {
  const root =
    operation.operation === 'mutation'
      ? schema.getMutationType()
      : operation.operation === 'subscription'
        ? schema.getSubscriptionType()
        : schema.getQueryType();
  if (!root) return 0;

  const positive = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0;
  /** The page size a field asks for: its `first` (or a lone `last`), given or by default. */
  const sizeArgument = (node: FieldNode, field: GraphQLField<unknown, unknown>): number | null => {
    const given = (name: string) => node.arguments?.find((a) => a.name.value === name);
    const page = (name: string): number | null => {
      const definition = field.args.find((a) => a.name === name);
      if (!definition) return null;
      const argument = given(name);
      const value = argument ? valueFromAST(argument.value, definition.type, variables) : definition.defaultValue;
      if (positive(value)) return value;
      return positive(definition.defaultValue) ? definition.defaultValue : null;
    };
    if (given('last') && !given('first')) return page('last');
    return page('first') ?? page('last');
  };

  // Fragments are expanded where they are spread; a fragment spread inside itself is refused by
  // validation, and `seen` keeps a malformed document from looping here before it is.
  const cost = (
    selectionSet: SelectionSetNode,
    type: GraphQLNamedType,
    parents: number,
    pageSize: number | null,
    seen: ReadonlySet<string>,
  ): number => {
    // A union has no fields of its own: only its fragments select anything.
    const fields = isObjectType(type) || isInterfaceType(type) ? type.getFields() : {};
    let total = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const name = selection.name.value;
        const fragment = fragments[name];
        if (!fragment || seen.has(name)) continue;
        const on = schema.getType(fragment.typeCondition.name.value) ?? type;
        total += cost(fragment.selectionSet, on, parents, pageSize, new Set([...seen, name]));
        continue;
      }
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const on = selection.typeCondition ? (schema.getType(selection.typeCondition.name.value) ?? type) : type;
        total += cost(selection.selectionSet, on, parents, pageSize, seen);
        continue;
      }
      const field = fields[selection.name.value];
      if (!field) continue; // __typename, or unknown (validation reports it)
      const returned = getNamedType(field.type);
      const isList = isListType(getNullableType(field.type));
      let count = parents;
      if (isList) {
        const inConnection =
          pageSize !== null && (selection.name.value === 'edges' || selection.name.value === 'nodes');
        count *= inConnection ? pageSize : (sizeArgument(selection, field) ?? unboundedListSize);
      }
      if (!selection.selectionSet) continue; // a scalar or enum: no object
      total += count;
      // A (non-list) field with a page size returns a connection: its edges/nodes take that size.
      total += cost(selection.selectionSet, returned, count, isList ? null : sizeArgument(selection, field), seen);
    }
    return total;
  };
  return cost(operation.selectionSet, root, 1, null, new Set());
}

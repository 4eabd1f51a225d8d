// Conventions of schema.graphql that a node pattern can state (docs/clients.md, "Conventions of
// the schema"), as rules of their own so each can be switched on or off alone.

/** A rule reporting every node the selector (an esquery pattern over graphql-eslint's AST) finds. */
function selectorRule(description, selector, message) {
  return {
    meta: { type: 'suggestion', docs: { description }, schema: [], messages: { found: message } },
    create(context) {
      return { [selector]: (node) => context.report({ node, messageId: 'found' }) };
    },
  };
}

const rules = {
  // graphql-eslint's own `require-description` { rootField: true } builds /^(Query,Mutation)$/
  // (4.4.1), which matches no type when there are several root types.
  'root-field-description': selectorRule(
    'Every field of Query, Mutation and Subscription has a description.',
    'ObjectTypeDefinition[name.value=/^(Query|Mutation|Subscription)$/] > FieldDefinition:not([description])',
    'Describe this root field: what it does, what it refuses (code, reason) and its limits.',
  ),
  'sort-enum-direction': selectorRule(
    'Values of a *Sort enum spell their direction: FIELD_ASC or FIELD_DESC.',
    'EnumTypeDefinition[name.value=/Sort$/] > EnumValueDefinition[name.value!=/_(ASC|DESC)$/]',
    'A sort value names its field and direction: FIELD_ASC or FIELD_DESC.',
  ),
  'connection-first-nullable': selectorRule(
    'A connection field takes `first: Int` (nullable, with a default), never `first: Int!`.',
    ':matches(FieldDefinition[gqlType.name.value=/Connection$/], FieldDefinition[gqlType.gqlType.name.value=/Connection$/])' +
      ' > InputValueDefinition[name.value="first"][gqlType.kind="NonNullType"]',
    'Make `first` nullable with a default page size (`first: Int = 20`).',
  ),
};

module.exports = { rules };

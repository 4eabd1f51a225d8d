// Rapport's contract rule for mutation arguments (docs/clients.md, "Conventions of the schema"):
// at most `id: ID!` (the object the mutation acts on) followed by one
// `input: <MutationName>Input!`. A default value (`= {}`) is allowed on `input` when every field
// of the input is optional, so a client may leave it out. graphql-eslint's `input-name` cannot say
// this: it wants every argument called `input`, `id` included.

const pascal = (name) => name.charAt(0).toUpperCase() + name.slice(1);

/** `ID!` or `FooInput!` as written, or null for any other shape (lists, nullable types). */
function nonNullName(type) {
  if (type.kind !== 'NonNullType' || type.gqlType.kind !== 'NamedType') return null;
  return type.gqlType.name.value;
}

function check(context, field) {
  const args = field.arguments ?? [];
  const wanted = `${pascal(field.name.value)}Input`;
  let seenInput = false;
  for (const [index, arg] of args.entries()) {
    const name = arg.name.value;
    const type = nonNullName(arg.gqlType);
    if (name === 'id' && index === 0) {
      if (type !== 'ID') context.report({ node: arg, messageId: 'idType', data: { field: field.name.value } });
    } else if (name === 'input' && !seenInput) {
      seenInput = true;
      if (type !== wanted) {
        context.report({ node: arg, messageId: 'inputType', data: { field: field.name.value, wanted } });
      }
    } else {
      context.report({ node: arg, messageId: 'argument', data: { field: field.name.value, name, wanted } });
    }
  }
}

const rule = {
  meta: {
    type: 'suggestion',
    docs: { description: 'A mutation takes at most `id: ID!` and then `input: <MutationName>Input!`.' },
    schema: [],
    messages: {
      argument:
        'Mutation.{{field}} has argument `{{name}}`: a mutation takes at most `id: ID!` and then `input: {{wanted}}!`; move it into {{wanted}}.',
      idType: 'Mutation.{{field}}: `id` must be `ID!`.',
      inputType: 'Mutation.{{field}}: `input` must be `{{wanted}}!` (named after the mutation, non-null).',
    },
  },
  create(context) {
    const visit = (node) => {
      if (node.name.value !== 'Mutation') return;
      for (const field of node.fields ?? []) check(context, field);
    };
    return { ObjectTypeDefinition: visit, ObjectTypeExtension: visit };
  },
};

module.exports = { rule };

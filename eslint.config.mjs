import js from '@eslint/js';
import graphqlPlugin from '@graphql-eslint/eslint-plugin';
import tseslint from 'typescript-eslint';
import mutationArguments from './eslint-rules/mutation-arguments.cjs';
import schemaSelectors from './eslint-rules/schema-selectors.cjs';

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'node_modules/',
      'coverage/',
      '.data/',
      '.mail/',
      'test/generated/',
      'examples/*/src/gql/',
      'bench/results/',
    ],
  },
  { ...js.configs.recommended, files: ['**/*.{js,mjs,cjs,ts}'] },
  ...tseslint.configs.recommended.map((config) => ({ ...config, files: ['**/*.{js,mjs,cjs,ts}'] })),
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false },
      ],
      'no-console': 'error',
    },
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
  },
  {
    // The platform layer takes what it needs as parameters: it never imports the composition
    // root (src/app) or a feature (src/modules). See docs/architecture.md.
    files: ['src/core/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)(app|modules)(/|$)',
              message: 'src/core is the platform: it must not import src/app or src/modules (pass what it needs in).',
            },
          ],
        },
      ],
    },
  },
  {
    // Features use other features and the platform; of the composition root they may only name
    // types (the request Context), never run its code.
    files: ['src/modules/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)app(/|$)',
              allowTypeImports: true,
              message:
                'a feature may import only types from src/app (the composition root imports features, not the reverse).',
            },
          ],
        },
      ],
    },
  },
  {
    // The contract's conventions, checked on the emitted schema (docs/clients.md, "Conventions of
    // the schema", says why each rule is on or off).
    files: ['schema.graphql'],
    languageOptions: {
      parser: graphqlPlugin.parser,
      parserOptions: { graphQLConfig: { schema: 'schema.graphql' } },
    },
    plugins: {
      '@graphql-eslint': graphqlPlugin,
      rapport: { rules: { 'mutation-arguments': mutationArguments.rule, ...schemaSelectors.rules } },
    },
    rules: {
      ...graphqlPlugin.configs['flat/schema-recommended'].rules,
      // Value types (payloads, pages, counts) outnumber objects with identity here; which types
      // have an id is the Node interface's business (the relay part).
      '@graphql-eslint/strict-id-in-types': 'off',
      // Broken for several root types in 4.4.1: rapport/root-field-description says it instead.
      '@graphql-eslint/require-description': 'off',
      'rapport/root-field-description': 'error',
      // Stock `input-name` wants every argument called `input`; ours allows `id: ID!` first.
      'rapport/mutation-arguments': 'error',
      '@graphql-eslint/require-deprecation-reason': 'error',
      '@graphql-eslint/description-style': ['error', { style: 'block' }],
      '@graphql-eslint/relay-connection-types': 'error',
      '@graphql-eslint/relay-page-info': 'error',
      // Forward pagination everywhere; `last`/`before` only where a list reads newest-first.
      '@graphql-eslint/relay-arguments': ['error', { includeBoth: false }],
      '@graphql-eslint/relay-edge-types': [
        'error',
        // Plain lists of values stay lists. Not every edge's node is a Node: admin views,
        // timeline rows and tombstones have no refetchable identity of their own (clients.md).
        { withEdgeSuffix: true, shouldImplementNode: false, listTypeCanWrapOnlyEdgeType: false },
      ],
      // Connections take `first: Int = 20`: null or left out means the default page.
      'rapport/connection-first-nullable': 'error',
      // Sort enums spell the direction: FIELD_ASC / FIELD_DESC.
      'rapport/sort-enum-direction': 'error',
    },
  },
  {
    // Tests may log on failure and use non-null assertions on known fixtures.
    files: ['test/**/*.ts', '**/__tests__/**/*.ts'],
    rules: { 'no-console': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { module: 'writable', require: 'readonly', setTimeout: 'readonly' },
    },
    // require() is how CommonJS imports.
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: {
      globals: {
        process: 'readonly',
        fetch: 'readonly',
        console: 'readonly',
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        Buffer: 'readonly',
      },
    },
  },
);

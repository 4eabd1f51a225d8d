#!/usr/bin/env node
// Fails when schema.graphql or the codegen output no longer match the code. It regenerates
// both in place (from a compiled dist/) and compares with what was there before.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { log, root, run } from './lib/bootstrap.mjs';

const GENERATED = [
  'schema.graphql',
  'test/generated/graphql.ts',
  ...['web', 'mobile'].flatMap((app) =>
    ['graphql.ts', 'gql.ts', 'index.ts', 'persisted-documents.json'].map((file) => `examples/${app}/src/gql/${file}`),
  ),
];
const read = (file) => {
  try {
    return readFileSync(path.join(root, file), 'utf8');
  } catch {
    return null;
  }
};

const before = GENERATED.map(read);
run(process.execPath, ['dist/src/cli/emit-schema.js'], { stdio: ['ignore', 'ignore', 'inherit'] });
run(process.execPath, ['scripts/codegen.mjs', '--silent']);
const stale = GENERATED.filter((file, i) => read(file) !== before[i]);
if (stale.length) {
  log('check', `stale generated files: ${stale.join(', ')}.`);
  log('check', 'They have now been regenerated from the code: review and commit them.');
  process.exit(1);
}
log('check', 'schema.graphql and codegen output match the code');

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ENV_KEYS, loadConfig } from '../config';

const example = readFileSync(path.join(__dirname, '..', '..', '..', '.env.example'), 'utf8');
/** The keys .env.example sets or shows commented out (`# KEY=value`). */
const documented = [...example.matchAll(/^#? ?([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]);

const required = {
  DATABASE_URL: 'postgres://localhost/rapport',
  REDIS_URL: 'redis://localhost:6379',
  JWT_SECRET: 'x'.repeat(32),
};

it('.env.example documents every variable the config reads, and no other', () => {
  expect([...documented].sort()).toEqual([...ENV_KEYS].sort());
});

it('GRAPHQL_JIT is on unless set to false', () => {
  expect(loadConfig(required).graphql.jit).toBe(true);
  expect(loadConfig({ ...required, GRAPHQL_JIT: 'false' }).graphql.jit).toBe(false);
  expect(() => loadConfig({ ...required, GRAPHQL_JIT: 'off' })).toThrow(/GRAPHQL_JIT must be true or false/);
});

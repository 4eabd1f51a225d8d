import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ErrorCode } from '../../src/core/errors';

// docs/errors.md is the catalogue a client developer reads: every code, reason and extension
// the code can send is in it, and it names none the code does not send. A new throw with a new
// reason or detail fails here until it is documented.

const ROOT = path.join(__dirname, '..', '..');
const docs = readFileSync(path.join(ROOT, 'docs', 'errors.md'), 'utf8');

function sourceFiles(dir: string): { file: string; text: string }[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === '__tests__' ? [] : sourceFiles(full);
    return entry.name.endsWith('.ts') ? [{ file: path.relative(ROOT, full), text: readFileSync(full, 'utf8') }] : [];
  });
}
const sources = sourceFiles(path.join(ROOT, 'src'));

/** Whether docs/errors.md mentions `name` as code: `NAME` or `name { … }`. */
const documented = (name: string) => new RegExp('`' + name + '[` {]').test(docs);

/** The object literal around `index` (the innermost `{ … }` holding it), or null. */
function enclosingObject(text: string, index: number): string | null {
  let depth = 0;
  let start = -1;
  for (let i = index; i >= 0; i--) {
    if (text[i] === '}') depth++;
    else if (text[i] === '{' && depth-- === 0) {
      start = i;
      break;
    }
  }
  if (start < 0) return null;
  depth = 0;
  for (let i = start; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return text.slice(start, i + 1);
  }
  return null;
}

/** The keys of an object literal's top level (`key: …` and shorthand `key,`). */
function topLevelKeys(object: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  let expectKey = true;
  for (let i = 0; i < object.length; i++) {
    const c = object[i];
    if ('{[('.includes(c)) {
      depth++;
      if (depth === 1) expectKey = true;
      continue;
    }
    if ('}])'.includes(c)) {
      depth--;
      continue;
    }
    if (depth !== 1) continue;
    if (c === ',') expectKey = true;
    else if (expectKey && /[A-Za-z_.]/.test(c)) {
      const name = /^(\.\.\.)?\w+/.exec(object.slice(i))![0];
      if (!name.startsWith('...')) keys.push(name);
      expectKey = false;
      i += name.length - 1;
    }
  }
  return keys;
}

/** The argument text of every `new …Error(…)` in the code, with its file. */
function errorConstructions(): { file: string; call: string }[] {
  const calls: { file: string; call: string }[] = [];
  for (const { file, text } of sources) {
    for (const m of text.matchAll(/new \w*Error\(/g)) {
      let depth = 0;
      for (let i = m.index + m[0].length - 1; i < text.length; i++) {
        if (text[i] === '(') depth++;
        else if (text[i] === ')' && --depth === 0) {
          calls.push({ file, call: text.slice(m.index, i + 1) });
          break;
        }
      }
    }
  }
  return calls;
}

/** Every reason the code gives: members of `…ErrorReason` enums and `reason: '…'` in errors. */
function reasonsInCode(): Map<string, string> {
  const found = new Map<string, string>();
  for (const { file, text } of sources) {
    for (const [, body] of text.matchAll(/export enum \w*ErrorReason \{([^}]*)\}/g)) {
      for (const [, value] of body.matchAll(/=\s*'([A-Z0-9_]+)'/g)) found.set(value, file);
    }
  }
  for (const { file, call } of errorConstructions()) {
    for (const [, value] of call.matchAll(/\breason: '([A-Z0-9_]+)'/g)) found.set(value, file);
  }
  return found;
}

/** Keys of every error details object (an object literal with a `reason`) built into an error. */
function detailKeysInCode(): Map<string, string> {
  const found = new Map<string, string>();
  for (const { file, call } of errorConstructions()) {
    for (const match of call.matchAll(/\breason: /g)) {
      const object = enclosingObject(call, match.index);
      if (!object) continue;
      for (const key of topLevelKeys(object)) found.set(key, file);
    }
  }
  return found;
}

it('finds the reasons and details it checks (the scan itself works)', () => {
  const reasons = reasonsInCode();
  for (const known of ['TOKEN_EXPIRED', 'INVALID_VALUE', 'OVERLAP', 'DOMAIN_TAKEN', 'COST_LIMIT', 'LINK_INVALID']) {
    expect([known, reasons.has(known)]).toEqual([known, true]);
  }
  const keys = detailKeysInCode();
  for (const known of ['reason', 'existingContactId', 'clashingMeeting', 'retryAfterSeconds', 'maxCost']) {
    expect([known, keys.has(known)]).toEqual([known, true]);
  }
});

it('documents every error code', () => {
  const missing = Object.values(ErrorCode).filter((code) => !documented(code));
  expect(missing).toEqual([]);
});

it('documents every reason the code gives', () => {
  const missing = [...reasonsInCode()].filter(([reason]) => !documented(reason)).map(([r, file]) => `${r} (${file})`);
  expect(missing).toEqual([]);
});

it('documents every extension an error carries', () => {
  const always = ['code', 'reason', 'field', 'fields', 'retryable', 'retryAfterSeconds'];
  const keys = [...always, ...detailKeysInCode().keys()];
  // Other properties of the objects that hold a reason (the HTTP status Apollo reads) are not sent.
  const sent = keys.filter((key) => key !== 'http' && key !== 'extensions');
  expect([...new Set(sent.filter((key) => !documented(key)))]).toEqual([]);
});

it('lists no reason the code does not give', () => {
  const reasons = reasonsInCode();
  const table = docs.slice(docs.indexOf('## Reasons'));
  const listed = [...table.matchAll(/^\| `[A-Z_]+` +\| `([A-Z0-9_]+)`/gm)].map(([, reason]) => reason);
  expect(listed.length).toBeGreaterThan(20);
  expect(listed.filter((reason) => !reasons.has(reason))).toEqual([]);
});

it('builds every CONFLICT and BAD_USER_INPUT through a helper whose type requires a reason', () => {
  const bypasses: string[] = [];
  for (const { file, text } of sources) {
    // AppError's overloads require a reason for these codes, when the code is written out.
    for (const m of text.matchAll(/new AppError\(\s*([^,]+),/g)) {
      if (!/^ErrorCode\.\w+$/.test(m[1].trim())) bypasses.push(`${file}: new AppError(${m[1]}, …)`);
    }
    // A GraphQLError with one of these codes must carry its reason itself.
    for (const m of text.matchAll(/code: (?:ErrorCode\.|')(BAD_USER_INPUT|CONFLICT)\b/g)) {
      if (file === 'src/core/graphql/format-error.ts') continue; // adds the reasons
      const object = enclosingObject(text, m.index);
      if (!object || !topLevelKeys(object).includes('reason')) bypasses.push(`${file}: ${m[0]} without reason`);
    }
  }
  expect(bypasses).toEqual([]);
});

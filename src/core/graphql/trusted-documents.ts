import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Kind, parse, validate, type GraphQLSchema } from 'graphql';
import { ConfigError } from '../config';

const SHA256 = /^[0-9a-f]{64}$/;
// The GraphQL-over-HTTP persisted documents appendix prefixes the algorithm (`sha256:<hex>`), as
// the client preset's manifests do; Apollo's APQ sends the bare hex. Both name one document.
const SHA256_PREFIX = 'sha256:';
const bare = (hash: string) => (hash.startsWith(SHA256_PREFIX) ? hash.slice(SHA256_PREFIX.length) : hash);

export const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');

/**
 * The documents a client registered at build time (trusted documents, docs/clients.md): the
 * manifests graphql-codegen's client preset writes (`persisted-documents.json`: sha256 hash →
 * document), merged. Looked up by hash on every request that sends one.
 */
export class TrustedDocuments {
  constructor(private readonly byHash: ReadonlyMap<string, string>) {}

  get size(): number {
    return this.byHash.size;
  }

  /** Whether `hash` (hex, or `sha256:` and hex) names a trusted document. */
  has(hash: string | undefined): boolean {
    return hash !== undefined && this.byHash.has(bare(hash));
  }

  get(hash: string): string | undefined {
    return this.byHash.get(bare(hash));
  }
}

/**
 * Reads and checks every manifest at start: a JSON object of sha256 hex → document, each hash
 * the document's own, each document valid against `schema` (a client built for another schema
 * is caught at deploy, not by its users). Throws ConfigError naming the variable, the file and
 * the operation at fault.
 */
export function loadTrustedDocuments(paths: string[], schema: GraphQLSchema, variable: string): TrustedDocuments {
  const byHash = new Map<string, string>();
  const problems: string[] = [];
  for (const file of paths) {
    let manifest: unknown;
    try {
      manifest = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      problems.push(`${variable}: cannot read ${file} as JSON (${(err as Error).message})`);
      continue;
    }
    if (typeof manifest !== 'object' || manifest === null || Array.isArray(manifest)) {
      problems.push(`${variable}: ${file} must be a JSON object of sha256 hash → document`);
      continue;
    }
    for (const [hash, document] of Object.entries(manifest)) {
      const problem = checkDocument(hash, document, schema);
      if (problem) problems.push(`${variable}: ${file}: ${problem}`);
      else byHash.set(bare(hash), document as string);
    }
  }
  if (problems.length) throw new ConfigError(problems);
  return new TrustedDocuments(byHash);
}

function checkDocument(hash: string, document: unknown, schema: GraphQLSchema): string | null {
  if (!SHA256.test(bare(hash))) return `key ${hash.slice(0, 80)} is not a sha256 hash (set hashAlgorithm: sha256)`;
  if (typeof document !== 'string') return `${hash} does not map to a document string`;
  if (sha256Hex(document) !== bare(hash)) return `${hash} is not the sha256 of its document`;
  let names: string;
  try {
    const parsed = parse(document);
    names = parsed.definitions
      .map((d) => (d.kind === Kind.OPERATION_DEFINITION ? (d.name?.value ?? '(anonymous)') : null))
      .filter(Boolean)
      .join(', ');
    const errors = validate(schema, parsed);
    if (errors.length) return `${names} does not validate against the schema: ${errors[0].message}`;
  } catch (err) {
    return `${hash} does not parse: ${(err as Error).message}`;
  }
  return null;
}

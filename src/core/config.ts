import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const list = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);
// Bytes, not characters: an HMAC key is the secret's UTF-8 encoding.
const longEnough = (v: string) => Buffer.byteLength(v, 'utf8') >= 32;
const unsubscribeSecret = z.string().refine(longEnough, 'must be at least 32 bytes (use `openssl rand -base64 48`)');
// Public on purpose: the same in every non-production process, so the API accepts the links the
// worker signs, across restarts. Production refuses to start without a real one.
const DEV_UNSUBSCRIBE_SECRET = 'rapport-development-unsubscribe-secret-not-for-production';
const DEV_CALENDAR_FEED_SECRET = 'rapport-development-calendar-feed-secret-not-for-production';
const url = (protocols: string[]) =>
  z.string().refine(
    (v) => {
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    `must be a URL starting with ${protocols.join(' or ')}//`,
  );

const fields = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: int(0, 65535).default(4000),
  PUBLIC_URL: url(['http:', 'https:']).default('http://localhost:4000'),
  TRUST_PROXY: z
    .string()
    .default('false')
    .transform((v) => (v === 'true' ? true : v === 'false' ? false : /^\d+$/.test(v) ? Number(v) : v)),

  DATABASE_URL: url(['postgres:', 'postgresql:']),
  DATABASE_POOL_SIZE: int(1, 200).default(10),
  DATABASE_SSL: bool.default(false),
  DATABASE_STATEMENT_TIMEOUT_MS: int(0, 600_000).default(15_000),

  REDIS_URL: url(['redis:', 'rediss:']),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[a-zA-Z0-9_-]+$/, 'may contain only letters, digits, _ and -')
    .default('rapport'),

  JWT_SECRET: z.string().min(32, 'must be at least 32 characters (use `openssl rand -base64 48`)'),
  ACCESS_TOKEN_TTL_SECONDS: int(60, 86_400).default(900),
  ACCESS_REVOCATION_POLL_MS: int(100, 60_000).default(2_000),
  REFRESH_TOKEN_TTL_DAYS: int(1, 365).default(30),

  ARGON2_MEMORY_KIB: int(1024, 1_048_576).default(19_456),
  ARGON2_TIME_COST: int(1, 10).default(2),
  ARGON2_PARALLELISM: int(1, 16).default(1),
  PASSWORD_HASH_CONCURRENCY: int(1, 64).default(2),
  PASSWORD_HASH_QUEUE: int(0, 10_000).default(32),

  LOGIN_MAX_FAILURES_PER_ACCOUNT: int(1, 1000).default(5),
  LOGIN_MAX_FAILURES_PER_IP: int(1, 100_000).default(50),
  LOGIN_THROTTLE_WINDOW_SECONDS: int(1, 86_400).default(900),
  REGISTRATIONS_PER_IP_PER_HOUR: int(1, 100_000).default(20),
  OUTREACH_MAX_PER_USER_PER_DAY: int(1, 1000).default(20),
  OUTREACH_MAX_PER_RECIPIENT_PER_WEEK: int(1, 100).default(2),
  TOMBSTONE_RETENTION_DAYS: int(1, 3650).default(90),

  CORS_ORIGINS: list.default([]),
  REQUEST_BODY_LIMIT: z
    .string()
    .regex(/^\d+(b|kb|mb)$/i, 'must look like 100kb or 1mb')
    .default('100kb'),
  IMPORT_BODY_LIMIT: z
    .string()
    .regex(/^\d+(b|kb|mb)$/i, 'must look like 100kb or 1mb')
    .default('10mb'),
  IMPORT_MAX_CONCURRENT: int(1, 64).default(2),
  IMPORT_MAX_CONTACTS_PER_USER: int(1, 10_000_000).default(100_000),
  GRAPHQL_INTROSPECTION: bool.optional(),
  GRAPHQL_MAX_DEPTH: int(2, 50).default(15),
  GRAPHQL_MAX_ALIASES: int(1, 500).default(15),
  GRAPHQL_MAX_TOKENS: int(50, 100_000).default(2000),
  GRAPHQL_MAX_COST: int(100, 1_000_000).default(10_000),
  GRAPHQL_MAX_NODES: int(100, 1_000_000).default(50_000),
  GRAPHQL_JIT: bool.default(true),
  LIVE_MAX_CONNECTIONS_PER_USER: int(1, 1000).default(10),
  LIVE_MAX_SUBSCRIPTIONS_PER_CONNECTION: int(1, 100).default(10),
  LIVE_MAX_MESSAGE_BYTES: int(1024, 1_048_576).default(16_384),
  PLAYGROUND_ENABLED: bool.optional(),
  APQ_ENABLED: bool.default(true),
  APQ_TTL_SECONDS: int(60, 604_800).default(3600),
  APQ_MAX_DOCUMENT_BYTES: int(256, 1_000_000).default(16_384),
  APQ_REGISTRATIONS_PER_IP_PER_HOUR: int(1, 1_000_000).default(300),
  TRUSTED_DOCUMENTS: list.default([]),
  TRUSTED_DOCUMENTS_ONLY: bool.default(false),

  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_PRETTY: bool.default(false),

  MAIL_TRANSPORT: z.enum(['smtp', 'file']).default('file'),
  SMTP_URL: url(['smtp:', 'smtps:']).optional(),
  MAIL_DIR: z.string().min(1).default('.mail'),
  // Loose on purpose: local domains such as rapport@localhost are valid senders in development.
  MAIL_FROM_ADDRESS: z
    .string()
    .regex(/^[^\s@<>"]+@[^\s@<>"]+$/, 'must be an email address')
    .default('rapport@localhost'),
  MAIL_FROM_NAME: z.string().min(1).default('Rapport'),

  WORKER_CONCURRENCY: int(1, 500).default(50),
  WORKER_SHUTDOWN_TIMEOUT_MS: int(100, 600_000).default(10_000),

  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  METRICS_PORT: int(0, 65_535).optional(),
  WORKER_METRICS_PORT: int(0, 65_535).optional(),

  EMAIL_MAX_ATTEMPTS: int(1, 50).default(8),
  EMAIL_LEASE_SECONDS: int(10, 3600).default(120),
  EMAIL_RETRY_BASE_SECONDS: int(1, 3600).default(30),
  RECONCILE_EVERY_SECONDS: int(1, 3600).default(30),
  UNSUBSCRIBE_SECRET: unsubscribeSecret.optional(),
  UNSUBSCRIBE_PREVIOUS_SECRETS: list
    .refine((secrets) => secrets.every(longEnough), 'must list secrets of at least 32 bytes each')
    .default([]),
  CALENDAR_FEED_SECRET: unsubscribeSecret.optional(),
  CALENDAR_FEED_PREVIOUS_SECRETS: list
    .refine((secrets) => secrets.every(longEnough), 'must list secrets of at least 32 bytes each')
    .default([]),
});

const schema = fields.superRefine((env, ctx) => {
  if (env.MAIL_TRANSPORT === 'smtp' && !env.SMTP_URL) {
    ctx.addIssue({ code: 'custom', path: ['SMTP_URL'], message: 'is required when MAIL_TRANSPORT=smtp' });
  }
  if (env.NODE_ENV === 'production' && !env.UNSUBSCRIBE_SECRET) {
    ctx.addIssue({
      code: 'custom',
      path: ['UNSUBSCRIBE_SECRET'],
      message: 'is required when NODE_ENV=production',
    });
  }
  if (env.TRUSTED_DOCUMENTS_ONLY && env.TRUSTED_DOCUMENTS.length === 0) {
    ctx.addIssue({
      code: 'custom',
      path: ['TRUSTED_DOCUMENTS'],
      message: 'must list at least one manifest when TRUSTED_DOCUMENTS_ONLY=true',
    });
  }
  if (env.NODE_ENV === 'production' && !env.CALENDAR_FEED_SECRET) {
    ctx.addIssue({
      code: 'custom',
      path: ['CALENDAR_FEED_SECRET'],
      message: 'is required when NODE_ENV=production',
    });
  }
});

const dbFields = fields.pick({
  DATABASE_URL: true,
  DATABASE_POOL_SIZE: true,
  DATABASE_SSL: true,
  DATABASE_STATEMENT_TIMEOUT_MS: true,
});

export type Env = z.infer<typeof schema>;

/** Every environment variable the config reads (.env.example documents each one). */
export const ENV_KEYS: readonly string[] = Object.keys(fields.shape);

/** The validated, typed configuration every part of Rapport reads. */
export interface Config {
  env: Env['NODE_ENV'];
  http: {
    host: string;
    port: number;
    publicUrl: string;
    trustProxy: boolean | number | string;
    corsOrigins: string[];
    bodyLimit: string;
    /** POST /graphql/import (importContacts only): its body limit and how many run at once per process. */
    importBodyLimit: string;
    importMaxConcurrent: number;
    playground: boolean;
  };
  db: { url: string; poolSize: number; ssl: boolean; statementTimeoutMs: number };
  redis: { url: string; prefix: string };
  auth: {
    jwtSecret: string;
    accessTokenTtlSeconds: number;
    /** How often each API process looks for accounts whose tokens were revoked. */
    revocationPollMs: number;
    refreshTokenTtlDays: number;
    argon2: { memoryCost: number; timeCost: number; parallelism: number };
    /** Password hashes run at once per process, and how many may wait for a slot. */
    hashing: { maxConcurrent: number; maxQueued: number };
    throttle: {
      maxFailuresPerAccount: number;
      maxFailuresPerIp: number;
      windowSeconds: number;
      registrationsPerIpPerHour: number;
    };
  };
  graphql: {
    introspection: boolean;
    maxDepth: number;
    maxAliases: number;
    maxTokens: number;
    maxCost: number;
    /** Objects one request may read through its loaders (NodeBudget). */
    maxNodes: number;
    /** Compile repeated documents with graphql-jit; false: graphql-js executes every request. */
    jit: boolean;
    /**
     * Automatic persisted queries, kept in Redis for every replica (null: off): how long a
     * registered document lives, the largest stored, new ones per address per hour.
     */
    apq: { ttlSeconds: number; maxDocumentBytes: number; registrationsPerIpPerHour: number } | null;
    /** Manifests of trusted documents (paths), and whether only those are accepted from non-admins. */
    trustedDocuments: { paths: string[]; only: boolean };
  };
  /** Subscriptions over WebSocket (docs/clients.md, Live updates): bounds per API process. */
  live: { maxConnectionsPerUser: number; maxSubscriptionsPerConnection: number; maxMessageBytes: number };
  log: { level: Env['LOG_LEVEL']; pretty: boolean };
  mail: {
    transport: Env['MAIL_TRANSPORT'];
    smtpUrl?: string;
    dir: string;
    fromAddress: string;
    fromName: string;
  };
  worker: { concurrency: number; shutdownTimeoutMs: number };
  /**
   * Prometheus metrics (docs/operations.md): `/metrics` on the API's port needs `token`; the
   * listeners of their own (`apiPort`, `workerPort`; null = none) bind to `host` and need the
   * token only when one is set.
   */
  metrics: { token: string | null; host: string; apiPort: number | null; workerPort: number | null };
  /** Outreach emails one user may plan in 24 hours, and to one address in 7 days. */
  outreach: { maxPerUserPerDay: number; maxPerRecipientPerWeek: number };
  /** Offline sync: how long deletions stay readable through deletedSince. */
  sync: { tombstoneRetentionDays: number };
  /** Imports stop short of taking a user past this many contacts. */
  imports: { maxContactsPerUser: number };
  email: {
    maxAttempts: number;
    leaseSeconds: number;
    retryBaseSeconds: number;
    reconcileEverySeconds: number;
    /** Signs every new unsubscribe link; independent of JWT_SECRET. */
    unsubscribeSecret: string;
    /** Retired secrets whose links are still accepted, so mail already delivered keeps working. */
    unsubscribePreviousSecrets: string[];
    /** Right-hand side of every Message-ID. */
    messageIdDomain: string;
  };
  calendarFeed: {
    /** Signs every new calendar feed URL; independent of the other secrets. */
    secret: string;
    /** Retired secrets whose feed URLs are still accepted, so subscriptions survive a rotation. */
    previousSecrets: string[];
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function parse<T extends z.ZodType>(schema: T, source: NodeJS.ProcessEnv): z.infer<T> {
  // Empty strings count as unset, so `FOO=` in a .env file falls back to the default.
  const input = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const key = String(issue.path[0] ?? '');
        return input[key] === undefined && issue.code === 'invalid_type'
          ? `${key} is required`
          : `${key} ${issue.message}`;
      }),
    );
  }
  return parsed.data;
}

function dbConfig(e: z.infer<typeof dbFields>): Config['db'] {
  return {
    url: e.DATABASE_URL,
    poolSize: e.DATABASE_POOL_SIZE,
    ssl: e.DATABASE_SSL,
    statementTimeoutMs: e.DATABASE_STATEMENT_TIMEOUT_MS,
  };
}

/** Only the database settings, for command-line tools that need no secrets. */
export function loadDatabaseConfig(source: NodeJS.ProcessEnv = process.env): Pick<Config, 'db'> {
  return { db: dbConfig(parse(dbFields, source)) };
}

/** Parses and validates the environment once; throws ConfigError naming every bad variable. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const e = parse(schema, source);
  return {
    env: e.NODE_ENV,
    http: {
      host: e.HOST,
      port: e.PORT,
      publicUrl: e.PUBLIC_URL.replace(/\/+$/, ''),
      trustProxy: e.TRUST_PROXY,
      corsOrigins: e.CORS_ORIGINS,
      bodyLimit: e.REQUEST_BODY_LIMIT,
      importBodyLimit: e.IMPORT_BODY_LIMIT,
      importMaxConcurrent: e.IMPORT_MAX_CONCURRENT,
      // An operator's tool: on in development, and in production only when asked for.
      playground: e.PLAYGROUND_ENABLED ?? e.NODE_ENV !== 'production',
    },
    db: dbConfig(e),
    redis: { url: e.REDIS_URL, prefix: e.QUEUE_PREFIX },
    auth: {
      jwtSecret: e.JWT_SECRET,
      accessTokenTtlSeconds: e.ACCESS_TOKEN_TTL_SECONDS,
      revocationPollMs: e.ACCESS_REVOCATION_POLL_MS,
      refreshTokenTtlDays: e.REFRESH_TOKEN_TTL_DAYS,
      argon2: { memoryCost: e.ARGON2_MEMORY_KIB, timeCost: e.ARGON2_TIME_COST, parallelism: e.ARGON2_PARALLELISM },
      hashing: { maxConcurrent: e.PASSWORD_HASH_CONCURRENCY, maxQueued: e.PASSWORD_HASH_QUEUE },
      throttle: {
        maxFailuresPerAccount: e.LOGIN_MAX_FAILURES_PER_ACCOUNT,
        maxFailuresPerIp: e.LOGIN_MAX_FAILURES_PER_IP,
        windowSeconds: e.LOGIN_THROTTLE_WINDOW_SECONDS,
        registrationsPerIpPerHour: e.REGISTRATIONS_PER_IP_PER_HOUR,
      },
    },
    graphql: {
      introspection: e.GRAPHQL_INTROSPECTION ?? e.NODE_ENV !== 'production',
      maxDepth: e.GRAPHQL_MAX_DEPTH,
      maxAliases: e.GRAPHQL_MAX_ALIASES,
      maxTokens: e.GRAPHQL_MAX_TOKENS,
      maxCost: e.GRAPHQL_MAX_COST,
      maxNodes: e.GRAPHQL_MAX_NODES,
      jit: e.GRAPHQL_JIT,
      apq: e.APQ_ENABLED
        ? {
            ttlSeconds: e.APQ_TTL_SECONDS,
            maxDocumentBytes: e.APQ_MAX_DOCUMENT_BYTES,
            registrationsPerIpPerHour: e.APQ_REGISTRATIONS_PER_IP_PER_HOUR,
          }
        : null,
      trustedDocuments: { paths: e.TRUSTED_DOCUMENTS, only: e.TRUSTED_DOCUMENTS_ONLY },
    },
    live: {
      maxConnectionsPerUser: e.LIVE_MAX_CONNECTIONS_PER_USER,
      maxSubscriptionsPerConnection: e.LIVE_MAX_SUBSCRIPTIONS_PER_CONNECTION,
      maxMessageBytes: e.LIVE_MAX_MESSAGE_BYTES,
    },
    log: { level: e.LOG_LEVEL, pretty: e.LOG_PRETTY },
    mail: {
      transport: e.MAIL_TRANSPORT,
      smtpUrl: e.SMTP_URL,
      dir: e.MAIL_DIR,
      fromAddress: e.MAIL_FROM_ADDRESS,
      fromName: e.MAIL_FROM_NAME,
    },
    worker: { concurrency: e.WORKER_CONCURRENCY, shutdownTimeoutMs: e.WORKER_SHUTDOWN_TIMEOUT_MS },
    metrics: {
      token: e.METRICS_TOKEN ?? null,
      host: e.METRICS_HOST,
      apiPort: e.METRICS_PORT ?? null,
      workerPort: e.WORKER_METRICS_PORT ?? null,
    },
    imports: { maxContactsPerUser: e.IMPORT_MAX_CONTACTS_PER_USER },
    outreach: {
      maxPerUserPerDay: e.OUTREACH_MAX_PER_USER_PER_DAY,
      maxPerRecipientPerWeek: e.OUTREACH_MAX_PER_RECIPIENT_PER_WEEK,
    },
    sync: { tombstoneRetentionDays: e.TOMBSTONE_RETENTION_DAYS },
    email: {
      maxAttempts: e.EMAIL_MAX_ATTEMPTS,
      leaseSeconds: e.EMAIL_LEASE_SECONDS,
      retryBaseSeconds: e.EMAIL_RETRY_BASE_SECONDS,
      reconcileEverySeconds: e.RECONCILE_EVERY_SECONDS,
      unsubscribeSecret: e.UNSUBSCRIBE_SECRET ?? DEV_UNSUBSCRIBE_SECRET,
      unsubscribePreviousSecrets: e.UNSUBSCRIBE_PREVIOUS_SECRETS,
      messageIdDomain: e.MAIL_FROM_ADDRESS.split('@')[1],
    },
    calendarFeed: {
      secret: e.CALENDAR_FEED_SECRET ?? DEV_CALENDAR_FEED_SECRET,
      previousSecrets: e.CALENDAR_FEED_PREVIOUS_SECRETS,
    },
  };
}

/** For process entry points: load the config or print what is wrong and exit. */
export function loadConfigOrExit(): Config;
export function loadConfigOrExit<T>(load: () => T): T;
export function loadConfigOrExit(load: () => unknown = loadConfig) {
  try {
    return load();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\nSee .env.example for every setting.\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
}

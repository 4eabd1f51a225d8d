// The benchmark's peer: PostGraphile 5 (amber preset) over the bench database, served by
// grafserv on node:http. Run by scripts/bench.mjs with the Node 22 binary installed in this
// folder (PostGraphile 5 needs Node 22+; Rapport stays on the machine's Node).
// Production settings: no GraphiQL, no watch mode, no explain, GRAPHILE_ENV=production.
// Env: DATABASE_URL, PORT, POOL_SIZE.
import http from 'node:http';
import { postgraphile } from 'postgraphile';
import { makePgService } from 'postgraphile/adaptors/pg';
import { grafserv } from 'postgraphile/grafserv/node';
import { PostGraphileAmberPreset } from 'postgraphile/presets/amber';

// Amber exposes a Relay global id as `id` and renames a table's own `id` column to `rowId`.
// The benchmark compares raw ids with Rapport's, so the global id is switched off (NodePlugin
// and the plugins that only serve it) and columns keep their names.
const KeepColumnIdsPlugin = {
  name: 'BenchKeepColumnIdsPlugin',
  version: '0.0.0',
  inflection: {
    replace: {
      _attributeName(previous, _options, details) {
        return previous({ ...details, skipRowId: true });
      },
    },
  },
};

const preset = {
  extends: [PostGraphileAmberPreset],
  plugins: [KeepColumnIdsPlugin],
  disablePlugins: [
    'NodePlugin',
    'AddNodeInterfaceToSuitableTypesPlugin',
    'NodeAccessorPlugin',
    // Amber offers `condition`/`orderBy` only on indexed columns; Rapport scopes insights and
    // commitments by their unindexed user_id, so the peer must be able to as well (this is
    // PostGraphile 4's default, `ignoreIndexes: true`).
    'PgIndexBehaviorsPlugin',
  ],
  pgServices: [
    makePgService({
      connectionString: process.env.DATABASE_URL,
      schemas: ['public'],
      poolConfig: { max: Number(process.env.POOL_SIZE ?? 10) },
      pubsub: false,
    }),
  ],
  // Relations are also offered as plain lists (PostGraphile 4's `simpleCollections: both`), so
  // that a to-many relation can have the same shape as Rapport's `[Insight!]!`.
  schema: { defaultBehavior: '+list' },
  grafast: { explain: false },
  grafserv: { graphiql: false, watch: false, websockets: false, graphqlOverGET: false },
};

const pgl = postgraphile(preset);
const serv = pgl.createServ(grafserv);
const server = http.createServer();
await serv.addTo(server);
// Build the schema (introspection) before saying ready, so the first request is not slower.
await pgl.getSchema();
server.listen(Number(process.env.PORT), '127.0.0.1', () => process.stdout.write('peer ready\n'));

process.on('SIGTERM', () => {
  server.close(() => {
    void Promise.resolve(serv.release())
      .then(() => pgl.release())
      .finally(() => process.exit(0));
  });
  server.closeAllConnections();
});

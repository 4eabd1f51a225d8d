// The floor: node:http + pg, one hand-written SQL statement per request, the same JSON as
// Rapport. What any GraphQL server's overhead is measured against. Each query is a named
// prepared statement, so PostgreSQL plans it once per connection, as Rapport's are.
import http from 'node:http';
import pg from 'pg';
import { QUERIES } from './queries.mjs';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.POOL_SIZE ?? 10) });
const ctx = { contactId: process.env.BENCH_CONTACT_ID, organisationId: process.env.BENCH_ORGANISATION_ID };
const userId = process.env.BENCH_USER_ID;

const server = http.createServer(async (req, res) => {
  const key = new URL(req.url, 'http://x').pathname.slice(1);
  const query = Object.hasOwn(QUERIES, key) ? QUERIES[key] : undefined;
  if (!query) return res.writeHead(404).end();
  try {
    const { rows } = await pool.query({
      name: `floor_${key}`,
      text: query.sql,
      values: [userId, ...(query.params?.(ctx) ?? [])],
    });
    const body = JSON.stringify(rows[0].body);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
  } catch (err) {
    res.writeHead(500).end(String(err));
  }
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => process.stdout.write('floor ready\n'));
process.on('SIGTERM', () => server.close(() => pool.end().then(() => process.exit(0))));

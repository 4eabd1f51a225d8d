// The write floor (bench/writes.mjs): node:http + pg + BullMQ, doing W1's and W2's writes in one
// transaction of hand-written SQL each (a calendar or row lock, then one statement with every
// write as a data-modifying CTE), then the same BullMQ call as Rapport's EmailQueue: one addBulk
// of `scheduled_email__send` jobs, id and delay only, on a queue made by Rapport's own
// createQueue. What those writes cost without GraphQL, validation, planning rules or rendering.
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { createQueue } = require(path.join(root, 'dist/src/core/queue/queues.js'));
const { sendJobId, EMAIL_JOB } = require(path.join(root, 'dist/src/modules/emails/email-queue.js'));
const { default: IORedis } = await import('ioredis');

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.POOL_SIZE ?? 10) });
const redis = new IORedis(process.env.REDIS_URL, { maxRetriesPerRequest: null });
const queue = createQueue('emails', { redis: { url: process.env.REDIS_URL, prefix: process.env.QUEUE_PREFIX } }, redis);

const LOCK = `SELECT pg_advisory_xact_lock(hashtextextended('meetings:' || $1::uuid::text, 0))`;

// W1: the meeting (unless the time is taken), its agenda from the bank plus one ad hoc entry, the
// contact's stage, three outbox rows with their PLANNED events.
const SCHEDULE = `
WITH c AS (
  SELECT id, first_name || coalesce(' ' || last_name, '') AS full_name, email, organisation_id
    FROM contacts WHERE id = $2 AND user_id = $1
), u AS (SELECT email, name FROM users WHERE id = $1),
clash AS (
  SELECT 1 FROM meetings
   WHERE user_id = $1 AND status IN ('SCHEDULED', 'COMPLETED') AND starts_at < $4 AND ends_at > $3 LIMIT 1
), mt AS (
  INSERT INTO meetings (user_id, contact_id, contact_name, organisation_id, title, starts_at, ends_at, timezone)
  SELECT $1, c.id, c.full_name, c.organisation_id, 'Informational interview with ' || c.full_name, $3, $4, 'Europe/London'
    FROM c WHERE NOT EXISTS (SELECT 1 FROM clash)
  RETURNING id, title
), ag AS (
  INSERT INTO meeting_agenda_items (user_id, meeting_id, position, question_id, category, text)
  SELECT $1, mt.id, x.n - 1, q.id, q.category, q.text
    FROM mt, unnest($5::uuid[]) WITH ORDINALITY AS x(id, n) JOIN questions q ON q.id = x.id AND q.user_id = $1
  UNION ALL
  SELECT $1, mt.id, cardinality($5::uuid[]), NULL, $6::topic, $7 FROM mt
), st AS (
  UPDATE contacts SET stage = 'SCHEDULED', updated_at = now()
   WHERE id = $2 AND user_id = $1 AND stage IN ('IDENTIFIED', 'REQUESTED', 'NURTURING') AND EXISTS (SELECT 1 FROM mt)
), se AS (
  INSERT INTO scheduled_emails (id, user_id, meeting_id, contact_id, kind, dedupe_key, to_email, to_name, subject,
                                send_at, message_id, status)
  SELECT e.id, $1, mt.id, c.id, e.kind, 'meeting:' || mt.id || ':' || e.kind || ':0',
         CASE WHEN e.kind = 'PREP_REMINDER' THEN u.email ELSE c.email END,
         CASE WHEN e.kind = 'PREP_REMINDER' THEN u.name ELSE c.full_name END,
         e.kind || ': ' || mt.title, e.send_at, '<' || e.id || '@floor.bench.example>', 'PENDING'
    FROM mt, c, u, unnest($8::uuid[], $9::email_kind[], $10::timestamptz[]) AS e(id, kind, send_at)
  RETURNING id, send_at
), ev AS (
  INSERT INTO email_events (scheduled_email_id, user_id, event, attempt, detail)
  SELECT id, $1, 'PLANNED', 0, send_at::text FROM se
)
SELECT (SELECT id FROM mt) AS id`;

// W2: the debrief: the meeting completed, answers, insights, promises, a job lead, a referral, the
// contact met, and the thank-you and follow-up planned (with their events).
const COMPLETE = `
WITH mt AS (
  UPDATE meetings SET status = 'COMPLETED', closed_at = now(), notes = $3, updated_at = now()
   WHERE id = $1 AND user_id = $2
  RETURNING id, contact_id, organisation_id, ends_at, title
), c AS (
  SELECT c.id, c.first_name || coalesce(' ' || c.last_name, '') AS full_name, c.email
    FROM contacts c JOIN mt ON c.id = mt.contact_id WHERE c.user_id = $2
), ans AS (
  UPDATE meeting_agenda_items a SET answer = x.answer FROM unnest($4::uuid[], $5::text[]) AS x(id, answer)
   WHERE a.id = x.id AND a.meeting_id = $1 AND a.user_id = $2
), ins AS (
  INSERT INTO insights (user_id, meeting_id, contact_id, organisation_id, category, text)
  SELECT $2, mt.id, mt.contact_id, mt.organisation_id, x.category, x.text
    FROM mt, unnest($6::topic[], $7::text[]) AS x(category, text)
), com AS (
  INSERT INTO commitments (user_id, meeting_id, contact_id, owner, description, due_on)
  SELECT $2, mt.id, mt.contact_id, x.owner, x.description, x.due_on
    FROM mt, unnest($8::commitment_owner[], $9::text[], $10::date[]) AS x(owner, description, due_on)
), jl AS (
  INSERT INTO job_leads (user_id, meeting_id, contact_id, organisation_id, title, url, status_history)
  SELECT $2, mt.id, mt.contact_id, mt.organisation_id, x.title, x.url,
         jsonb_build_array(jsonb_build_object('status', 'INTERESTED', 'at', now()))
    FROM mt, unnest($11::text[], $12::text[]) AS x(title, url)
), ref AS (
  INSERT INTO contacts (user_id, first_name, last_name, email, introduced_by_id, source_meeting_id, how_we_know, stage)
  SELECT $2, x.first_name, x.last_name, x.email, mt.contact_id, mt.id, 'REFERRAL', 'IDENTIFIED'
    FROM mt, unnest($13::text[], $14::text[], $15::text[]) AS x(first_name, last_name, email)
), st AS (
  UPDATE contacts SET stage = 'MET', updated_at = now(),
         last_contacted_at = greatest(coalesce(last_contacted_at, '-infinity'), least(mt.ends_at, now()))
    FROM mt WHERE contacts.id = mt.contact_id AND contacts.user_id = $2
), se AS (
  INSERT INTO scheduled_emails (id, user_id, meeting_id, contact_id, kind, dedupe_key, to_email, to_name, subject,
                                send_at, message_id, status)
  SELECT e.id, $2, mt.id, c.id, e.kind, 'meeting:' || mt.id || ':' || e.kind || ':0', c.email, c.full_name,
         e.kind || ': ' || mt.title, e.send_at, '<' || e.id || '@floor.bench.example>', 'PENDING'
    FROM mt, c, unnest($16::uuid[], $17::email_kind[], $18::timestamptz[]) AS e(id, kind, send_at)
  RETURNING id, send_at
), ev AS (
  INSERT INTO email_events (scheduled_email_id, user_id, event, attempt, detail)
  SELECT id, $2, 'PLANNED', 0, send_at::text FROM se
)
SELECT (SELECT id FROM mt) AS id`;

const HOUR = 3600_000;

/** One transaction: `lock` (a statement that locks what the write depends on), then `write`. */
async function transaction(lock, write) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(lock);
    const { rows } = await client.query(write);
    await client.query('COMMIT');
    return rows[0];
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

/** As EmailQueue.apply: one addBulk, each job's delay counted from now. */
async function addTimers(emails) {
  const now = Date.now();
  await queue.addBulk(
    emails.map((e) => ({
      name: EMAIL_JOB.send,
      data: { scheduledEmailId: e.id },
      opts: { jobId: sendJobId(e.id, e.sendAt), delay: Math.max(0, e.sendAt.getTime() - now) },
    })),
  );
}

async function schedule(userId, input) {
  const startsAt = new Date(input.startsAt);
  const endsAt = new Date(input.endsAt);
  // Rapport's default settings, without its sending window.
  const emails = [
    { id: randomUUID(), kind: 'PREP_REMINDER', sendAt: new Date(startsAt.getTime() - 24 * HOUR) },
    { id: randomUUID(), kind: 'THANK_YOU', sendAt: new Date(endsAt.getTime() + 2 * HOUR) },
    { id: randomUUID(), kind: 'FOLLOW_UP', sendAt: new Date(endsAt.getTime() + 14 * 24 * HOUR) },
  ];
  const row = await transaction(
    { name: 'floor_lock', text: LOCK, values: [userId] },
    {
      name: 'floor_schedule',
      text: SCHEDULE,
      values: [
        userId,
        input.contactId,
        startsAt,
        endsAt,
        input.questionIds,
        input.agenda[0].category,
        input.agenda[0].text,
        emails.map((e) => e.id),
        emails.map((e) => e.kind),
        emails.map((e) => e.sendAt),
      ],
    },
  );
  if (!row?.id) return null;
  await addTimers(emails);
  return { id: row.id };
}

async function complete(userId, id, input) {
  const emails = [
    { id: randomUUID(), kind: 'THANK_YOU', sendAt: new Date(Date.now() + 2 * HOUR) },
    { id: randomUUID(), kind: 'FOLLOW_UP', sendAt: new Date(Date.now() + 14 * 24 * HOUR) },
  ];
  const row = await transaction(
    {
      name: 'floor_complete_lock',
      text: `SELECT status FROM meetings WHERE id = $1 AND user_id = $2 AND status = 'SCHEDULED' FOR UPDATE`,
      values: [id, userId],
    },
    {
      name: 'floor_complete',
      text: COMPLETE,
      values: [
        id,
        userId,
        input.notes,
        input.answers.map((a) => a.agendaItemId),
        input.answers.map((a) => a.answer),
        input.insights.map((i) => i.category),
        input.insights.map((i) => i.text),
        input.commitments.map((c) => c.owner),
        input.commitments.map((c) => c.description),
        input.commitments.map((c) => c.dueOn ?? null),
        input.jobLeads.map((j) => j.title),
        input.jobLeads.map((j) => j.url ?? null),
        input.referrals.map((r) => r.firstName),
        input.referrals.map((r) => r.lastName ?? null),
        input.referrals.map((r) => r.email ?? null),
        emails.map((e) => e.id),
        emails.map((e) => e.kind),
        emails.map((e) => e.sendAt),
      ],
    },
  );
  if (!row?.id) return null;
  await addTimers(emails);
  return { id: row.id };
}

const server = http.createServer(async (req, res) => {
  let body = '';
  for await (const chunk of req) body += chunk;
  try {
    const { op, userId, id, input } = JSON.parse(body);
    const result =
      op === 'schedule' ? await schedule(userId, input) : op === 'complete' ? await complete(userId, id, input) : null;
    const out = JSON.stringify(result ?? { error: 'not written' });
    res.writeHead(result ? 200 : 409, { 'content-type': 'application/json' }).end(out);
  } catch (err) {
    res.writeHead(500).end(String(err));
  }
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => process.stdout.write('writes floor ready\n'));
process.on('SIGTERM', () =>
  server.close(() =>
    Promise.all([pool.end(), queue.close()])
      .then(() => redis.quit())
      .then(() => process.exit(0)),
  ),
);

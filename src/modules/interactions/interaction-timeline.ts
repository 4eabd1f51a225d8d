import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { padForGenericPlan, queryPrepared } from '../../core/db/prepared';
import { pgTypes } from '../../core/db/pg-types';
import type { NodeBudget } from '../../core/graphql/node-budget';
import type { InlinePages } from '../../core/graphql/pages-by-parent';
import {
  decodeCursor,
  edge,
  orderTag,
  pageWindow,
  windowPage,
  type BackwardPageArgs,
  type Page,
  type PageWindow,
} from '../../core/graphql/pagination';
import { EmailKind, EmailStatus } from '../emails/email-kind';
import type { MeetingStatus } from '../meetings/meeting.entity';
import type { InteractionKind } from './interaction.entity';
import { type Interaction, InteractionSource } from './interaction.types';

// Newest first over four tables; the cursor's tag names this list, so no other list's cursor fits.
const TAG = orderTag('interactions_timeline', { expression: 'occurred_at', direction: 'DESC', type: 'timestamptz' });
// Mail that Rapport sent to the contact themselves; reminders to the user are not the contact's story.
const TO_CONTACT = `'{${[EmailKind.THANK_YOU, EmailKind.FOLLOW_UP, EmailKind.OUTREACH].join(',')}}'::email_kind[]`;

/**
 * One statement for a page of timelines: `contact` is the SQL of the contact's id ($2, or a
 * batch's column). Each branch reads at most `limit` rows through its own index in `direction`
 * (DESC: the timeline's order; ASC when paging backward), past the cursor ($3, $4) by `cmp`
 * when given; the union is ordered again and cut to `limit`.
 */
function timelineSql(contact: string, cmp: string | null, direction: 'ASC' | 'DESC', limit: number): string {
  const since = (at: string, id: string) => (cmp ? ` AND (${at}, ${id}) ${cmp} ($3::timestamptz, $4::uuid)` : '');
  const branch = (select: string, from: string, where: string, at: string, id: string) =>
    `(SELECT ${select}, ${at} AS occurred_at, ${id} AS id FROM ${from} WHERE ${where}${since(at, id)}
      ORDER BY ${at} ${direction}, ${id} ${direction} LIMIT ${limit})`;
  return `SELECT t.*, CAST(t.occurred_at AS text) AS sort_key FROM (
    ${branch(
      `'${InteractionSource.MEETING}' AS source, NULL::text AS kind, NULL::text AS note, m.status::text AS meeting_status,
       m.title, NULL::text AS email_kind, NULL::text AS subject, m.id AS meeting_id`,
      'meetings m',
      `m.user_id = $1 AND m.contact_id = ${contact}`,
      'm.starts_at',
      'm.id',
    )}
    UNION ALL
    ${branch(
      `CASE WHEN e.kind = '${EmailKind.OUTREACH}' THEN '${InteractionSource.OUTREACH}' ELSE '${InteractionSource.EMAIL}' END,
       NULL, NULL, NULL, NULL, e.kind::text, e.subject, e.meeting_id`,
      'scheduled_emails e',
      `e.user_id = $1 AND e.contact_id = ${contact} AND e.status = '${EmailStatus.SENT}' AND e.kind = ANY(${TO_CONTACT})`,
      'e.sent_at',
      'e.id',
    )}
    UNION ALL
    ${branch(
      `'${InteractionSource.LOGGED}', i.kind::text, i.note, NULL, NULL, NULL, NULL, NULL::uuid`,
      'interactions i',
      `i.user_id = $1 AND i.contact_id = ${contact}`,
      'i.occurred_at',
      'i.id',
    )}
  ) t ORDER BY t.occurred_at ${direction}, t.id ${direction} LIMIT ${limit}`;
}

function countSql(contact: string): string {
  return `(SELECT count(*) FROM meetings m WHERE m.user_id = $1 AND m.contact_id = ${contact})
    + (SELECT count(*) FROM scheduled_emails e WHERE e.user_id = $1 AND e.contact_id = ${contact}
       AND e.status = '${EmailStatus.SENT}' AND e.kind = ANY(${TO_CONTACT}))
    + (SELECT count(*) FROM interactions i WHERE i.user_id = $1 AND i.contact_id = ${contact})`;
}

function hydrate(row: Record<string, unknown>): Interaction {
  return {
    id: row.id as string,
    source: row.source as InteractionSource,
    occurredAt: row.occurred_at as Date,
    kind: (row.kind as InteractionKind | null) ?? null,
    note: (row.note as string | null) ?? null,
    meetingStatus: (row.meeting_status as MeetingStatus | null) ?? null,
    title: (row.title as string | null) ?? null,
    emailKind: (row.email_kind as EmailKind | null) ?? null,
    subject: (row.subject as string | null) ?? null,
    meetingId: (row.meeting_id as string | null) ?? null,
  };
}

function toPage(
  rows: Record<string, unknown>[],
  window: PageWindow,
  count: () => Promise<number>,
  behind: () => Promise<boolean>,
): Page<Interaction> {
  const page = windowPage(
    rows,
    window,
    (row) => edge(hydrate(row), String(row.sort_key), row.id as string, TAG),
    behind,
  );
  return { ...page, count };
}

/**
 * A page of one contact's timeline (the caller has checked the contact is the user's): meetings,
 * emails sent to them, outreach and logged interactions, newest first, in one statement.
 */
export async function timelinePage(
  ds: DataSource,
  userId: string,
  contactId: string,
  page: BackwardPageArgs,
): Promise<Page<Interaction>> {
  const window = pageWindow(page);
  const values: unknown[] = [userId, contactId];
  if (window.cursor) values.push(...decodeCursor(window.cursor, TAG, 'timestamptz', window.cursorArg));
  // Newest first; backward reads oldest first from `before` and turns the rows round.
  const [direction, cmp, behind] = window.backward ? (['ASC', '>', '<='] as const) : (['DESC', '<', '>='] as const);
  const rows = await queryPrepared(
    ds,
    timelineSql('$2::uuid', window.cursor ? cmp : null, direction, window.size + 1),
    values,
  );
  return toPage(
    rows,
    window,
    async () => {
      const [{ n }] = await queryPrepared<{ n: string }>(ds, `SELECT ${countSql('$2::uuid')} AS n`, [
        userId,
        contactId,
      ]);
      return Number(n);
    },
    async () => (await queryPrepared(ds, timelineSql('$2::uuid', behind, direction, 1), values)).length > 0,
  );
}

// An entry inside a JSON array (a first page read in the contact's own statement), in this order.
const JSON_ENTRY = ['id', 'source', 'kind', 'note', 'meeting_status', 'title', 'email_kind', 'subject', 'meeting_id'];
const parseTimestamptz = pgTypes.getTypeParser(1184);

function fromJson(values: unknown[]): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  JSON_ENTRY.forEach((key, i) => (row[key] = values[i]));
  // occurred_at as the row read would parse it, from the same text as the cursor's sort key.
  row.sort_key = values[JSON_ENTRY.length];
  row.occurred_at = parseTimestamptz(row.sort_key as string);
  return row;
}

/** A first page of a timeline, as the contact's statement asks for it (see core/graphql/prefetch.ts). */
export interface TimelinePageRead {
  first: number | null | undefined;
}

/**
 * First pages of the timelines of many contacts (a page of contacts, each asking for its
 * interactions): one statement per page size, and one for the counts of those that ask.
 */
export function timelineFirstPages(ds: DataSource, userId: string | null, budget: NodeBudget) {
  const counts = new DataLoader<string, number>(async (contactIds) => {
    if (!userId) return contactIds.map(() => 0);
    const rows = await queryPrepared<{ contact_id: string; n: string }>(
      ds,
      `SELECT p.contact_id, ${countSql('p.contact_id')} AS n FROM (SELECT DISTINCT unnest($2::uuid[]) AS contact_id) p`,
      [userId, padForGenericPlan(contactIds)],
    );
    const byContact = new Map(rows.map((r) => [r.contact_id, Number(r.n)]));
    return contactIds.map((id) => byContact.get(id) ?? 0);
  });
  const loaders = new Map<number, DataLoader<string, Page<Interaction>>>();
  const read = async (contactIds: readonly string[], first: number): Promise<Page<Interaction>[]> => {
    const window = pageWindow({ first });
    // Only the user's contacts: another user's id reads nothing.
    const rows = userId
      ? await queryPrepared(
          ds,
          `SELECT p.contact_id AS page_contact, page.* FROM (
             SELECT DISTINCT c.id AS contact_id FROM contacts c WHERE c.id = ANY($2::uuid[]) AND c.user_id = $1
           ) p CROSS JOIN LATERAL (${timelineSql('p.contact_id', null, 'DESC', window.size + 1)}) page
           ORDER BY p.contact_id, page.occurred_at DESC, page.id DESC`,
          [userId, padForGenericPlan(contactIds)],
        )
      : [];
    budget.spend(rows.length);
    const byContact = new Map<string, Record<string, unknown>[]>();
    for (const row of rows) {
      const id = row.page_contact as string;
      let list = byContact.get(id);
      if (!list) byContact.set(id, (list = []));
      list.push(row);
    }
    return contactIds.map((id) =>
      toPage(
        byContact.get(id) ?? [],
        window,
        () => counts.load(id),
        async () => false,
      ),
    );
  };
  const loaderFor = (first: number) => {
    let loader = loaders.get(first);
    if (!loader) loaders.set(first, (loader = new DataLoader((ids) => read(ids, first))));
    return loader;
  };
  // Inside the contact's statement, $1 is the user's id as in timelineSql.
  const inline: InlinePages<TimelinePageRead>['inline'] = ({ first }, contactId, user, _param, count) => {
    if (!userId || user !== '$1') return null;
    const window = pageWindow({ first });
    const sql = [
      `(SELECT coalesce(json_agg(json_build_array(${JSON_ENTRY.map((k) => `tl.${k}`).join(', ')}, tl.sort_key)
                                 ORDER BY tl.occurred_at DESC, tl.id DESC), '[]'::json)
        FROM (${timelineSql(contactId, null, 'DESC', window.size + 1)}) tl)`,
    ];
    if (count) sql.push(`(${countSql(contactId)})::int`);
    return sql;
  };
  const prime: InlinePages<TimelinePageRead>['prime'] = ({ first }, contactId, values) => {
    const window = pageWindow({ first });
    const rows = (values[0] as unknown[][]).map(fromJson);
    // Over the request's budget, the field gets the error, as from its own read.
    let page: Page<Interaction> | Error;
    try {
      budget.spend(rows.length);
      page = toPage(
        rows,
        window,
        () => counts.load(contactId),
        async () => false,
      );
    } catch (err) {
      page = err as Error;
    }
    loaderFor(window.size).prime(contactId, page);
    if (values.length > 1) counts.prime(contactId, values[1] as number);
  };
  const firstPage = (contactId: string, size: number | null | undefined): Promise<Page<Interaction>> =>
    loaderFor(pageWindow({ first: size }).size).load(contactId);
  return Object.assign(firstPage, { inline, prime });
}

import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import {
  SyncCheckpointDocument,
  SyncCommitmentsDocument,
  SyncContactsDocument,
  SyncDeletedDocument,
  type SyncDeletedQuery,
  SyncInsightsDocument,
  SyncJobLeadsDocument,
  SyncMeetingsDocument,
  SyncOrganisationsDocument,
  SyncQuestionsDocument,
  SyncScheduledEmailsDocument,
} from '../generated/graphql';
import type { SignedInUser } from '../helpers/factories';
import { ok, type GraphQLResponse } from '../helpers/graphql';

interface Node {
  id: string;
}
interface PageOf {
  edges: { node: Node }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}
type ListVariables = { since?: string | null; first?: number | null; after?: string | null };
// Every Sync* list document has this shape; the generated types differ only in their nodes.
type ListDocument = TypedDocumentNode<Record<string, PageOf>, ListVariables>;

/** Each synced type, its list field and the document reading it. */
export const SYNCED_LISTS: readonly { typename: string; field: string; document: ListDocument }[] = [
  { typename: 'Organisation', field: 'organisations', document: SyncOrganisationsDocument as never },
  { typename: 'Contact', field: 'contacts', document: SyncContactsDocument as never },
  { typename: 'Meeting', field: 'meetings', document: SyncMeetingsDocument as never },
  { typename: 'Insight', field: 'insights', document: SyncInsightsDocument as never },
  { typename: 'Commitment', field: 'commitments', document: SyncCommitmentsDocument as never },
  { typename: 'JobLead', field: 'jobLeads', document: SyncJobLeadsDocument as never },
  { typename: 'Question', field: 'questions', document: SyncQuestionsDocument as never },
  { typename: 'ScheduledEmail', field: 'scheduledEmails', document: SyncScheduledEmailsDocument as never },
];

/** By typename, the objects by id: what a client keeps, or what the server holds. */
export type SyncState = Record<string, Record<string, Node>>;

/** What one sync did, for the test to check that it did read incrementally. */
export interface SyncReport {
  full: boolean;
  upserts: number;
  tombstones: number;
  pages: number;
}

/** Runs between pages, at the same time as the next page's request (concurrent writes). */
export type DuringPage = () => Promise<unknown>;

/** Every page of a list, with `during` running beside each request after the first. */
async function walk(
  user: SignedInUser,
  list: (typeof SYNCED_LISTS)[number],
  since: string | null,
  pageSize: number,
  during?: DuringPage,
): Promise<{ nodes: Node[]; pages: number }> {
  const nodes: Node[] = [];
  let after: string | null = null;
  let pages = 0;
  for (;;) {
    const request: Promise<GraphQLResponse<Record<string, PageOf>>> = user.run(list.document, {
      since,
      first: pageSize,
      after,
    });
    const [response] = await Promise.all([request, pages > 0 ? during?.() : undefined]);
    const page: PageOf = ok(response)[list.field];
    pages++;
    nodes.push(...page.edges.map((e) => e.node));
    if (!page.pageInfo.hasNextPage) return { nodes, pages };
    after = page.pageInfo.endCursor;
  }
}

/** The server's state as a fresh client reads it: every list, whole. */
export async function serverState(user: SignedInUser): Promise<SyncState> {
  const state: SyncState = {};
  for (const list of SYNCED_LISTS) {
    const { nodes } = await walk(user, list, null, 100);
    state[list.typename] = Object.fromEntries(nodes.map((n) => [n.id, n]));
  }
  return state;
}

/**
 * A mobile client's local copy, kept by the algorithm of docs/clients.md § Offline sync: take
 * the checkpoint first (a request of its own), read what changed since the last checkpoint
 * (every page), then forget what was deleted since it; the checkpoint is the next start.
 */
export class SyncClient {
  state: SyncState = Object.fromEntries(SYNCED_LISTS.map((l) => [l.typename, {}]));
  checkpoint: string | null = null;

  constructor(
    private readonly user: SignedInUser,
    private readonly pageSize = 7,
  ) {}

  async sync(during?: DuringPage): Promise<SyncReport> {
    const next = ok(await this.user.run(SyncCheckpointDocument)).syncCheckpoint;
    const since = this.checkpoint;
    const report: SyncReport = { full: since === null, upserts: 0, tombstones: 0, pages: 0 };
    if (since === null) this.state = Object.fromEntries(SYNCED_LISTS.map((l) => [l.typename, {}]));
    for (const list of SYNCED_LISTS) {
      const { nodes, pages } = await walk(this.user, list, since, this.pageSize, during);
      report.pages += pages;
      report.upserts += nodes.length;
      for (const node of nodes) this.state[list.typename][node.id] = node;
    }
    // Deletions last: an object read above and deleted meanwhile is gone, whatever the order.
    if (since !== null) {
      let after: string | null = null;
      for (;;) {
        const request: Promise<GraphQLResponse<SyncDeletedQuery>> = this.user.run(SyncDeletedDocument, {
          since,
          first: this.pageSize,
          after,
        });
        const [response] = await Promise.all([request, after ? during?.() : undefined]);
        const page: SyncDeletedQuery['deletedSince'] = ok(response).deletedSince;
        report.pages++;
        for (const { node } of page.edges) {
          report.tombstones++;
          delete this.state[node.typename]?.[node.id];
        }
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor;
      }
    }
    this.checkpoint = next;
    return report;
  }
}

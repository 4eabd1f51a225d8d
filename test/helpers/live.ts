import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print, type GraphQLFormattedError } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import type { Redis } from 'ioredis';
import WebSocket from 'ws';
import { eventually } from './eventually';

/** How a live-updates socket ended: its close code and reason. */
export interface Closed {
  code: number;
  reason: string;
}

export interface LiveClient {
  client: Client;
  /** Every close of the socket, in order. */
  closes: Closed[];
  /** Resolves with the first close (no retries: each test sees the server's code). */
  closed: Promise<Closed>;
  subscribe<T>(document: TypedDocumentNode<T, Record<string, never>>): LiveSubscription<T>;
  dispose(): Promise<void>;
}

export interface LiveSubscription<T> {
  events: T[];
  errors: unknown[];
  /** Resolves with the `n`th event (1-based) once it arrived. */
  event(n?: number): Promise<T>;
  /** Resolves with the subscription's error (a GraphQL error list or a close event). */
  error(): Promise<unknown>;
  unsubscribe(): void;
}

/** A graphql-ws client of the API at `url` (http://…), signed in with `token` when given. */
export function liveClient(url: string, token: string | null, connectionParams?: Record<string, unknown>): LiveClient {
  const closes: Closed[] = [];
  let onClose: (c: Closed) => void = () => undefined;
  const closed = new Promise<Closed>((resolve) => (onClose = resolve));
  const client = createClient({
    url: `${url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: connectionParams ?? (token ? { authorization: `Bearer ${token}` } : {}),
    lazy: false,
    retryAttempts: 0,
    onNonLazyError: () => undefined,
    on: {
      closed: (event) => {
        const { code, reason } = event as Closed;
        const c = { code, reason: String(reason) };
        closes.push(c);
        onClose(c);
      },
    },
  });
  return {
    client,
    closes,
    closed,
    subscribe<T>(document: TypedDocumentNode<T, Record<string, never>>): LiveSubscription<T> {
      const events: T[] = [];
      const errors: unknown[] = [];
      const unsubscribe = client.subscribe<T>(
        { query: print(document) },
        {
          next: (result) => {
            if (result.errors) errors.push(result.errors as GraphQLFormattedError[]);
            else events.push(result.data as T);
          },
          error: (err) => errors.push(err),
          complete: () => undefined,
        },
      );
      return {
        events,
        errors,
        event: async (n = 1) => {
          await eventually(() => events.length >= n, { what: `live event ${n}` });
          return events[n - 1];
        },
        error: () => eventually(() => errors.length > 0 && errors[0], { what: 'live error' }),
        unsubscribe,
      };
    },
    dispose: async () => {
      await client.dispose();
    },
  };
}

/** Waits until `count` subscribers (on any API process) listen on the user's channel for `topic`. */
export async function subscribers(redis: Redis, prefix: string, topic: string, userId: string, count = 1) {
  const channel = `${prefix}:live:${topic}:${userId}`;
  await eventually(
    async () => {
      const [, n] = (await redis.pubsub('NUMSUB', channel)) as [string, number];
      return Number(n) >= count;
    },
    { what: `${count} subscriber(s) on ${channel}` },
  );
}

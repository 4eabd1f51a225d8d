import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { createPubSub, type PubSub } from '@graphql-yoga/subscription';
import type { Redis } from 'ioredis';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { createRedis } from '../redis';

/** Topics of live updates; every event goes to one user's channel, `<topic>:<userId>`. */
export type LivePubSub = PubSub<Record<string, [string, unknown]>>;

/**
 * A subscription's `topicId`: the signed-in user's own channel, so nobody else's events ever
 * reach it (subscriptions are @Authorized, so there is a user).
 */
export function ownChannel({ context }: { context: { user?: { id: string } | null } }): string {
  return context.user!.id;
}

/** Publishes a live update to one user's subscribers, on every API process. */
export interface LivePublisher {
  /** Fire and forget: never throws, never waits for Redis (a lost event is logged, not retried). */
  publish(topic: string, userId: string, payload: object): void;
}

export interface LiveEvents extends LivePublisher {
  /** What type-graphql's subscriptions read (buildSchema's `pubSub`). */
  pubSub: LivePubSub;
  /** Closes the subscriber connection, if one was opened. */
  close(): Promise<void>;
}

/**
 * Live updates through Redis pub/sub (The Guild's redis-event-target): a PUBLISH per event, on a
 * channel per user and topic under the process's prefix (Redis channels ignore the logical
 * database). The subscriber connection opens on the first subscription, so the worker, which only
 * publishes, never opens one.
 */
export function createLiveEvents(config: Pick<Config, 'redis'>, publisher: Redis, logger: Logger): LiveEvents {
  const prefix = `${config.redis.prefix}:live:`;
  let subscriber: Redis | null = null;
  const listeners: ((channel: string, message: string) => void)[] = [];
  const subscriberConnection = () => {
    if (!subscriber) {
      subscriber = createRedis(config, 'live-subscriber');
      subscriber.on('error', (err) => logger.warn({ err }, 'live updates: Redis subscriber error'));
      subscriber.on('message', (channel: string, message: string) => {
        if (!channel.startsWith(prefix)) return;
        for (const listener of listeners) listener(channel.slice(prefix.length), message);
      });
    }
    return subscriber;
  };
  const failed = (err: unknown) => logger.warn({ err }, 'live updates: Redis command failed');
  // Events published together (the email worker's status feed sends one per user at each flush, in
  // one loop) go to Redis in one write, as a pipeline: each PUBLISH written alone is a system call
  // and a packet of its own. Sent on the next microtask, so before anything awaiting the publisher
  // (a shutdown's quit) runs.
  let queued: [channel: string, message: string][] = [];
  const sendQueued = () => {
    const batch = queued;
    queued = [];
    if (batch.length === 1) return void publisher.publish(batch[0][0], batch[0][1]).catch(failed);
    const pipeline = publisher.pipeline();
    for (const [channel, message] of batch) pipeline.publish(channel, message);
    pipeline.exec().then((results) => results?.forEach(([err]) => err && failed(err)), failed);
  };
  // The two clients as redis-event-target uses them, with the prefix added and failures logged
  // (its own calls leave their promises unhandled).
  const publishClient = {
    publish: (channel: string, message: string) => {
      if (!queued.length) queueMicrotask(sendQueued);
      queued.push([prefix + channel, message]);
    },
  };
  const subscribeClient = {
    on: (_event: 'message', listener: (channel: string, message: string) => void) => listeners.push(listener),
    subscribe: (channel: string) =>
      subscriberConnection()
        .subscribe(prefix + channel)
        .catch(failed),
    unsubscribe: (channel: string) => subscriber?.unsubscribe(prefix + channel).catch(failed),
  };
  const pubSub: LivePubSub = createPubSub({
    eventTarget: createRedisEventTarget({
      publishClient: publishClient as unknown as Redis,
      subscribeClient: subscribeClient as unknown as Redis,
    }),
  });
  return {
    pubSub,
    publish: (topic, userId, payload) => {
      try {
        pubSub.publish(topic, userId, payload);
      } catch (err) {
        failed(err);
      }
    },
    close: async () => {
      const open = subscriber;
      subscriber = null;
      await open?.quit().catch(() => open.disconnect());
    },
  };
}

/** A process-local pub/sub, for building the schema where nothing is delivered (schema emission). */
export function localPubSub(): LivePubSub {
  return createPubSub();
}

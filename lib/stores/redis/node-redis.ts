// lib/stores/redis/node-redis.ts
// node-redis clients (the `redis` package, v4 and later) seen through the RedisClientLike slice that ioredis fits as is.

import type { RedisArg, RedisClientLike, RedisSubscriberLike } from './redis-client';

// node-redis types its event listeners with `any` arguments; anything narrower would not accept its clients.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Listener = (...args: any[]) => void;

/** What RedisStore uses of a node-redis client (`createClient()`); structural, so `redis` stays an app dependency. */
export interface NodeRedisClientLike {
  sendCommand(args: string[]): Promise<unknown>;
  duplicate(): NodeRedisClientLike;
  connect(): Promise<unknown>;
  subscribe(channel: string, listener: (message: string, channel: string) => void): Promise<unknown>;
  on(event: string, listener: Listener): unknown;
  off(event: string, listener: Listener): unknown;
  readonly isOpen: boolean;
  readonly isReady: boolean;
  destroy?(): unknown;
  disconnect?(): Promise<unknown>;
}

/** node-redis has `sendCommand` where ioredis has `call`. */
export function isNodeRedisClient(client: unknown): client is NodeRedisClientLike {
  const c = client as Partial<Record<string, unknown>> | null | undefined;
  return typeof c?.sendCommand === 'function' && typeof c.call !== 'function' && typeof c.duplicate === 'function';
}

/** node-redis's `createCluster()` (its sendCommand takes a routing key first): not supported, ioredis Cluster is. */
export function isNodeRedisCluster(client: NodeRedisClientLike): boolean {
  return 'masters' in client;
}

/**
 * The adapter: commands go through `sendCommand` (arguments as strings), `status` is derived from `isReady` /
 * `isOpen` (so a command is refused at once while the client reconnects instead of waiting in its offline queue),
 * and `end` / `ready` are the client's own events.
 */
export function fromNodeRedis(client: NodeRedisClientLike): RedisClientLike {
  return {
    call: (command: string, ...args: RedisArg[]) => client.sendCommand([command, ...args.map(String)]),
    duplicate: () => subscriberOf(client.duplicate()),
    get status() {
      return client.isReady ? 'ready' : client.isOpen ? 'reconnecting' : 'end';
    },
    on: (event, listener) => client.on(event, listener),
    off: (event, listener) => client.off(event, listener),
  };
}

/**
 * A duplicate for pub/sub with ioredis's shape: connected on `subscribe`, `message` as (channel, message), and
 * `close` for node-redis's `reconnecting` and `end` (RedisStore flushes caches when the subscription drops).
 */
function subscriberOf(sub: NodeRedisClientLike): RedisSubscriberLike {
  const listeners = new Set<(channel: string, message: string) => void>();
  const subscriber: RedisSubscriberLike = {
    async subscribe(channel: string) {
      if (!sub.isOpen) await sub.connect();
      return sub.subscribe(channel, (message, from) => {
        for (const listener of listeners) listener(from, message);
      });
    },
    on(event: string, listener: Listener) {
      if (event === 'message') listeners.add(listener as (channel: string, message: string) => void);
      else if (event === 'close') {
        sub.on('reconnecting', listener);
        sub.on('end', listener);
      } else sub.on(event, listener);
      return subscriber;
    },
    disconnect() {
      // v5 and later: destroy() closes at once; v4: disconnect() (a promise whose failure is of no interest here).
      if (typeof sub.destroy === 'function') sub.destroy();
      else sub.disconnect?.().catch(() => undefined);
    },
  };
  return subscriber;
}

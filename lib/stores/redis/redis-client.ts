// lib/stores/redis/redis-client.ts
// The slice of a Redis client RedisStore uses, typed structurally (ioredis fits as is; no runtime dependency).

/** Arguments of a raw Redis command. */
export type RedisArg = string | number;

/**
 * What RedisStore needs from a client: `call` sends one raw command (ioredis `redis.call('SET', ...)`), and
 * `duplicate` opens a second connection for pub/sub. An ioredis `Redis` instance satisfies it unchanged.
 */
export interface RedisClientLike {
  call(command: string, ...args: RedisArg[]): Promise<unknown>;
  duplicate(): RedisSubscriberLike;
  /** ioredis connection state; when it says the connection is down, commands fail at once instead of queueing. */
  readonly status?: string;
  /**
   * ioredis lifecycle events. On `end` (quit, disconnect, or retries given up) RedisStore closes its pub/sub
   * duplicate too, so a process that closes its own client exits; on the next `ready` it opens it again.
   */
  on?(event: 'end' | 'ready', listener: () => void): unknown;
  off?(event: 'end' | 'ready', listener: () => void): unknown;
}

/** The pub/sub connection `duplicate()` returns (ioredis semantics: resubscribes by itself after a reconnect). */
export interface RedisSubscriberLike {
  subscribe(channel: string): Promise<unknown>;
  on(event: 'message', listener: (channel: string, message: string) => void): unknown;
  on(event: 'ready' | 'close', listener: () => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
  disconnect(): void;
}

/** A Redis command that failed, timed out, or was refused because the connection is down. */
export class RedisStoreError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'RedisStoreError';
  }
}

/** ioredis states in which a command would sit in the offline queue and maybe run long after we gave up on it. */
const DOWN = new Set(['reconnecting', 'close', 'end']);

/** True when the client says it is not connected (ioredis `status`); unknown clients are assumed connected. */
export function isConnectionDown(client: RedisClientLike): boolean {
  return client.status !== undefined && DOWN.has(client.status);
}

/** Settles like `run()`, or rejects after `ms` so a slow or absent Redis never holds a request. */
export function withTimeout<T>(run: () => Promise<T>, ms: number, operation: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RedisStoreError(`redis ${operation} timed out after ${ms} ms`)), ms);
  });
  const work = (async () => run())();
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

// lib/stores/redis-store.ts
// The shared TokenStore: every instance points at one Redis; atomic steps are Lua scripts, revocations go over pub/sub.

import { createHash } from 'node:crypto';
import { isConnectionDown, RedisStoreError, withTimeout, type RedisArg, type RedisClientLike, type RedisSubscriberLike } from './redis-client';
import { fromNodeRedis, isNodeRedisClient, isNodeRedisCluster, type NodeRedisClientLike } from './node-redis';
import { SCRIPTS, type ScriptName } from './redis-scripts';
import type { CappedHit, Counter, RefreshTokenRecord, Revocation, RotateResult, TokenStore } from './store';

export interface RedisStoreOptions {
  /**
   * An ioredis client, or a connected node-redis client (`await createClient().connect()`), that the app created
   * (and closes). RedisStore opens one more connection, for pub/sub, on demand, and closes it when this client ends.
   */
  readonly client: RedisClientLike | NodeRedisClientLike;
  /** Prefix of every key and of the revocation channel. Default `'epg:'`. Distinct apps sharing a Redis need distinct prefixes. */
  readonly prefix?: string;
  /** Every operation rejects after this many ms, so the endpoint answers 503 quickly when Redis is slow or down. Default 1000. */
  readonly commandTimeoutMs?: number;
}

type Listener = (revocation: Revocation | undefined) => void;

/**
 * Keeps refresh tokens, revocations, counters and replay markers in Redis, so several instances agree. Every key
 * carries a TTL. Rotation, counters and revocation marks are Lua scripts (EVALSHA, reloaded on NOSCRIPT); replay
 * caches and one-shot values are single commands (SET NX EX, GETDEL). Requires Redis >= 6.2. On Redis Cluster (an
 * ioredis Cluster client), the prefix must carry a hash tag, e.g. `{myapp}:auth:`, so every key shares one slot.
 * @example
 * import Redis from 'ioredis';
 * const redis = new Redis(process.env.REDIS_URL);
 * passwordGrant({ ..., store: new RedisStore({ client: redis, prefix: 'myapp:auth:' }) });
 * @example
 * import { createClient } from 'redis';
 * const redis = await createClient({ url: process.env.REDIS_URL }).connect();
 * passwordGrant({ ..., store: new RedisStore({ client: redis, prefix: 'myapp:auth:' }) });
 */
export class RedisStore implements TokenStore {
  private readonly client: RedisClientLike;
  private readonly prefix: string;
  private readonly timeoutMs: number;
  private readonly channel: string;
  private readonly shas: Record<ScriptName, string>;
  private readonly listeners = new Set<Listener>();
  private subscriber: RedisSubscriberLike | undefined;
  /** Listeners on the app's client, set while a subscription is wanted (see followClient). */
  private following: { end: () => void; ready: () => void } | undefined;

  constructor(options: RedisStoreOptions) {
    const given = options?.client;
    if (isNodeRedisClient(given) && isNodeRedisCluster(given)) {
      throw new TypeError('RedisStore: node-redis cluster clients are not supported; use an ioredis Cluster (new Redis.Cluster(nodes))');
    }
    const client = isNodeRedisClient(given) ? fromNodeRedis(given) : given;
    if (typeof client?.call !== 'function' || typeof client.duplicate !== 'function') {
      throw new TypeError('RedisStore: options.client must be an ioredis or node-redis client (call() or sendCommand(), and duplicate())');
    }
    const prefix = options.prefix ?? 'epg:';
    // Redis Cluster: the Lua scripts touch several keys of one token family, so every key must live in one slot.
    // A hash tag in the prefix ("{epg}:") puts them there (Redis Cluster spec, "Hash tags").
    if ((given as { isCluster?: unknown }).isCluster === true && !/^[^{]*\{[^}]+\}/.test(prefix)) {
      throw new TypeError(`RedisStore: on a Redis Cluster the prefix needs a hash tag so all keys share a slot, e.g. '{${prefix.replace(/[{}]/g, '').replace(/:$/, '') || 'epg'}}:'`);
    }
    const timeout = options.commandTimeoutMs ?? 1000;
    if (!Number.isFinite(timeout) || timeout <= 0) throw new TypeError('RedisStore: options.commandTimeoutMs must be a positive number');
    this.client = client;
    this.prefix = prefix;
    this.timeoutMs = timeout;
    this.channel = `${this.prefix}revocations`;
    const entries = Object.entries(SCRIPTS).map(([name, source]) => [name, createHash('sha1').update(source).digest('hex')]);
    this.shas = Object.fromEntries(entries) as Record<ScriptName, string>;
  }

  async saveRefreshToken(record: RefreshTokenRecord): Promise<void> {
    await this.script('save', [this.key('rt:', record.id)], [JSON.stringify(record), record.familyId, Math.ceil(record.expiresAt)]);
  }

  async findRefreshToken(id: string): Promise<RefreshTokenRecord | undefined> {
    const reply = await this.script('find', [this.key('rt:', id)], [this.key('fam:', '')]);
    if (!Array.isArray(reply)) return undefined;
    return decodeRecord(reply[0], reply[1], reply[2]);
  }

  async rotateRefreshToken(previousId: string, next: RefreshTokenRecord, now: number): Promise<RotateResult> {
    const keys = [this.key('rt:', previousId), this.key('rt:', next.id)];
    const args = [this.key('fam:', ''), JSON.stringify(next), next.familyId, Math.ceil(next.expiresAt), now, next.id];
    const reply = await this.script('rotate', keys, args);
    if (!Array.isArray(reply)) throw new RedisStoreError('redis rotate returned an unexpected reply');
    if (reply[0] === 'rotated') return { outcome: 'rotated', previous: decodeRecord(reply[1]) };
    if (reply[0] === 'reused') return { outcome: 'reused', previous: decodeRecord(reply[1], reply[2], reply[3]) };
    return { outcome: 'invalid' };
  }

  async revokeFamily(familyId: string, ttlSeconds: number): Promise<void> {
    const message = JSON.stringify({ kind: 'family', id: familyId } satisfies Revocation);
    await this.script('revoke', [this.key('fam:', familyId)], ['EX', wholeSeconds(ttlSeconds), this.channel, message]);
  }

  async revokeAccessToken(jti: string, expiresAt: number): Promise<void> {
    const message = JSON.stringify({ kind: 'jti', id: jti } satisfies Revocation);
    // A token already past its exp needs no mark (SET EXAT in the past would be refused); still tell the caches.
    if (expiresAt * 1000 <= Date.now()) {
      await this.command('PUBLISH', this.channel, message);
      return;
    }
    await this.script('revoke', [this.key('jti:', jti)], ['EXAT', Math.ceil(expiresAt), this.channel, message]);
  }

  async isAccessTokenRevoked(jti: string, familyId: string | undefined): Promise<boolean> {
    const keys = familyId === undefined ? [this.key('jti:', jti)] : [this.key('jti:', jti), this.key('fam:', familyId)];
    return Number(await this.command('EXISTS', ...keys)) > 0;
  }

  async hit(key: string, windowSeconds: number): Promise<Counter> {
    const reply = await this.script('hit', [this.key('ctr:', key)], [Math.max(1, Math.ceil(windowSeconds * 1000))]);
    return toCounter(reply);
  }

  async hitBelow(key: string, max: number, windowSeconds: number): Promise<CappedHit> {
    const reply = await this.script('hitBelow', [this.key('ctr:', key)], [max, Math.max(1, Math.ceil(windowSeconds * 1000))]);
    return { ...toCounter(reply), added: Array.isArray(reply) && Number(reply[2]) === 1 };
  }

  async release(key: string): Promise<void> {
    await this.script('release', [this.key('ctr:', key)], []);
  }

  async peek(key: string): Promise<Counter | undefined> {
    const reply = await this.script('peek', [this.key('ctr:', key)], []);
    return Array.isArray(reply) ? toCounter(reply) : undefined;
  }

  async reset(key: string): Promise<void> {
    await this.command('DEL', this.key('ctr:', key));
  }

  async claimOnce(key: string, ttlSeconds: number): Promise<boolean> {
    return (await this.command('SET', this.key('once:', key), '1', 'EX', wholeSeconds(ttlSeconds), 'NX')) === 'OK';
  }

  async put(key: string, value: string, ttlSeconds: number): Promise<void> {
    await this.command('SET', this.key('kv:', key), value, 'EX', wholeSeconds(ttlSeconds));
  }

  async take(key: string): Promise<string | undefined> {
    const value = await this.command('GETDEL', this.key('kv:', key));
    return value === null || value === undefined ? undefined : String(value);
  }

  /**
   * Revocations from every process, over pub/sub on a duplicate connection opened at the first call. When that
   * connection drops, and again when it is back, listeners get `undefined`: messages may have been missed.
   */
  onRevocation(listener: Listener): () => void {
    this.listeners.add(listener);
    this.followClient();
    if (this.client.status !== 'end') this.subscriber ??= this.subscribe();
    return () => this.listeners.delete(listener);
  }

  /** Closes the pub/sub connection RedisStore opened; the app's own client is left to the app. */
  async close(): Promise<void> {
    this.listeners.clear();
    if (this.following !== undefined) {
      this.client.off?.('end', this.following.end);
      this.client.off?.('ready', this.following.ready);
      this.following = undefined;
    }
    this.dropSubscriber();
  }

  /**
   * The duplicate lives as long as the app's client. The app closes the client it created, not connections the
   * library opened behind its back; were the duplicate left open, that process would never exit by itself.
   */
  private followClient(): void {
    if (this.following !== undefined || typeof this.client.on !== 'function') return;
    this.following = {
      end: () => this.dropSubscriber(),
      ready: () => {
        if (this.subscriber === undefined && this.listeners.size > 0) this.subscriber = this.subscribe();
      },
    };
    this.client.on('end', this.following.end);
    this.client.on('ready', this.following.ready);
  }

  private dropSubscriber(): void {
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    subscriber?.disconnect();
  }

  private subscribe(): RedisSubscriberLike {
    const subscriber = this.client.duplicate();
    let wasReady = false;
    let up = false;
    subscriber.on('message', (channel, message) => {
      if (channel !== this.channel) return;
      const revocation = decodeRevocation(message);
      // An unreadable message is still a revocation we cannot place: flushing every cache is the safe reading.
      this.broadcast(revocation);
    });
    subscriber.on('ready', () => {
      if (wasReady) this.broadcast(undefined);
      wasReady = true;
      up = true;
    });
    subscriber.on('close', () => {
      if (up) this.broadcast(undefined);
      up = false;
    });
    // Connection errors surface as 'close' and are retried by the client; a listener keeps them from being thrown.
    subscriber.on('error', () => undefined);
    subscriber.subscribe(this.channel).catch(() => this.broadcast(undefined));
    return subscriber;
  }

  private broadcast(revocation: Revocation | undefined): void {
    for (const listener of this.listeners) {
      try {
        listener(revocation);
      } catch {
        // One cache's bug must not stop the others from hearing about the revocation.
      }
    }
  }

  private key(kind: string, id: string): string {
    return `${this.prefix}${kind}${id}`;
  }

  private command(command: string, ...args: RedisArg[]): Promise<unknown> {
    return this.guarded(command, () => this.client.call(command, ...args));
  }

  /**
   * EVALSHA; on NOSCRIPT (a restarted or flushed Redis, or a cluster node that has not seen it) runs the source
   * with EVAL, which also caches it on the server that owns the keys (a SCRIPT LOAD could land on another node).
   */
  private script(name: ScriptName, keys: readonly string[], args: readonly RedisArg[]): Promise<unknown> {
    return this.guarded(name, async () => {
      try {
        return await this.client.call('EVALSHA', this.shas[name], keys.length, ...keys, ...args);
      } catch (err) {
        if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
        return this.client.call('EVAL', SCRIPTS[name], keys.length, ...keys, ...args);
      }
    });
  }

  private guarded<T>(operation: string, run: () => Promise<T>): Promise<T> {
    if (isConnectionDown(this.client)) {
      return Promise.reject(new RedisStoreError(`redis ${operation} refused: connection is ${this.client.status}`));
    }
    return withTimeout(run, this.timeoutMs, operation).catch((err: unknown) => {
      if (err instanceof RedisStoreError) throw err;
      throw new RedisStoreError(`redis ${operation} failed`, err);
    });
  }
}

function wholeSeconds(seconds: number): number {
  return Math.max(1, Math.ceil(seconds));
}

function toCounter(reply: unknown): Counter {
  if (!Array.isArray(reply)) throw new RedisStoreError('redis counter returned an unexpected reply');
  return { count: Number(reply[0]), resetAt: Math.ceil((Date.now() + Number(reply[1])) / 1000) };
}

function decodeRecord(raw: unknown, spentAt?: unknown, successorId?: unknown): RefreshTokenRecord {
  if (typeof raw !== 'string') throw new RedisStoreError('redis refresh token record is unreadable');
  const record = JSON.parse(raw) as RefreshTokenRecord;
  // Lua returns false for a missing hash field, which ioredis gives as null.
  if (spentAt === null || spentAt === undefined || spentAt === false) return record;
  return { ...record, spentAt: Number(spentAt), successorId: typeof successorId === 'string' ? successorId : undefined };
}

function decodeRevocation(message: string): Revocation | undefined {
  try {
    const value = JSON.parse(message) as Partial<Revocation>;
    if ((value.kind === 'jti' || value.kind === 'family') && typeof value.id === 'string') return { kind: value.kind, id: value.id };
  } catch {
    // fall through
  }
  return undefined;
}

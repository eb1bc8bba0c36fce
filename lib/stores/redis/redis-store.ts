// lib/stores/redis/redis-store.ts
// The shared TokenStore: every instance points at one Redis; atomic steps are Lua scripts (redis-commands.ts),
// revocations go over pub/sub (redis-revocations.ts).

import { ConfigError } from '../../errors/config-error';
import { assertKnownKeys, fail, isObject } from '../../util/assert';
import { RedisStoreError, type RedisClientLike } from './redis-client';
import { RedisCommands } from './redis-commands';
import { assertNoLineFeed, decodeSessionValue, decodeValue, encodeSessionValue, encodeValue } from './redis-record';
import { RedisRevocations, type RevocationListener } from './redis-revocations';
import { fromNodeRedis, isNodeRedisClient, isNodeRedisCluster, type NodeRedisClientLike } from './node-redis';
import type { CappedHit, Counter, RefreshTokenRecord, Revocation, RotateResult, SessionDetails, TokenStore } from '../shared/store';
import { sessionDetailsMembers } from '../shared/record-v1';
import { sessionListBounds } from '../shared/session-list';
import type { ListSessionsOptions, SaveSessionOptions, SessionRecord, SessionStore } from '../shared/session-store';
import { sha256 } from '../../util/crypto';

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
export class RedisStore implements TokenStore, SessionStore {
  private readonly redis: RedisCommands;
  private readonly revocations: RedisRevocations;

  /** Checks its options like passwordGrant() does: a wrong one is a ConfigError (a TypeError) with a code. */
  constructor(options: RedisStoreOptions) {
    if (!isObject(options)) fail('RedisStore: options', 'an object { client, prefix?, commandTimeoutMs? }');
    assertKnownKeys(options, ['client', 'prefix', 'commandTimeoutMs'], 'RedisStore: options');
    const given = options.client;
    if (isNodeRedisClient(given) && isNodeRedisCluster(given)) {
      throw new ConfigError(
        'ERR_EPG_INVALID_OPTION',
        'RedisStore: node-redis cluster clients are not supported; use an ioredis Cluster (new Redis.Cluster(nodes))',
      );
    }
    const client = isNodeRedisClient(given) ? fromNodeRedis(given) : given;
    if (typeof client?.call !== 'function' || typeof client.duplicate !== 'function') {
      throw new ConfigError(
        'ERR_EPG_INVALID_OPTION',
        'RedisStore: options.client must be an ioredis or node-redis client (call() or sendCommand(), and duplicate())',
      );
    }
    const prefix = options.prefix ?? 'epg:';
    if (typeof prefix !== 'string') fail('RedisStore: options.prefix', 'a string');
    // Redis Cluster: the Lua scripts touch several keys of one token family, so every key must live in one slot.
    // A hash tag in the prefix ("{epg}:") puts them there (Redis Cluster spec, "Hash tags").
    if ((given as { isCluster?: unknown }).isCluster === true && !/^[^{]*\{[^}]+\}/.test(prefix)) {
      throw new ConfigError(
        'ERR_EPG_INVALID_OPTION',
        `RedisStore: on a Redis Cluster the prefix needs a hash tag so all keys share a slot, e.g. '{${prefix.replace(/[{}]/g, '').replace(/:$/, '') || 'epg'}}:'`,
      );
    }
    const timeout = options.commandTimeoutMs ?? 1000;
    if (!Number.isFinite(timeout) || timeout <= 0)
      throw new ConfigError('ERR_EPG_INVALID_OPTION', 'RedisStore: options.commandTimeoutMs must be a positive number');
    this.redis = new RedisCommands(client, prefix, timeout);
    this.revocations = new RedisRevocations(client, `${prefix}revocations`);
  }

  async saveRefreshToken(record: RefreshTokenRecord): Promise<void> {
    // SET replaces whatever the key held, an older hash included; an expiresAt already past stores nothing.
    await this.redis.command('SET', this.redis.key('rt:', record.id), encodeValue(record), 'EXAT', Math.ceil(record.expiresAt));
  }

  async findRefreshToken(id: string): Promise<RefreshTokenRecord | undefined> {
    const reply = await this.redis.script('find', [this.redis.key('rt:', id)], [this.redis.key('fam:', '')]);
    if (!Array.isArray(reply)) return undefined;
    return decodeValue(id, reply[0], reply[1], reply[2], reply[3]);
  }

  /** One script: the spend, the successor, and the session's touch (its details with them, when given). */
  async rotateRefreshToken(previousId: string, next: RefreshTokenRecord, now: number, details?: SessionDetails): Promise<RotateResult> {
    assertNoLineFeed(next.id, 'successor id');
    const keys = [
      this.redis.key('rt:', previousId),
      this.redis.key('rt:', next.id),
      this.redis.key('sess:', next.familyId),
      this.userKey(next.sub),
      this.redis.key('rts:', next.familyId),
    ];
    const args = [
      this.redis.key('fam:', ''),
      encodeValue(next),
      Math.ceil(next.expiresAt),
      now,
      next.id,
      next.familyId,
      details === undefined ? '0' : '1',
      details === undefined ? '' : sessionDetailsMembers(details),
      this.redis.key('rt:', ''),
      previousId,
    ];
    const reply = await this.redis.script('rotate', keys, args);
    if (!Array.isArray(reply)) throw new RedisStoreError('redis rotate returned an unexpected reply');
    if (reply[0] === 'rotated') return { outcome: 'rotated', previous: decodeValue(previousId, reply[1], undefined, undefined, reply[4]) };
    if (reply[0] === 'reused') return { outcome: 'reused', previous: decodeValue(previousId, reply[1], reply[2], reply[3], reply[4]) };
    return { outcome: 'invalid' };
  }

  async revokeFamily(familyId: string, ttlSeconds: number): Promise<void> {
    const message = JSON.stringify({ kind: 'family', id: familyId } satisfies Revocation);
    await this.redis.script('revoke', [this.redis.key('fam:', familyId)], ['EX', wholeSeconds(ttlSeconds), this.revocations.channel, message]);
  }

  async revokeAccessToken(jti: string, expiresAt: number): Promise<void> {
    const message = JSON.stringify({ kind: 'jti', id: jti } satisfies Revocation);
    // A token already past its exp needs no mark (SET EXAT in the past would be refused); still tell the caches.
    if (expiresAt * 1000 <= Date.now()) {
      await this.redis.command('PUBLISH', this.revocations.channel, message);
      return;
    }
    await this.redis.script('revoke', [this.redis.key('jti:', jti)], ['EXAT', Math.ceil(expiresAt), this.revocations.channel, message]);
  }

  async isAccessTokenRevoked(jti: string, familyId: string | undefined): Promise<boolean> {
    const keys = familyId === undefined ? [this.redis.key('jti:', jti)] : [this.redis.key('jti:', jti), this.redis.key('fam:', familyId)];
    return Number(await this.redis.command('EXISTS', ...keys)) > 0;
  }

  async hit(key: string, windowSeconds: number): Promise<Counter> {
    const reply = await this.redis.script('hit', [this.redis.key('ctr:', key)], [Math.max(1, Math.ceil(windowSeconds * 1000))]);
    return toCounter(reply);
  }

  async hitBelow(key: string, max: number, windowSeconds: number): Promise<CappedHit> {
    const reply = await this.redis.script('hitBelow', [this.redis.key('ctr:', key)], [max, Math.max(1, Math.ceil(windowSeconds * 1000))]);
    return { ...toCounter(reply), added: Array.isArray(reply) && Number(reply[2]) === 1 };
  }

  async release(key: string): Promise<void> {
    await this.redis.script('release', [this.redis.key('ctr:', key)], []);
  }

  async peek(key: string): Promise<Counter | undefined> {
    const reply = await this.redis.script('peek', [this.redis.key('ctr:', key)], []);
    return Array.isArray(reply) ? toCounter(reply) : undefined;
  }

  async reset(key: string): Promise<void> {
    await this.redis.command('DEL', this.redis.key('ctr:', key));
  }

  async claimOnce(key: string, ttlSeconds: number): Promise<boolean> {
    return (await this.redis.command('SET', this.redis.key('once:', key), '1', 'EX', wholeSeconds(ttlSeconds), 'NX')) === 'OK';
  }

  async put(key: string, value: string, ttlSeconds: number): Promise<void> {
    await this.redis.command('SET', this.redis.key('kv:', key), value, 'EX', wholeSeconds(ttlSeconds));
  }

  async take(key: string): Promise<string | undefined> {
    // A bulk reply: a string (a Buffer from a client that asked for buffers, whose String() is its UTF-8 text), or nil.
    const value = (await this.redis.command('GETDEL', this.redis.key('kv:', key))) as string | Buffer | null | undefined;
    return value === null || value === undefined ? undefined : String(value);
  }

  /**
   * One script: the session, its first refresh token if any (and the session's list of refresh tokens, by which
   * ending it deletes them all), the user's index, and the end of sessions beyond the cap.
   */
  async saveSession(session: SessionRecord, options: SaveSessionOptions): Promise<void> {
    const token = options.refreshToken;
    const sessionKey = this.redis.key('sess:', session.id);
    const keys = [
      sessionKey,
      this.userKey(session.sub),
      token === undefined ? sessionKey : this.redis.key('rt:', token.id),
      this.redis.key('rts:', session.id),
    ];
    const args = [
      encodeSessionValue(session),
      Math.ceil(session.expiresAt),
      session.lastUsedAt,
      session.id,
      options.maxPerUser,
      this.redis.key('sess:', ''),
      this.redis.key('fam:', ''),
      this.revocations.channel,
      token === undefined ? '' : encodeValue(token),
      token === undefined ? 0 : Math.ceil(token.expiresAt),
      this.redis.key('rt:', ''),
      token === undefined ? '' : token.id,
      this.redis.key('rts:', ''),
    ];
    await this.redis.script('saveSession', keys, args);
  }

  async findSession(id: string): Promise<SessionRecord | undefined> {
    const reply = await this.redis.script('findSession', [this.redis.key('sess:', id)], [this.redis.key('fam:', ''), id]);
    return Array.isArray(reply) ? decodeSessionValue(id, reply[0], reply[1]) : undefined;
  }

  async listSessions(sub: string, options: ListSessionsOptions = {}): Promise<SessionRecord[]> {
    const { before, limit } = sessionListBounds(options);
    const args = [this.redis.key('sess:', ''), this.redis.key('fam:', ''), Number.isFinite(before) ? before : 'inf', limit];
    const reply = await this.redis.script('listSessions', [this.userKey(sub)], args);
    if (!Array.isArray(reply)) throw new RedisStoreError('redis listSessions returned an unexpected reply');
    const sessions: SessionRecord[] = [];
    for (let i = 0; i + 2 < reply.length; i += 3) sessions.push(decodeSessionValue(String(reply[i]), reply[i + 1], reply[i + 2]));
    // The index is keyed by a hash of sub: a session of another user could only share it by a SHA-256 collision.
    return sessions.filter((session) => session.sub === sub);
  }

  /** One script: the session, every refresh token its list names (spent ones included), the list, and the family's mark. */
  async endSession(id: string): Promise<boolean> {
    const args = [this.redis.key('sess:', ''), this.redis.key('fam:', ''), this.revocations.channel, id, this.redis.key('rt:', ''), this.redis.key('rts:', '')];
    return Number(await this.redis.script('endSession', [this.redis.key('sess:', id), this.redis.key('rts:', id)], args)) === 1;
  }

  /**
   * Revocations from every process, over pub/sub on a duplicate connection opened at the first call. When that
   * connection drops, and again when it is back, listeners get `undefined`: messages may have been missed.
   */
  onRevocation(listener: RevocationListener): () => void {
    return this.revocations.add(listener);
  }

  /** The index of a user's sessions: a sorted set (score: lastUsedAt), keyed by the SHA-256 of `sub` (any length, any bytes). */
  private userKey(sub: string): string {
    return this.redis.key('sub:', sha256(sub));
  }

  /** Closes the pub/sub connection RedisStore opened; the app's own client is left to the app. */
  async close(): Promise<void> {
    this.revocations.close();
  }
}

function wholeSeconds(seconds: number): number {
  return Math.max(1, Math.ceil(seconds));
}

function toCounter(reply: unknown): Counter {
  if (!Array.isArray(reply)) throw new RedisStoreError('redis counter returned an unexpected reply');
  return { count: Number(reply[0]), resetAt: Math.ceil((Date.now() + Number(reply[1])) / 1000) };
}

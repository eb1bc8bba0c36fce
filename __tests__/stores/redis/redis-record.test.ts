// __tests__/stores/redis/redis-record.test.ts
// How RedisStore lays out a refresh token: under 300 B of Redis per token, every field kept, and tokens that
// earlier versions wrote as hashes still found, rotated, reported as reused and revoked after an upgrade.

import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import { RedisStore, type RefreshTokenRecord } from '../../../lib';
import { AUTH, FAMILY, LOGIN } from '../../helpers/golden-records';
import { deletePrefix, describeWithRedis, redisClient, uniquePrefix } from '../../helpers/redis';

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** The shape the bench stores (bench/prefill.js refreshRecord): a login with a username and three scopes. */
function loginRecord(overrides: Partial<RefreshTokenRecord> = {}): RefreshTokenRecord {
  const now = nowSeconds();
  return {
    id: createHash('sha256').update(randomBytes(32)).digest('base64url'),
    familyId: randomUUID(),
    clientId: 'web',
    sub: 'u-1234',
    scope: ['openid', 'profile', 'orders'],
    authTime: now,
    issuedAt: now,
    expiresAt: now + 1_209_600,
    username: 'user1234@example.com',
    ...overrides,
  };
}

const successor = (record: RefreshTokenRecord): RefreshTokenRecord => ({ ...loginRecord(), familyId: record.familyId, sub: record.sub });

// The scripts this format replaced (lib/stores/redis-scripts.ts at 941c63b, now lib/stores/redis/), verbatim: how earlier versions wrote tokens.
const OLD_SAVE = `
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'r', ARGV[1], 'f', ARGV[2])
redis.call('EXPIREAT', KEYS[1], ARGV[3])
return 1
`;
const OLD_ROTATE = `
local h = redis.call('HMGET', KEYS[1], 'r', 'f', 's', 'n')
if not h[1] then return { 'invalid' } end
if redis.call('EXISTS', ARGV[1] .. h[2]) == 1 then return { 'invalid' } end
if h[3] then return { 'reused', h[1], h[3], h[4] } end
redis.call('HSET', KEYS[1], 's', ARGV[5], 'n', ARGV[6])
redis.call('DEL', KEYS[2])
redis.call('HSET', KEYS[2], 'r', ARGV[2], 'f', ARGV[3])
redis.call('EXPIREAT', KEYS[2], ARGV[4])
return { 'rotated', h[1] }
`;

describeWithRedis('RedisStore refresh-token values', () => {
  const prefix = uniquePrefix('record');
  let client: Redis;
  let store: RedisStore;

  beforeAll(() => {
    client = redisClient();
    store = new RedisStore({ client, prefix });
  });

  afterAll(async () => {
    await store.close();
    await deletePrefix(client, prefix);
    await client.quit();
  });

  /** Saves `record` as the earlier saveRefreshToken did. */
  const saveOld = (record: RefreshTokenRecord): Promise<unknown> =>
    client.eval(OLD_SAVE, 1, `${prefix}rt:${record.id}`, JSON.stringify(record), record.familyId, Math.ceil(record.expiresAt));

  /** Rotates as the earlier rotateRefreshToken did. */
  const rotateOld = (previousId: string, next: RefreshTokenRecord, now: number): Promise<unknown> =>
    client.eval(
      OLD_ROTATE,
      2,
      `${prefix}rt:${previousId}`,
      `${prefix}rt:${next.id}`,
      `${prefix}fam:`,
      JSON.stringify(next),
      next.familyId,
      Math.ceil(next.expiresAt),
      now,
      next.id,
    );

  it('keeps a typical refresh token in at most 300 bytes of Redis (MEMORY USAGE), a rotated one in 320, as one string', async () => {
    // MEMORY USAGE counts the key too: a prefix as long as the bench's (`epg-bench-<pid>:`), not the tests' longer one.
    const short = `epg-size-${randomBytes(3).toString('hex')}:`;
    const sized = new RedisStore({ client, prefix: short });
    const record = loginRecord();
    const key = `${short}rt:${record.id}`;
    try {
      await sized.saveRefreshToken(record);
      expect(Number(await client.call('MEMORY', 'USAGE', key))).toBeLessThanOrEqual(300);
      expect(await client.type(key)).toBe('string');
      // A rotated token was issued after its family's login: its `iat` is written too.
      await sized.saveRefreshToken({ ...record, issuedAt: record.authTime + 3600 });
      expect(Number(await client.call('MEMORY', 'USAGE', key))).toBeLessThanOrEqual(320);
    } finally {
      await client.del(key);
    }
  });

  it('keeps every field through save, find and rotation, fields it does not know included', async () => {
    const record = { ...loginRecord({ jkt: 'thumb', extraClaims: { tenant: 'ä', n: { deep: [] } } }), future: { kept: [1, 'x'] } };
    await store.saveRefreshToken(record);
    expect(await store.findRefreshToken(record.id)).toEqual(record);
    const next = successor(record);
    const now = nowSeconds();
    expect(await store.rotateRefreshToken(record.id, next, now)).toEqual({ outcome: 'rotated', previous: record });
    const spent = { ...record, spentAt: now, successorId: next.id };
    expect(await store.findRefreshToken(record.id)).toEqual(spent);
    expect(await store.rotateRefreshToken(record.id, successor(record), now + 1)).toEqual({ outcome: 'reused', previous: spent });
  });

  it('refuses a familyId or successor id holding a line feed, the separator of its header', async () => {
    await expect(store.saveRefreshToken(loginRecord({ familyId: 'a\nb' }))).rejects.toThrow('redis refresh token familyId must not contain a line feed');
    const record = loginRecord();
    await store.saveRefreshToken(record);
    await expect(store.rotateRefreshToken(record.id, { ...successor(record), id: 'x\ny' }, nowSeconds())).rejects.toThrow(
      'redis refresh token successor id must not contain a line feed',
    );
    expect(await store.findRefreshToken(record.id)).toEqual(record);
  });

  describe('tokens earlier versions stored as hashes, after an upgrade', () => {
    /** As the store reads a 0.1.0 hash: flagged as older than session records. */
    const asRead = <R extends object>(record: R): R & { predatesSessions: true } => ({ ...record, predatesSessions: true });

    it('finds one as the record it was saved as', async () => {
      const record = loginRecord({ extraClaims: { roles: ['a'] } });
      await saveOld(record);
      expect(await store.findRefreshToken(record.id)).toEqual(asRead(record));
    });

    it("rotated as the refresh grant rotates it, its successor's v1 value carries predatesSessions as exactly these bytes", async () => {
      const record = { ...LOGIN, id: 'hash-legacy' };
      await saveOld(record);
      const found = await store.findRefreshToken(record.id);
      expect(found).toEqual(asRead(record));
      const { spentAt: _spentAt, successorId: _successorId, ...kept } = found!;
      await store.rotateRefreshToken(record.id, { ...kept, id: 'hash-legacy-next', issuedAt: AUTH + 200 }, AUTH + 200);
      expect(await client.get(`${prefix}rt:hash-legacy-next`)).toBe(
        `v1\n\n\n${FAMILY}\n{"sub":"u-1234","cid":"web","scope":"openid profile orders","auth":1765000000,"iat":1765000200,"user":"user1234@example.com","x":{"predatesSessions":true}}`,
      );
    });

    it('rotates one: it is marked spent in place with its TTL, the successor is a string, and reuse is reported', async () => {
      const record = loginRecord({ expiresAt: nowSeconds() + 600 });
      await saveOld(record);
      const key = `${prefix}rt:${record.id}`;
      const ttl = await client.ttl(key);
      const next = successor(record);
      const now = nowSeconds();
      expect(await store.rotateRefreshToken(record.id, next, now)).toEqual({ outcome: 'rotated', previous: asRead(record) });
      expect(await client.type(key)).toBe('hash');
      expect(await client.ttl(key)).toBeLessThanOrEqual(ttl);
      expect(await client.ttl(key)).toBeGreaterThan(ttl - 5);
      expect(await client.type(`${prefix}rt:${next.id}`)).toBe('string');
      expect(await store.findRefreshToken(next.id)).toEqual(next);
      const spent = asRead({ ...record, spentAt: now, successorId: next.id });
      expect(await store.findRefreshToken(record.id)).toEqual(spent);
      expect(await store.rotateRefreshToken(record.id, successor(record), now + 1)).toEqual({ outcome: 'reused', previous: spent });
    });

    it('reports reuse of one rotated before the upgrade, and rotates the successor stored then', async () => {
      const record = loginRecord();
      await saveOld(record);
      const next = successor(record);
      const now = nowSeconds();
      expect(await rotateOld(record.id, next, now)).toEqual(['rotated', JSON.stringify(record)]);
      const spent = asRead({ ...record, spentAt: now, successorId: next.id });
      expect(await store.findRefreshToken(record.id)).toEqual(spent);
      expect(await store.rotateRefreshToken(record.id, successor(record), now + 1)).toEqual({ outcome: 'reused', previous: spent });
      expect(await store.rotateRefreshToken(next.id, successor(next), now + 1)).toEqual({ outcome: 'rotated', previous: asRead(next) });
    });

    it('hides one whose family is revoked, and refuses to rotate it', async () => {
      const [active, spentOne] = [loginRecord(), loginRecord()];
      await Promise.all([saveOld(active), saveOld(spentOne)]);
      await rotateOld(spentOne.id, successor(spentOne), nowSeconds());
      await Promise.all([store.revokeFamily(active.familyId, 600), store.revokeFamily(spentOne.familyId, 600)]);
      for (const record of [active, spentOne]) {
        expect(await store.findRefreshToken(record.id)).toBeUndefined();
        expect(await store.rotateRefreshToken(record.id, successor(record), nowSeconds())).toEqual({ outcome: 'invalid' });
      }
    });
  });
});

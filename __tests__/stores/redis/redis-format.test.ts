// __tests__/stores/redis/redis-format.test.ts
// RedisStore's stored format v1, pinned by exact bytes (golden values), and the upgrade from what 7c18849 wrote (v0
// strings, as fixed bytes): found, rotated, reported as reused, revoked, and expired by their own TTL.

import { createHash } from 'node:crypto';
import type Redis from 'ioredis';
import { RedisStore, RedisStoreError, type RefreshTokenRecord } from '../../../lib';
import { AUTH, DETAILS_CASES, FAMILY, FAR, FULL, LOGIN, loginAs, SESSION, SESSION_TOKEN, V0_REDIS_VALUE, v0RedisValue } from '../../helpers/golden-records';
import { deletePrefix, describeWithRedis, redisClient, uniquePrefix } from '../../helpers/redis';

/** A record as the store reads it from a value 7c18849 wrote: flagged as older than session records. */
const readAsV0 = <R extends object>(record: R): R & { predatesSessions: true } => ({ ...record, predatesSessions: true });

const LOGIN_V1 = `v1\n\n\n${FAMILY}\n{"sub":"u-1234","cid":"web","scope":"openid profile orders","auth":1765000000,"user":"user1234@example.com"}`;
/** A successor of a record read as older than session records, as the refresh grant writes it (`iat` AUTH + 200). */
const predatesV1 = (family: string, iat = AUTH + 200): string =>
  `v1\n\n\n${family}\n{"sub":"u-1234","cid":"web","scope":"openid profile orders","auth":1765000000,"iat":${iat},"user":"user1234@example.com","x":{"predatesSessions":true}}`;

/** The successor the refresh grant makes of a record it found (lib/grants/refresh-token.ts): its fields kept, spent ones dropped. */
function grantSuccessor(found: RefreshTokenRecord, id: string, issuedAt: number): RefreshTokenRecord {
  const { spentAt: _spentAt, successorId: _successorId, ...kept } = found;
  return { ...kept, id, issuedAt };
}

const FULL_V1 = `v1\n\n\n${FAMILY}\n{"sub":"u-1234","cid":"web","scope":"openid profile orders","auth":1765000000,"iat":1765000100,"user":"user1234@example.com","jkt":"thumb","claims":{"tenant":"ä"},"x":{"note":"kept"}}`;

describeWithRedis('RedisStore stored format', () => {
  const prefix = uniquePrefix('format');
  let client: Redis;
  let store: RedisStore;
  const key = (id: string): string => `${prefix}rt:${id}`;
  const nowSeconds = (): number => Math.floor(Date.now() / 1000);
  const successor = (record: RefreshTokenRecord, id: string): RefreshTokenRecord => ({ ...record, id, issuedAt: AUTH + 200 });

  beforeAll(() => {
    client = redisClient();
    store = new RedisStore({ client, prefix });
  });

  afterAll(async () => {
    await store.close();
    await deletePrefix(client, prefix);
    await client.quit();
  });

  describe('v1, written', () => {
    it('writes a login record as exactly these bytes, its expiry as the key expiry', async () => {
      await store.saveRefreshToken(LOGIN);
      expect(await client.get(key(LOGIN.id))).toBe(LOGIN_V1);
      expect(Number(await client.call('EXPIRETIME', key(LOGIN.id)))).toBe(FAR);
    });

    it('writes every field by its v1 name, one it does not know under x, as exactly these bytes', async () => {
      await store.saveRefreshToken(FULL);
      expect(await client.get(key(FULL.id))).toBe(FULL_V1);
    });

    it('writes a fractional expiry and a scope that is no list of scope tokens in the value, by name', async () => {
      const odd = { ...LOGIN, id: 'golden-odd', scope: ['a b', ''], expiresAt: FAR + 0.5 };
      await store.saveRefreshToken(odd);
      expect(await client.get(key(odd.id))).toBe(
        `v1\n\n\n${FAMILY}\n{"sub":"u-1234","cid":"web","scope":["a b",""],"auth":1765000000,"exp":4102444800.5,"user":"user1234@example.com"}`,
      );
      expect(await store.findRefreshToken(odd.id)).toEqual(odd);
    });

    it('rotation rewrites the spent token header only, keeping its expiry; the successor is v1', async () => {
      const previous = { ...FULL, id: 'golden-rotated' };
      await store.saveRefreshToken(previous);
      const next = successor(previous, 'golden-successor');
      expect(await store.rotateRefreshToken(previous.id, next, AUTH + 200)).toEqual({ outcome: 'rotated', previous });
      expect(await client.get(key(previous.id))).toBe(FULL_V1.replace('v1\n\n\n', `v1\n${AUTH + 200}\ngolden-successor\n`));
      expect(Number(await client.call('EXPIRETIME', key(previous.id)))).toBe(FAR);
      expect(await client.get(key(next.id))).toBe(FULL_V1.replace('"iat":1765000100', '"iat":1765000200'));
    });
  });

  describe('v1, read from fixed bytes', () => {
    it('finds the records these bytes hold, the expiry read from the key', async () => {
      await client.set(key('fixed-login'), LOGIN_V1, 'EXAT', FAR);
      await client.set(key('fixed-full'), FULL_V1, 'EXAT', FAR);
      expect(await store.findRefreshToken('fixed-login')).toEqual({ ...LOGIN, id: 'fixed-login' });
      expect(await store.findRefreshToken('fixed-full')).toEqual({ ...FULL, id: 'fixed-full' });
    });

    it('refuses a value of a version it does not know (a newer one, after a rollback), and leaves it alone', async () => {
      const v2 = `v2\n\n\n${FAMILY}\n{"sub":"u-1234"}`;
      await client.set(key('from-the-future'), v2, 'EXAT', FAR);
      await expect(store.findRefreshToken('from-the-future')).rejects.toThrow(RedisStoreError);
      await expect(store.rotateRefreshToken('from-the-future', successor(LOGIN, 'never'), nowSeconds())).rejects.toThrow(RedisStoreError);
      expect(await client.get(key('from-the-future'))).toBe(v2);
      expect(await client.exists(key('never'))).toBe(0);
    });
  });

  describe('sessions, v1', () => {
    const SESSION_V1 = `v1\n1765000000\ngolden-session-token\n{"sub":"u-1234","cid":"web","scope":"openid profile orders","created":1765000000}`;
    const index = `${prefix}sub:${createHash('sha256').update('u-1234').digest('base64url')}`;

    it('writes a session and its first refresh token in one call as exactly these bytes, indexed by user; rotation touches both', async () => {
      await store.saveSession(SESSION, { refreshToken: SESSION_TOKEN, maxPerUser: 100 });
      expect(await client.get(`${prefix}sess:${SESSION.id}`)).toBe(SESSION_V1);
      expect(Number(await client.call('EXPIRETIME', `${prefix}sess:${SESSION.id}`))).toBe(FAR);
      expect(await client.get(key(SESSION_TOKEN.id))).toBe(LOGIN_V1.replace(FAMILY, SESSION.id));
      expect([await client.zcard(index), await client.zscore(index, SESSION.id)]).toEqual([1, String(AUTH)]);
      expect(Number(await client.call('EXPIRETIME', index))).toBe(FAR);
      // The session's refresh tokens, by which ending it deletes them all: a list of their ids, living as long as it.
      expect(await client.lrange(`${prefix}rts:${SESSION.id}`, 0, -1)).toEqual(['golden-session-token']);
      expect(Number(await client.call('EXPIRETIME', `${prefix}rts:${SESSION.id}`))).toBe(FAR);
      await store.rotateRefreshToken(SESSION_TOKEN.id, successor(SESSION_TOKEN, 'golden-session-next'), AUTH + 200);
      expect(await client.get(`${prefix}sess:${SESSION.id}`)).toBe(SESSION_V1.replace('1765000000\ngolden-session-token', '1765000200\ngolden-session-next'));
      expect([await client.zcard(index), await client.zscore(index, SESSION.id)]).toEqual([1, String(AUTH + 200)]);
      expect(await client.lrange(`${prefix}rts:${SESSION.id}`, 0, -1)).toEqual(['golden-session-token', 'golden-session-next']);
      expect(Number(await client.call('EXPIRETIME', `${prefix}rts:${SESSION.id}`))).toBe(FAR);
    });

    it('a rotation drops a token gone from the head of the list (one per rotation), so the list follows the live tokens', async () => {
      const session = { ...SESSION, id: 'golden-pruned', refreshTokenId: 'golden-pruned-1' };
      const first = { ...SESSION_TOKEN, id: 'golden-pruned-1', familyId: 'golden-pruned' };
      await store.saveSession(session, { refreshToken: first, maxPerUser: 100 });
      await store.rotateRefreshToken(first.id, successor(first, 'golden-pruned-2'), AUTH + 200);
      await client.del(key('golden-pruned-1'));
      await store.rotateRefreshToken('golden-pruned-2', successor(first, 'golden-pruned-3'), AUTH + 300);
      expect(await client.lrange(`${prefix}rts:golden-pruned`, 0, -1)).toEqual(['golden-pruned-2', 'golden-pruned-3']);
    });

    it('a session saved before its list existed gets one at its next rotation, with the token it spent, ending with the session', async () => {
      const session = { ...SESSION, id: 'golden-listless', refreshTokenId: 'golden-listless-1' };
      const first = { ...SESSION_TOKEN, id: 'golden-listless-1', familyId: 'golden-listless' };
      await store.saveSession(session, { refreshToken: first, maxPerUser: 100 });
      await client.del(`${prefix}rts:golden-listless`);
      await client.expireat(`${prefix}sess:golden-listless`, AUTH * 2);
      await store.rotateRefreshToken(first.id, successor(first, 'golden-listless-2'), AUTH + 200);
      // The token just spent is listed too (review, 2026-12-07: ending the session left it behind until its expiry).
      expect(await client.lrange(`${prefix}rts:golden-listless`, 0, -1)).toEqual(['golden-listless-1', 'golden-listless-2']);
      expect(Number(await client.call('EXPIRETIME', `${prefix}rts:golden-listless`))).toBe(AUTH * 2);
    });

    describe('a rotation with session details rewrites ip and ua in place, as exactly these bytes', () => {
      const NAMED = '{"sub":"u-1234","cid":"web","scope":"openid profile orders","created":1765000000';
      it.each(DETAILS_CASES)('%s', async (_name, before, details, after) => {
        const id = `details-${_name.replace(/\W+/g, '-')}`;
        const token = { ...SESSION_TOKEN, id: `${id}-token`, familyId: id };
        await store.saveSession({ ...SESSION, id, refreshTokenId: token.id }, { refreshToken: token, maxPerUser: 100 });
        await client.set(`${prefix}sess:${id}`, `v1\n1765000000\n${token.id}\n${NAMED}${before}}`, 'EXAT', FAR);
        await store.rotateRefreshToken(token.id, successor(token, `${id}-next`), AUTH + 200, details);
        expect(await client.get(`${prefix}sess:${id}`)).toBe(`v1\n1765000200\n${id}-next\n${NAMED}${after}}`);
      });

      it('leaves them as they are without details', async () => {
        const session = { ...SESSION, id: 'golden-no-details', refreshTokenId: 'golden-no-details-1', ip: '192.0.2.1', userAgent: 'A/1' };
        const first = { ...SESSION_TOKEN, id: 'golden-no-details-1', familyId: session.id };
        await store.saveSession(session, { refreshToken: first, maxPerUser: 100 });
        await store.rotateRefreshToken(first.id, successor(first, 'golden-no-details-2'), AUTH + 200);
        expect(await client.get(`${prefix}sess:${session.id}`)).toBe(`v1\n1765000200\ngolden-no-details-2\n${NAMED},"ip":"192.0.2.1","ua":"A/1"}`);
      });
    });

    it('finds the session fixed bytes hold, the expiry read from the key', async () => {
      await client.set(
        `${prefix}sess:fixed-session`,
        'v1\n1765000000\n\n{"sub":"u-1234","cid":"web","scope":"openid profile orders","created":1765000000,"ip":"2001:db8::1","ua":"Zoë/1.0"}',
        'EXAT',
        FAR,
      );
      const { refreshTokenId: _none, ...withoutToken } = SESSION;
      expect(await store.findSession('fixed-session')).toEqual({ ...withoutToken, id: 'fixed-session', ip: '2001:db8::1', userAgent: 'Zoë/1.0' });
    });

    it('ending it deletes the session, every refresh token of its family (spent ones included) and its list, and marks the family until the session end', async () => {
      const session = { ...SESSION, id: 'golden-ended', refreshTokenId: 'golden-ended-token' };
      const first = { ...SESSION_TOKEN, id: 'golden-ended-token', familyId: 'golden-ended' };
      await store.saveSession(session, { refreshToken: first, maxPerUser: 100 });
      await store.rotateRefreshToken(first.id, successor(first, 'golden-ended-2'), AUTH + 200);
      await store.rotateRefreshToken('golden-ended-2', successor(first, 'golden-ended-3'), AUTH + 300);
      expect(await client.exists(key('golden-ended-token'), key('golden-ended-2'), key('golden-ended-3'))).toBe(3);
      expect(await store.endSession(session.id)).toBe(true);
      const keys = [`${prefix}sess:golden-ended`, `${prefix}rts:golden-ended`, key('golden-ended-token'), key('golden-ended-2'), key('golden-ended-3')];
      expect(await client.exists(...keys)).toBe(0);
      expect(Number(await client.call('EXPIRETIME', `${prefix}fam:golden-ended`))).toBe(FAR);
    });
  });

  describe('v0, what 7c18849 wrote, after an upgrade', () => {
    /** Stores `value` under `id` as 7c18849's saveRefreshToken did: SET ... EXAT ceil(expiresAt). */
    const writeV0 = (id: string, value: string, expiresAt = FAR): Promise<unknown> => client.set(key(id), value, 'EXAT', expiresAt);

    it('finds it as the record it was written as', async () => {
      await writeV0('v0-find', V0_REDIS_VALUE);
      expect(await store.findRefreshToken('v0-find')).toEqual(readAsV0(loginAs('v0-find', FAMILY)));
    });

    it('rotates it: spent in place in its own format with its TTL, the successor written as v1, reuse reported', async () => {
      const family = 'c0ffee00-0000-4000-8000-000000000002';
      await writeV0('v0-rotate', v0RedisValue(family), nowSeconds() + 600);
      const ttl = await client.ttl(key('v0-rotate'));
      const record = loginAs('v0-rotate', family);
      const next = successor(record, 'v0-successor');
      const now = nowSeconds();
      expect(await store.rotateRefreshToken(record.id, next, now)).toEqual({ outcome: 'rotated', previous: readAsV0(record) });
      expect(await client.get(key(record.id))).toBe(`${now}\nv0-successor${v0RedisValue(family).slice(1)}`);
      expect(await client.ttl(key(record.id))).toBeLessThanOrEqual(ttl);
      expect(await client.ttl(key(record.id))).toBeGreaterThan(ttl - 5);
      expect((await client.get(key(next.id)))?.startsWith('v1\n')).toBe(true);
      expect(await store.findRefreshToken(next.id)).toEqual(next);
      const spent = readAsV0({ ...record, spentAt: now, successorId: next.id });
      expect(await store.rotateRefreshToken(record.id, successor(record, 'v0-second'), now + 1)).toEqual({ outcome: 'reused', previous: spent });
    });

    it('rotated as the refresh grant rotates it, its successor carries predatesSessions in its v1 value as exactly these bytes, and the next successor too', async () => {
      const family = 'c0ffee00-0000-4000-8000-000000000006';
      await writeV0('v0-legacy', v0RedisValue(family));
      const found = await store.findRefreshToken('v0-legacy');
      expect(found).toEqual(readAsV0(loginAs('v0-legacy', family)));
      expect(await store.rotateRefreshToken('v0-legacy', grantSuccessor(found!, 'v0-legacy-next', AUTH + 200), AUTH + 200)).toMatchObject({
        outcome: 'rotated',
      });
      expect(await client.get(key('v0-legacy-next'))).toBe(predatesV1(family));
      expect(Number(await client.call('EXPIRETIME', key('v0-legacy-next')))).toBe(FAR);
      const again = await store.findRefreshToken('v0-legacy-next');
      expect(again).toEqual({ ...readAsV0(loginAs('v0-legacy-next', family)), issuedAt: AUTH + 200 });
      await store.rotateRefreshToken('v0-legacy-next', grantSuccessor(again!, 'v0-legacy-third', AUTH + 300), AUTH + 300);
      expect(await client.get(key('v0-legacy-third'))).toBe(predatesV1(family, AUTH + 300));
    });

    it('reads predatesSessions from fixed v1 bytes', async () => {
      await client.set(key('fixed-predates'), predatesV1(FAMILY), 'EXAT', FAR);
      expect(await store.findRefreshToken('fixed-predates')).toEqual({ ...readAsV0(loginAs('fixed-predates', FAMILY)), issuedAt: AUTH + 200 });
    });

    it('reports reuse of one 7c18849 had already rotated (its spent header, as fixed bytes)', async () => {
      const family = 'c0ffee00-0000-4000-8000-000000000003';
      await writeV0('v0-spent', `1765000500\nold-successor${v0RedisValue(family).slice(1)}`);
      const spent = readAsV0({ ...loginAs('v0-spent', family), spentAt: 1765000500, successorId: 'old-successor' });
      expect(await store.findRefreshToken('v0-spent')).toEqual(spent);
      expect(await store.rotateRefreshToken('v0-spent', successor(spent, 'v0-never'), nowSeconds())).toEqual({ outcome: 'reused', previous: spent });
      expect(await client.exists(key('v0-never'))).toBe(0);
    });

    it('hides one whose family is revoked, and refuses to rotate it', async () => {
      const family = 'c0ffee00-0000-4000-8000-000000000004';
      await writeV0('v0-revoked', v0RedisValue(family));
      await store.revokeFamily(family, 600);
      expect(await store.findRefreshToken('v0-revoked')).toBeUndefined();
      expect(await store.rotateRefreshToken('v0-revoked', successor(LOGIN, 'v0-none'), nowSeconds())).toEqual({ outcome: 'invalid' });
    });

    it('lets it expire by its own TTL, as 7c18849 set it', async () => {
      await writeV0('v0-expiring', V0_REDIS_VALUE, nowSeconds() + 1);
      await new Promise((resolve) => setTimeout(resolve, 2100));
      expect(await client.exists(key('v0-expiring'))).toBe(0);
      expect(await store.findRefreshToken('v0-expiring')).toBeUndefined();
    });
  });
});

// __tests__/stores/postgres/postgres-one-step-refresh.test.ts
// The refresh grant in one statement (PostgresStore.rotateIfCurrent) over real HTTP and real PostgreSQL: taken for a
// common refresh, and every refusal, reuse and event the same as the usual find-then-rotate.

import { createHash } from 'node:crypto';
import request from 'supertest';
import type { Pool } from 'pg';
import { PostgresStore, type RefreshTokenRecord, type RotateResult, type RotationTerms, type SessionDetails } from '../../../lib';
import { basic, createServer, form, ISSUER, WEB_SECRET, type TestServer } from '../../helpers/server';
import { loginCli, loginWeb } from '../../helpers/login';
import { dpopKey, proof } from '../../helpers/dpop';
import { describeWithPostgres, dropSchema, testPool, uniqueSchema } from '../../helpers/postgres';

/** PostgresStore, counting which way each refresh went (a real store: it only counts, then calls the real method). */
class CountingStore extends PostgresStore {
  oneStep = 0;
  usual = 0;

  override async rotateIfCurrent(
    id: string,
    terms: RotationTerms,
    successorId: string,
    now: number,
    details?: SessionDetails,
  ): Promise<RefreshTokenRecord | undefined> {
    const record = await super.rotateIfCurrent(id, terms, successorId, now, details);
    if (record !== undefined) this.oneStep += 1;
    return record;
  }

  override async rotateRefreshToken(id: string, next: RefreshTokenRecord, now: number, details?: SessionDetails): Promise<RotateResult> {
    this.usual += 1;
    return super.rotateRefreshToken(id, next, now, details);
  }

  zero(): void {
    this.oneStep = 0;
    this.usual = 0;
  }
}

const TOKEN_URL = `${ISSUER}/oauth2/token`;

const refreshAsWeb = (s: TestServer, token: string, extra: Record<string, string> = {}) =>
  request(s.app)
    .post('/oauth2/token')
    .set('Authorization', basic('web', WEB_SECRET))
    .type('form')
    .send(form({ grant_type: 'refresh_token', refresh_token: token, ...extra }));

const refreshAsCli = (s: TestServer, token: string, headers: Record<string, string> = {}) =>
  request(s.app)
    .post('/oauth2/token')
    .set(headers)
    .type('form')
    .send(form({ grant_type: 'refresh_token', client_id: 'cli', refresh_token: token }));

const named = (s: TestServer, name: string) => s.events.filter((e) => e.name === name).map((e) => e.payload as Record<string, unknown>);

describeWithPostgres('the refresh grant in one statement (PostgresStore)', () => {
  const schema = uniqueSchema('onestep');
  let pool: Pool;
  let store: CountingStore;

  beforeAll(async () => {
    pool = testPool();
    store = new CountingStore({ pool, schema, sweepIntervalMs: 0 });
    await store.migrate();
  });

  beforeEach(() => store.zero());

  afterAll(async () => {
    await store.close();
    await pool.end();
    await dropSchema(schema);
  });

  const row = async (id: string): Promise<Record<string, unknown>> =>
    (await pool.query(`SELECT *, extract(epoch FROM expires_at)::float8 AS expires_s FROM "${schema}".refresh_tokens WHERE id = $1`, [id])).rows[0] as Record<
      string,
      unknown
    >;
  const idOf = (token: string): string => createHash('sha256').update(token).digest('base64url');

  it('rotates a common refresh in one step: same access token claims, token.refreshed, the successor works', async () => {
    const s = await createServer({ store });
    const login = await loginWeb(s.app);
    const res = await refreshAsWeb(s, login.refresh_token!);
    expect(res.status).toBe(200);
    expect([store.oneStep, store.usual]).toEqual([1, 0]);
    expect(res.body).toMatchObject({ token_type: 'Bearer', scope: 'openid profile email orders', expires_in: expect.any(Number) });
    const claims = JSON.parse(Buffer.from((res.body.access_token as string).split('.')[1], 'base64url').toString()) as Record<string, unknown>;
    const first = JSON.parse(Buffer.from(login.access_token.split('.')[1], 'base64url').toString()) as Record<string, unknown>;
    expect(claims).toMatchObject({ sub: first.sub, sid: first.sid, auth_time: first.auth_time, client_id: 'web', scope: first.scope });
    expect(named(s, 'token.refreshed')).toEqual([expect.objectContaining({ clientId: 'web', userId: 'u-alice', sid: first.sid, jti: claims.jti })]);
    expect((await refreshAsWeb(s, res.body.refresh_token as string)).status).toBe(200);
    expect(store.oneStep).toBe(2);
  });

  it('of 20 parallel refreshes of one token exactly one wins, through the one step', async () => {
    const s = await createServer({ store });
    const login = await loginWeb(s.app);
    const results = await Promise.all(Array.from({ length: 20 }, () => refreshAsWeb(s, login.refresh_token!)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(new Set(results.filter((r) => r.status !== 200).map((r) => `${r.status} ${r.body.error}`))).toEqual(new Set(['400 invalid_grant']));
    expect(store.oneStep).toBe(1);
  });

  it('a spent token presented again (after a one-step rotation) is reuse: the family is revoked, its successor refused', async () => {
    const s = await createServer({ store });
    const login = await loginWeb(s.app);
    const rotated = await refreshAsWeb(s, login.refresh_token!);
    expect(rotated.status).toBe(200);
    const again = await refreshAsWeb(s, login.refresh_token!);
    expect(again.status).toBe(400);
    expect(again.body.error).toBe('invalid_grant');
    expect(named(s, 'refresh.reused')).toHaveLength(1);
    expect(named(s, 'session.revoked')).toEqual([expect.objectContaining({ reason: 'reused' })]);
    expect((await refreshAsWeb(s, rotated.body.refresh_token as string)).status).toBe(400);
  });

  it('a token presented by another client is refused and not spent: its own client still refreshes it', async () => {
    const s = await createServer({ store });
    const login = await loginCli(s.app);
    const stolen = await refreshAsWeb(s, login.refresh_token!);
    expect(stolen.status).toBe(400);
    expect(stolen.body.error).toBe('invalid_grant');
    expect(named(s, 'error')).toEqual([]);
    expect((await row(idOf(login.refresh_token!))).spent_at).toBeNull();
    const own = await refreshAsCli(s, login.refresh_token!);
    expect(own.status).toBe(200);
    expect(store.oneStep).toBe(1);
  });

  it('a family at its absolute end is refused with session.revoked (expired), nothing spent', async () => {
    let clock = Math.floor(Date.now() / 1000);
    const s = await createServer({ store, now: () => clock * 1000, refreshTokenAbsoluteTTL: 120, refreshTokenTTL: 60 });
    const fresh = await loginWeb(s.app);
    clock += 121;
    const ended = await refreshAsWeb(s, fresh.refresh_token!);
    expect(ended.status).toBe(400);
    expect(ended.body.error).toBe('invalid_grant');
    expect(named(s, 'session.revoked').filter((e) => e.reason === 'expired')).toHaveLength(1);
    expect((await row(idOf(fresh.refresh_token!))).spent_at).toBeNull();
  });

  it('a login older than session records (predatesSessions) goes the usual way, and is refused once revokeSessions marked its user', async () => {
    const s = await createServer({ store });
    const now = Math.floor(Date.now() / 1000);
    const token = `legacy-${now}-${Math.random()}`;
    const legacy: RefreshTokenRecord = {
      id: idOf(token),
      familyId: `fam-legacy-${now}-${Math.random()}`,
      clientId: 'web',
      sub: 'u-legacy',
      scope: ['orders'],
      authTime: now - 10,
      issuedAt: now - 10,
      expiresAt: now + 600,
      predatesSessions: true,
    };
    await store.saveRefreshToken(legacy);
    const first = await refreshAsWeb(s, token);
    expect(first.status).toBe(200);
    expect([store.oneStep, store.usual]).toEqual([0, 1]);
    await s.auth.revokeSessions('u-legacy');
    const refused = await refreshAsWeb(s, first.body.refresh_token as string);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe('invalid_grant');
    expect(store.oneStep).toBe(0);
  });

  it('a row the code at 7c18849 wrote (format v0) goes the usual way, and so do its successors', async () => {
    const s = await createServer({ store });
    const now = Math.floor(Date.now() / 1000);
    const token = `v0-${now}-${Math.random()}`;
    const family = `fam-v0-${now}-${Math.random()}`;
    // The compact record as 7c18849 stored it (__tests__/helpers/golden-records.ts, V0_SQL_RECORD), with times of now.
    const record = JSON.stringify([now + 600, family, 'web', 'u-v0', ['orders'], now - 10, now - 10, null, null, null, 'v0@example.com']);
    await pool.query(
      `INSERT INTO "${schema}".refresh_tokens (id, family_id, record, spent_at, successor_id, expires_at) VALUES ($1, $2, $3, NULL, NULL, to_timestamp($4))`,
      [idOf(token), family, record, now + 600],
    );
    const first = await refreshAsWeb(s, token);
    expect(first.status).toBe(200);
    expect((await row(idOf(token))).spent_at).not.toBeNull();
    const second = await refreshAsWeb(s, first.body.refresh_token as string);
    expect(second.status).toBe(200);
    // Neither the v0 row nor its successor (flagged predatesSessions) is rotated in one step.
    expect([store.oneStep, store.usual]).toEqual([0, 2]);
  });

  it('a DPoP-bound refresh token presented without a proof by a public client is refused and not spent', async () => {
    const s = await createServer({ store });
    const key = dpopKey();
    const login = await request(s.app)
      .post('/oauth2/token')
      .set('DPoP', proof(key, { htu: TOKEN_URL }))
      .type('form')
      .send(form({ grant_type: 'password', client_id: 'cli', username: 'bob', password: 'hunter2', scope: 'orders' }));
    expect(login.status).toBe(200);
    expect(login.body.token_type).toBe('DPoP');
    const bare = await refreshAsCli(s, login.body.refresh_token as string);
    expect(bare.status).toBe(400);
    expect(bare.body.error).toBe('invalid_dpop_proof');
    expect((await row(idOf(login.body.refresh_token as string))).spent_at).toBeNull();
    const proven = await refreshAsCli(s, login.body.refresh_token as string, { DPoP: proof(key, { htu: TOKEN_URL }) });
    expect(proven.status).toBe(200);
    expect([store.oneStep, store.usual]).toEqual([0, 1]);
  });

  it('sessionDetails: the one step records the IP and User-Agent of the refresh in the session', async () => {
    const s = await createServer({ store, sessionDetails: true });
    const login = await loginWeb(s.app);
    const res = await request(s.app)
      .post('/oauth2/token')
      .set('Authorization', basic('web', WEB_SECRET))
      .set('User-Agent', 'Refresher/2.0')
      .type('form')
      .send(form({ grant_type: 'refresh_token', refresh_token: login.refresh_token! }));
    expect(res.status).toBe(200);
    expect(store.oneStep).toBe(1);
    const sid = JSON.parse(Buffer.from(login.access_token.split('.')[1], 'base64url').toString()).sid as string;
    const session = await store.findSession(sid);
    expect(session).toMatchObject({ userAgent: 'Refresher/2.0', refreshTokenId: idOf(res.body.refresh_token as string) });
    expect(session?.ip).toMatch(/127\.0\.0\.1|::1/);
  });

  it('writes the same rows as the usual rotation: the spent row and its successor equal but for ids', async () => {
    const clock = Math.floor(Date.now() / 1000);
    const now = () => clock * 1000;
    // Logins with claims from enrichToken (stored in data), refreshed on one server the one-step way, on the other the usual way (findUser).
    const loginServer = await createServer({ store, now, enrichToken: () => ({ accessTokenClaims: { tenant: 'acme-ä', roles: ['a', 'b'] } }) });
    const oneStep = await createServer({ store, now });
    const usual = await createServer({ store, now, findUser: (sub) => ({ id: sub }) });
    const a = await loginWeb(loginServer.app);
    const b = await loginWeb(loginServer.app);
    const viaOne = await refreshAsWeb(oneStep, a.refresh_token!);
    const viaUsual = await refreshAsWeb(usual, b.refresh_token!);
    expect([viaOne.status, viaUsual.status]).toEqual([200, 200]);
    expect([store.oneStep, store.usual]).toEqual([1, 1]);
    const strip = ({ id: _id, family_id: _family, successor_id: _successor, ...rest }: Record<string, unknown>) => rest;
    const [spentOne, spentUsual] = [await row(idOf(a.refresh_token!)), await row(idOf(b.refresh_token!))];
    expect(strip(spentOne)).toEqual(strip(spentUsual));
    expect(spentOne.spent_at).toBe(clock);
    const [nextOne, nextUsual] = [await row(idOf(viaOne.body.refresh_token as string)), await row(idOf(viaUsual.body.refresh_token as string))];
    expect(strip(nextOne)).toEqual(strip(nextUsual));
    expect(nextOne).toMatchObject({
      format: 1,
      record: '[0]',
      sub: 'u-alice',
      client_id: 'web',
      issued_at: clock,
      spent_at: null,
      family_id: spentOne.family_id,
    });
    expect(nextOne.data).toBe('{"scope":"openid profile email orders","user":"alice","claims":{"tenant":"acme-ä","roles":["a","b"]}}');
  });
});

// __tests__/endpoints/revocation-lifetime.test.ts
// A revoked access token stays revoked while any verifier could still accept it: past `exp`, up to exp + clockTolerance.

// RFC 7009 §2.2: "the revoked token ... can not be used anymore"; the verifier accepts a token until exp +
// clockTolerance (jsonwebtoken's clockTolerance), so every revocation mark (jti, family/sid) must last that long.
import request from 'supertest';
import type { Express } from 'express';
import { MemoryStore, RedisStore, type TokenStore } from '../../lib';
import { basic, createServer, form, WEB_SECRET, type TestServer } from '../helpers/server';
import { decodeJwt, loginWeb, postAsWeb, type Tokens } from '../helpers/login';
import { deletePrefix, describeWithRedis, redisClient, uniquePrefix } from '../helpers/redis';

// A tolerance larger than refreshTokenTTL + accessTokenTTL: the old family mark (those two summed) ended inside it.
const TOLERANCE = 300;
const ACCESS_TTL = 60;
const REFRESH_TTL = 10;

interface Clock {
  ms: number;
}

function server(store: TokenStore, clock: Clock): Promise<TestServer> {
  return createServer({ store, now: () => clock.ms, clockTolerance: TOLERANCE, accessTokenTTL: ACCESS_TTL, refreshTokenTTL: REFRESH_TTL });
}

function refresh(app: Express, token: string) {
  return request(app)
    .post('/oauth2/token')
    .set('Authorization', basic('web', WEB_SECRET))
    .type('form')
    .send(form({ grant_type: 'refresh_token', refresh_token: token }));
}

const expOf = (token: string): number => decodeJwt(token).payload.exp as number;
const sidOf = (token: string): string => decodeJwt(token).payload.sid as string;
const jtiOf = (token: string): string => decodeJwt(token).payload.jti as string;

/** The three ways a token gets revoked; each returns the access token that must stay revoked. */
const revocations: ReadonlyArray<[string, (app: Express) => Promise<string>]> = [
  [
    'an access token revoked by itself',
    async (app) => {
      const tokens = await loginWeb(app, 'orders');
      expect((await postAsWeb(app, '/revoke', { token: tokens.access_token, token_type_hint: 'access_token' })).status).toBe(200);
      return tokens.access_token;
    },
  ],
  [
    'an access token of a family revoked by refresh-token reuse',
    async (app) => {
      const first = await loginWeb(app, 'orders');
      const second = await refresh(app, first.refresh_token!);
      expect(second.status).toBe(200);
      const reuse = await refresh(app, first.refresh_token!);
      expect(reuse.body.error).toBe('invalid_grant');
      return second.body.access_token as string;
    },
  ],
  [
    'an access token of a grant revoked through its refresh token',
    async (app) => {
      const tokens = await loginWeb(app, 'orders');
      expect((await postAsWeb(app, '/revoke', { token: tokens.refresh_token!, token_type_hint: 'refresh_token' })).status).toBe(200);
      return tokens.access_token;
    },
  ],
];

async function expectRevoked(app: Express, token: string): Promise<void> {
  const api = await request(app).get('/api/orders').set('Authorization', `Bearer ${token}`);
  expect(api.status).toBe(401);
  expect(api.headers['www-authenticate']).toContain('error="invalid_token"');
  expect((await postAsWeb(app, '/introspect', { token })).body).toEqual({ active: false });
}

describe('revocation marks outlive exp by the clock tolerance (MemoryStore, one clock)', () => {
  it.each(revocations)('%s stays revoked between exp and exp + clockTolerance', async (_name, revoke) => {
    const clock = { ms: Date.now() };
    const s = await server(new MemoryStore({ now: () => clock.ms }), clock);
    const revoked = await revoke(s.app);
    const control: Tokens = await loginWeb(s.app, 'orders');
    // Inside the tolerance window: past exp, before exp + clockTolerance.
    clock.ms = (expOf(revoked) + TOLERANCE / 2) * 1000;
    // The window is real: a token never revoked is still accepted here.
    expect((await request(s.app).get('/api/orders').set('Authorization', `Bearer ${control.access_token}`)).status).toBe(200);
    expect((await postAsWeb(s.app, '/introspect', { token: control.access_token })).body.active).toBe(true);
    await expectRevoked(s.app, revoked);
    // The last second the verifier accepts: still revoked.
    clock.ms = (expOf(revoked) + TOLERANCE) * 1000 - 1;
    await expectRevoked(s.app, revoked);
  });
});

describeWithRedis('revocation marks outlive exp by the clock tolerance (RedisStore)', () => {
  const prefix = uniquePrefix('revocation-lifetime');
  const client = redisClient();
  afterAll(async () => {
    await deletePrefix(client, prefix);
    await client.quit();
  });

  // Redis's clock cannot be moved: check instead that each mark lives at least until exp + clockTolerance.
  it.each(revocations)('%s: the mark lives until exp + clockTolerance', async (name, revoke) => {
    const clock = { ms: Date.now() };
    const s = await server(new RedisStore({ client, prefix }), clock);
    const revoked = await revoke(s.app);
    const key = name.includes('by itself') ? `${prefix}jti:${jtiOf(revoked)}` : `${prefix}fam:${sidOf(revoked)}`;
    const pttl = await client.pttl(key);
    expect(pttl).toBeGreaterThanOrEqual((expOf(revoked) + TOLERANCE) * 1000 - Date.now());
    clock.ms = (expOf(revoked) + TOLERANCE / 2) * 1000;
    await expectRevoked(s.app, revoked);
  });
});

describe('a revoked grant whose refresh tokens outlive the current refreshTokenTTL (the TTL was lowered since)', () => {
  it('stays revoked until the grant could no longer be refreshed anyway', async () => {
    const clock: Clock = { ms: Math.floor(Date.now() / 1000) * 1000 };
    const store = new MemoryStore({ now: () => clock.ms });
    const options = { store, now: () => clock.ms, accessTokenTTL: 60, refreshTokenAbsoluteTTL: 86_400 };
    // Yesterday's deployment: refresh tokens for 10,000 s. Today's: 100 s.
    try {
      const before = await createServer({ ...options, refreshTokenTTL: 10_000 });
      const refreshToken = (await loginWeb(before.app, 'orders')).refresh_token as string;
      const after = await createServer({ ...options, refreshTokenTTL: 100 });
      const revoked = await postAsWeb(after.app, '/revoke', { token: refreshToken, token_type_hint: 'refresh_token' });
      expect(revoked.status).toBe(200);
      // Past the old mark (refreshTokenTTL + accessTokenTTL + clockTolerance + 1 s = 166 s), well before the token's own
      // expiry (10,000 s) and the grant's end (86,400 s).
      clock.ms += 1000 * 1000;
      const res = await refresh(after.app, refreshToken);
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_grant');
    } finally {
      await store.close();
    }
  });
});

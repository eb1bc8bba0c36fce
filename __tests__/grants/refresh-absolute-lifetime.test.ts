// __tests__/grants/refresh-absolute-lifetime.test.ts
// refreshTokenAbsoluteTTL: a refresh-token family ends a fixed time after login, however often it rotates.

// RFC 9700 §4.14.2: refresh tokens may be bounded in lifetime; Auth0 ("absolute lifetime", default 30 days) and
// Okta ("refresh token lifetime") cap the grant from login, while each rotation only renews the idle lifetime.
import { createHash } from 'node:crypto';
import request from 'supertest';
import type { Express } from 'express';
import { MemoryStore, RedisStore, type Client, type TokenStore } from '../../lib';
import { basic, createServer, form, WEB_SECRET, type TestServer } from '../helpers/server';
import { loginWeb, postAsWeb } from '../helpers/login';
import { deletePrefix, describeWithRedis, redisClient, uniquePrefix } from '../helpers/redis';

const DAY = 86_400;

interface Clock {
  ms: number;
}

function refresh(app: Express, token: string) {
  return request(app)
    .post('/oauth2/token')
    .set('Authorization', basic('web', WEB_SECRET))
    .type('form')
    .send(form({ grant_type: 'refresh_token', refresh_token: token }));
}

async function server(
  clock: Clock,
  overrides: Record<string, unknown> = {},
  store: TokenStore = new MemoryStore({ now: () => clock.ms }),
): Promise<TestServer> {
  return createServer({ store, now: () => clock.ms, ...overrides });
}

/** Refreshes and expects success; returns the new refresh token. */
async function rotate(app: Express, token: string): Promise<string> {
  const res = await refresh(app, token);
  expect(res.status).toBe(200);
  return res.body.refresh_token as string;
}

async function introspectedExp(app: Express, token: string): Promise<number> {
  const body = (await postAsWeb(app, '/introspect', { token })).body;
  expect(body.active).toBe(true);
  return body.exp as number;
}

async function expectInvalidGrant(app: Express, token: string): Promise<void> {
  const res = await refresh(app, token);
  expect(res.status).toBe(400);
  expect(res.body.error).toBe('invalid_grant');
}

describe('refresh-token family absolute lifetime (MemoryStore)', () => {
  it('is on by default: 30 days from login, however often the family rotates', async () => {
    const start = Date.now();
    const clock = { ms: start };
    const s = await server(clock);
    let token = (await loginWeb(s.app, 'orders')).refresh_token!;
    const t0 = Math.floor(start / 1000);
    // Each rotation within the 14-day idle lifetime keeps the family alive...
    for (const day of [13, 26]) {
      clock.ms = start + day * DAY * 1000;
      token = await rotate(s.app, token);
    }
    // ...but the successor issued on day 26 ends at day 30, not day 40.
    expect(await introspectedExp(s.app, token)).toBe(t0 + 30 * DAY);
    clock.ms = start + 29 * DAY * 1000;
    token = await rotate(s.app, token);
    expect(await introspectedExp(s.app, token)).toBe(t0 + 30 * DAY);
    clock.ms = (t0 + 30 * DAY) * 1000;
    await expectInvalidGrant(s.app, token);
  });

  it('refreshTokenAbsoluteTTL caps each successor at login + the absolute lifetime', async () => {
    const clock = { ms: Date.now() };
    const s = await server(clock, { refreshTokenTTL: 60, refreshTokenAbsoluteTTL: 100 });
    const login = await loginWeb(s.app, 'orders');
    const t0 = Math.floor(clock.ms / 1000);
    expect(await introspectedExp(s.app, login.refresh_token!)).toBe(t0 + 60);
    clock.ms += 50_000;
    const next = await rotate(s.app, login.refresh_token!);
    expect(await introspectedExp(s.app, next)).toBe(t0 + 100);
    clock.ms = (t0 + 100) * 1000;
    await expectInvalidGrant(s.app, next);
    expect((await postAsWeb(s.app, '/introspect', { token: next })).body).toEqual({ active: false });
  });

  it('a client record’s refreshTokenAbsoluteTTL overrides the option, for that client only', async () => {
    const clock = { ms: Date.now() };
    const f = (await createServer()).fixture;
    const clients = new Map<string, Client>(f.clients);
    clients.set('web', { ...f.clients.get('web')!, refreshTokenAbsoluteTTL: 100 });
    const s = await server(clock, { findClient: (id: string) => clients.get(id) ?? null });
    const web = await loginWeb(s.app, 'orders');
    const cli = (
      await request(s.app)
        .post('/oauth2/token')
        .type('form')
        .send(form({ grant_type: 'password', client_id: 'cli', username: 'bob', password: 'hunter2', scope: 'orders' }))
    ).body;
    clock.ms += 100_000;
    await expectInvalidGrant(s.app, web.refresh_token!);
    const other = await request(s.app)
      .post('/oauth2/token')
      .type('form')
      .send(form({ grant_type: 'refresh_token', client_id: 'cli', refresh_token: cli.refresh_token }));
    expect(other.status).toBe(200);
  });

  it('a lowered absolute lifetime ends families already issued (their stored tokens outlive it)', async () => {
    const clock = { ms: Date.now() };
    const f = (await createServer()).fixture;
    const clients = new Map<string, Client>(f.clients);
    const s = await server(clock, { findClient: (id: string) => clients.get(id) ?? null });
    const login = await loginWeb(s.app, 'orders');
    clients.set('web', { ...f.clients.get('web')!, refreshTokenAbsoluteTTL: 100 });
    clock.ms += 150_000;
    // The stored token is live (14-day idle TTL), but its family is past the client's absolute lifetime.
    expect((await postAsWeb(s.app, '/introspect', { token: login.refresh_token! })).body).toEqual({ active: false });
    await expectInvalidGrant(s.app, login.refresh_token!);
  });

  it('a retry within refreshReuseGrace cannot outlive the family either', async () => {
    const clock = { ms: Date.now() };
    const s = await server(clock, { refreshTokenTTL: 60, refreshTokenAbsoluteTTL: 100, refreshReuseGrace: 10 });
    const t0 = Math.floor(clock.ms / 1000);
    const r0 = (await loginWeb(s.app, 'orders')).refresh_token!;
    clock.ms = (t0 + 50) * 1000;
    const r1 = await rotate(s.app, r0);
    clock.ms = (t0 + 95) * 1000;
    await rotate(s.app, r1);
    // Within the grace of r1's rotation (6 s), but past the family's end: no fresh access token.
    clock.ms = (t0 + 101) * 1000;
    await expectInvalidGrant(s.app, r1);
    expect(s.events.filter((e) => e.name === 'token.refreshed').map((e) => (e.payload as { retried?: boolean }).retried)).toEqual([undefined, undefined]);
  });
});

describeWithRedis('refresh-token family absolute lifetime (RedisStore)', () => {
  const prefix = uniquePrefix('absolute-lifetime');
  const client = redisClient();
  afterAll(async () => {
    await deletePrefix(client, prefix);
    await client.quit();
  });

  it('stores the successor only until the family ends, and refuses it from then on', async () => {
    const clock = { ms: Date.now() };
    const s = await server(clock, { refreshTokenTTL: 60, refreshTokenAbsoluteTTL: 100 }, new RedisStore({ client, prefix }));
    const t0 = Math.floor(clock.ms / 1000);
    const login = await loginWeb(s.app, 'orders');
    clock.ms = (t0 + 50) * 1000;
    const next = await rotate(s.app, login.refresh_token!);
    // Redis's clock is the wall clock (about t0): the record's expiry is the family's end, t0 + 100.
    const id = createHash('sha256').update(next).digest('base64url');
    const ttl = await client.ttl(`${prefix}rt:${id}`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(t0 + 100 - Math.floor(Date.now() / 1000));
    // Redis still holds it at the app's t0 + 100; the grant refuses it all the same.
    clock.ms = (t0 + 100) * 1000;
    await expectInvalidGrant(s.app, next);
  });
});

describe('refreshTokenAbsoluteTTL option', () => {
  it.each([[0], [-1], [1.5], ['100'], [Number.NaN]])('rejects %p', async (value) => {
    await expect(createServer({ refreshTokenAbsoluteTTL: value as number })).rejects.toThrow(
      expect.objectContaining({ code: 'ERR_EPG_INVALID_OPTION', message: 'options.refreshTokenAbsoluteTTL must be a positive integer' }),
    );
  });

  it('rejects a value below refreshTokenTTL', async () => {
    await expect(createServer({ refreshTokenTTL: 200, refreshTokenAbsoluteTTL: 100 })).rejects.toThrow(
      expect.objectContaining({
        code: 'ERR_EPG_INVALID_OPTION',
        message: 'options.refreshTokenAbsoluteTTL (100) must be at least options.refreshTokenTTL (200)',
      }),
    );
  });

  it('defaults to refreshTokenTTL when that is longer than 30 days, so the first token keeps its lifetime', async () => {
    const clock = { ms: Date.now() };
    const s = await server(clock, { refreshTokenTTL: 90 * DAY });
    const login = await loginWeb(s.app, 'orders');
    expect(await introspectedExp(s.app, login.refresh_token!)).toBe(Math.floor(clock.ms / 1000) + 90 * DAY);
  });
});

// __tests__/grants/refresh-reuse-grace.test.ts
// refreshReuseGrace: a retried refresh within the grace gets the same successor; outside it, reuse detection
// (RFC 9700 §4.14.2) stands. Run on MemoryStore, and on RedisStore when REDIS_URL is set.

import request from 'supertest';
import type Redis from 'ioredis';
import { ConfigError, MemoryStore, RedisStore, type TokenStore } from '../../lib';
import { basic, createServer, form, WEB_SECRET, type TestServer } from '../helpers/server';
import { deletePrefix, describeWithRedis, redisClient, uniquePrefix } from '../helpers/redis';

const GRACE = 10;

interface Clock {
  ms: number;
}

async function server(store: TokenStore, clock: Clock, overrides: Record<string, unknown> = {}): Promise<TestServer> {
  return createServer({ store, now: () => clock.ms, refreshReuseGrace: GRACE, ...overrides });
}

async function login(s: TestServer): Promise<string> {
  const res = await request(s.app)
    .post('/oauth2/token')
    .set('Authorization', basic('web', WEB_SECRET))
    .type('form')
    .send(form({ grant_type: 'password', username: 'alice', password: 'correct horse', scope: 'orders profile' }));
  expect(res.status).toBe(200);
  return res.body.refresh_token as string;
}

function refresh(s: TestServer, token: string, client: 'web' | 'cli' = 'web', extra: Record<string, string> = {}): request.Test {
  const req = request(s.app).post('/oauth2/token').type('form');
  if (client === 'web') {
    return req.set('Authorization', basic('web', WEB_SECRET)).send(form({ grant_type: 'refresh_token', refresh_token: token, ...extra }));
  }
  return req.send(form({ grant_type: 'refresh_token', refresh_token: token, client_id: 'cli', ...extra }));
}

function graceCases(makeStore: () => TokenStore | Promise<TokenStore>): void {
  let clock: Clock;
  beforeEach(() => {
    clock = { ms: Date.now() };
  });

  it('is off by default: a spent token presented again revokes its family', async () => {
    const s = await server(await makeStore(), clock, { refreshReuseGrace: undefined });
    const t0 = await login(s);
    const t1 = (await refresh(s, t0)).body.refresh_token as string;
    const again = await refresh(s, t0);
    expect(again.status).toBe(400);
    expect(again.body.error).toBe('invalid_grant');
    expect((await refresh(s, t1)).status).toBe(400);
    expect(s.events.map((e) => e.name)).toContain('refresh.reused');
  });

  it('within the grace, returns the same successor and a fresh access token, and the successor still works', async () => {
    const s = await server(await makeStore(), clock);
    const t0 = await login(s);
    const first = await refresh(s, t0);
    expect(first.status).toBe(200);
    clock.ms += (GRACE - 1) * 1000;
    const retry = await refresh(s, t0);
    expect(retry.status).toBe(200);
    expect(retry.body.refresh_token).toBe(first.body.refresh_token);
    expect(retry.body.access_token).not.toBe(first.body.access_token);
    expect(retry.headers['cache-control']).toBe('no-store');
    const me = await request(s.app).get('/api/me').set('Authorization', `Bearer ${retry.body.access_token}`);
    expect(me.status).toBe(200);
    const next = await refresh(s, first.body.refresh_token as string);
    expect(next.status).toBe(200);
    expect(s.events.map((e) => e.name)).not.toContain('refresh.reused');
    expect(s.events.filter((e) => e.name === 'token.refreshed').map((e) => (e.payload as { retried?: boolean }).retried)).toEqual([undefined, true, undefined]);
  });

  it('after the grace, reuse detection stands: invalid_grant and the family is revoked', async () => {
    const s = await server(await makeStore(), clock);
    const t0 = await login(s);
    const t1 = (await refresh(s, t0)).body.refresh_token as string;
    clock.ms += (GRACE + 1) * 1000;
    const late = await refresh(s, t0);
    expect(late.status).toBe(400);
    expect(late.body.error).toBe('invalid_grant');
    expect((await refresh(s, t1)).status).toBe(400);
    expect(s.events.map((e) => e.name)).toContain('refresh.reused');
  });

  it('once the successor has been used, the old token coming back is reuse even within the grace', async () => {
    const s = await server(await makeStore(), clock);
    const t0 = await login(s);
    const t1 = (await refresh(s, t0)).body.refresh_token as string;
    const t2 = (await refresh(s, t1)).body.refresh_token as string;
    expect((await refresh(s, t0)).status).toBe(400);
    expect((await refresh(s, t2)).status).toBe(400);
    expect(s.events.map((e) => e.name)).toContain('refresh.reused');
  });

  it('never hands the successor to another client', async () => {
    const s = await server(await makeStore(), clock);
    const t0 = await login(s);
    const t1 = (await refresh(s, t0)).body.refresh_token as string;
    const other = await refresh(s, t0, 'cli');
    expect(other.status).toBe(400);
    expect(other.body.error).toBe('invalid_grant');
    expect(JSON.stringify(other.body)).not.toContain(t1);
  });

  it('still narrows scope on a retry and never widens it', async () => {
    const s = await server(await makeStore(), clock);
    const t0 = await login(s);
    await refresh(s, t0);
    const narrowed = await refresh(s, t0, 'web', { scope: 'orders' });
    expect(narrowed.status).toBe(200);
    expect(narrowed.body.scope).toBe('orders');
    const wider = await refresh(s, t0, 'web', { scope: 'orders admin' });
    expect(wider.status).toBe(400);
    expect(wider.body.error).toBe('invalid_scope');
  });

  it('answers concurrent uses of one token with one successor, all of them 200', async () => {
    const s = await server(await makeStore(), clock);
    const t0 = await login(s);
    const results = await Promise.all(Array.from({ length: 20 }, () => refresh(s, t0)));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(new Set(results.map((r) => r.body.refresh_token)).size).toBe(1);
    expect(s.events.filter((e) => e.name === 'token.refreshed' && (e.payload as { retried?: boolean }).retried !== true)).toHaveLength(1);
  });

  it('gives the same successor on another instance sharing the store and the signing key', async () => {
    const store = await makeStore();
    const a = await server(store, clock);
    const b = await server(store, clock);
    const t0 = await login(a);
    const first = await refresh(a, t0);
    const retry = await refresh(b, t0);
    expect(retry.status).toBe(200);
    expect(retry.body.refresh_token).toBe(first.body.refresh_token);
  });

  it('treats a retry on an instance with a different refreshTokenSecret as reuse (the secret must be shared)', async () => {
    const store = await makeStore();
    const a = await server(store, clock, { refreshTokenSecret: 'a'.repeat(32) });
    const b = await server(store, clock, { refreshTokenSecret: 'b'.repeat(32) });
    const t0 = await login(a);
    const t1 = (await refresh(a, t0)).body.refresh_token as string;
    expect((await refresh(b, t0)).status).toBe(400);
    expect((await refresh(a, t1)).status).toBe(400);
  });
}

describe('refresh reuse grace on MemoryStore', () => {
  graceCases(() => new MemoryStore());
});

describeWithRedis('refresh reuse grace on RedisStore', () => {
  const prefix = uniquePrefix('grace');
  const clients: Redis[] = [];
  afterAll(async () => {
    await deletePrefix(clients[0] ?? redisClient(), prefix);
    await Promise.all(clients.map((c) => c.quit()));
  });
  graceCases(() => {
    const client = redisClient();
    clients.push(client);
    return new RedisStore({ client, prefix });
  });
});

describe('refreshReuseGrace options', () => {
  it.each([[-1], [1.5], [301], ['5'], [Number.NaN]])('rejects refreshReuseGrace %p', async (value) => {
    await expect(createServer({ refreshReuseGrace: value as number })).rejects.toThrow(
      expect.objectContaining({
        code: 'ERR_EPG_INVALID_OPTION',
        message: 'options.refreshReuseGrace must be an integer number of seconds from 0 (off) to 300',
      }),
    );
  });

  it('rejects a refreshTokenSecret shorter than 32 bytes', async () => {
    const attempt = createServer({ refreshTokenSecret: 'short' });
    await expect(attempt).rejects.toBeInstanceOf(ConfigError);
    await expect(attempt).rejects.toThrow(
      expect.objectContaining({ code: 'ERR_EPG_WEAK_KEY', message: 'options.refreshTokenSecret must be at least 32 bytes' }),
    );
  });
});

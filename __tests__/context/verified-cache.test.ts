// __tests__/context/verified-cache.test.ts
// The cache of verified access tokens: hits skip work, yet revocation, expiry, audience and the size bound still hold.

import passport from 'passport';
import request from 'supertest';
import { MemoryStore, type Revocation, type TokenStore } from '../../lib';
import { VerifiedTokenCache, type VerifiedToken } from '../../lib/context/verified-cache';
import { eventually } from '../helpers/eventually';
import { createServer, form, type TestServer } from '../helpers/server';

/** A real MemoryStore that counts revocation reads, optionally holding each read's answer until `gate` resolves. */
class CountingStore extends MemoryStore {
  reads = 0;
  gate: Promise<void> | undefined;
  readonly subscribers: Array<(revocation: Revocation | undefined) => void> = [];

  override async isAccessTokenRevoked(jti: string, familyId: string | undefined): Promise<boolean> {
    this.reads += 1;
    const answer = await super.isAccessTokenRevoked(jti, familyId);
    if (this.gate !== undefined) await this.gate;
    return answer;
  }

  override onRevocation(listener: (revocation: Revocation | undefined) => void): () => void {
    this.subscribers.push(listener);
    return super.onRevocation(listener);
  }
}

/** The same store seen without `onRevocation`, like a custom store that cannot broadcast. */
function withoutBroadcast(store: CountingStore): TokenStore {
  return new Proxy(store, { get: (target, prop, receiver) => (prop === 'onRevocation' ? undefined : Reflect.get(target, prop, receiver)) });
}

async function login(server: TestServer, username = 'alice', password = 'correct horse'): Promise<string> {
  const res = await request(server.app)
    .post('/oauth2/token')
    .type('form')
    .send(form({ grant_type: 'password', client_id: 'cli', username, password, scope: 'profile orders' }));
  expect(res.status).toBe(200);
  return res.body.access_token as string;
}

function claimsOf(token: string): { jti: string; sid: string; exp: number } {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
}

const me = (server: TestServer, token: string): request.Test => request(server.app).get('/api/me').set('Authorization', `Bearer ${token}`);

function expectInvalidToken(res: request.Response): void {
  expect(res.status).toBe(401);
  expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
}

describe('with a store that broadcasts revocations', () => {
  it('serves a repeated token without reading the store again', async () => {
    const store = new CountingStore();
    const server = await createServer({ store });
    const token = await login(server);
    expect((await me(server, token)).status).toBe(200);
    expect(store.reads).toBe(1);
    const again = await me(server, token);
    expect(again.status).toBe(200);
    expect(again.body.sub).toBe('u-alice');
    expect(store.reads).toBe(1);
  });

  it('rejects a cached token right after its jti is revoked', async () => {
    const store = new CountingStore();
    const server = await createServer({ store });
    const token = await login(server);
    const other = await login(server);
    expect((await me(server, token)).status).toBe(200);
    expect((await me(server, other)).status).toBe(200);
    const { jti, exp } = claimsOf(token);
    await store.revokeAccessToken(jti, exp);
    expectInvalidToken(await me(server, token));
    expect(server.events).toContainEqual({ name: 'token.rejected', payload: expect.objectContaining({ detail: 'token revoked' }) });
    // Only the revoked token left the cache.
    const reads = store.reads;
    expect((await me(server, other)).status).toBe(200);
    expect(store.reads).toBe(reads);
  });

  it('rejects a cached token right after its family (sid) is revoked', async () => {
    const store = new CountingStore();
    const server = await createServer({ store });
    const token = await login(server);
    expect((await me(server, token)).status).toBe(200);
    await store.revokeFamily(claimsOf(token).sid, 3600);
    expectInvalidToken(await me(server, token));
  });

  it('forgets every cached token when the store reports that revocations may have been missed', async () => {
    const store = new CountingStore();
    const server = await createServer({ store });
    const token = await login(server);
    expect((await me(server, token)).status).toBe(200);
    expect(store.reads).toBe(1);
    for (const listener of store.subscribers) listener(undefined);
    expect((await me(server, token)).status).toBe(200);
    expect(store.reads).toBe(2);
  });

  it('does not cache a verification whose store read straddled a revocation', async () => {
    const store = new CountingStore();
    const server = await createServer({ store });
    const token = await login(server);
    let open!: () => void;
    store.gate = new Promise((resolve) => (open = resolve));
    const inFlight = me(server, token).then((res) => res);
    await eventually(() => store.reads > 0, 'the revocation read to start', { intervalMs: 1 });
    // The read already answered "not revoked"; the revocation lands before that answer is used.
    const { jti, exp } = claimsOf(token);
    await store.revokeAccessToken(jti, exp);
    store.gate = undefined;
    open();
    expect((await inFlight).status).toBe(200);
    expectInvalidToken(await me(server, token));
  });

  it('still applies the audience of the route to a cached token', async () => {
    const server = await createServer({ store: new CountingStore() });
    server.app.get('/api/elsewhere', server.auth.requireToken({ audience: 'https://other.example.com' }), (_req, res) => {
      res.json({ ok: true });
    });
    const token = await login(server);
    expect((await me(server, token)).status).toBe(200);
    expectInvalidToken(await request(server.app).get('/api/elsewhere').set('Authorization', `Bearer ${token}`));
  });
});

describe('a cached token still meets every check of the route', () => {
  it('is refused a scope it lacks (403) after passing a route that did not need it', async () => {
    const server = await createServer({ store: new CountingStore() });
    server.app.get('/api/admin', server.auth.requireToken({ scope: 'admin' }), (_req, res) => res.json({ ok: true }));
    const token = await login(server);
    expect((await me(server, token)).status).toBe(200);
    const res = await request(server.app).get('/api/admin').set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(403);
    expect(res.headers['www-authenticate']).toContain('error="insufficient_scope"');
  });

  it('is served from the cache under any spelling of the scheme, and never for a neighbouring header', async () => {
    const store = new CountingStore();
    const server = await createServer({ store });
    const token = await login(server);
    expect((await me(server, token)).status).toBe(200);
    for (const header of [`bearer ${token}`, `BEARER  ${token}`, `Bearer ${token} `]) {
      const res = await request(server.app).get('/api/me').set('Authorization', header);
      expect(res.status).toBe(200);
      expect(res.body.sub).toBe('u-alice');
    }
    expect(store.reads).toBe(1);
    // A header that merely contains the cached token is not that token.
    for (const [header, status] of [
      [`Bearer ${token}x`, 401],
      [`Bearer x${token}`, 401],
      [`Bearer ${token},${token}`, 400],
    ] as const) {
      expect((await request(server.app).get('/api/me').set('Authorization', header)).status).toBe(status);
    }
  });

  it('gives the passport strategy the same hit: no store read, scopes still enforced', async () => {
    const store = new CountingStore();
    const server = await createServer({ store });
    const pp = new passport.Passport();
    pp.use(server.auth.strategy());
    server.app.get(
      '/api/p/:scope',
      (req, res, next) => pp.authenticate('oauth2-bearer', { session: false, scope: req.params.scope } as passport.AuthenticateOptions)(req, res, next),
      (req, res) => res.json({ sub: req.auth?.sub }),
    );
    const token = await login(server);
    const call = (scope: string) => request(server.app).get(`/api/p/${scope}`).set('Authorization', `Bearer ${token}`);
    expect((await call('orders')).body).toEqual({ sub: 'u-alice' });
    expect((await call('profile')).status).toBe(200);
    expect(store.reads).toBe(1);
    expect((await call('admin')).status).toBe(403);
  });
});

/** A store whose broadcasts never arrive (a pub/sub message lost while reconnecting). */
class LosingStore extends CountingStore {
  override onRevocation(): () => void {
    return () => undefined;
  }
}

describe('with a store whose broadcast was lost', () => {
  it('catches the revocation at the next periodic store check, 30 s after the last one', async () => {
    let clock = Date.UTC(2030, 0, 1);
    const store = new LosingStore({ now: () => clock });
    const server = await createServer({ store, now: () => clock });
    const token = await login(server);
    expect((await me(server, token)).status).toBe(200);
    const { jti, exp } = claimsOf(token);
    await store.revokeAccessToken(jti, exp);
    clock += 29_000;
    expect((await me(server, token)).status).toBe(200); // the documented worst case: the broadcast never came
    expect(store.reads).toBe(1);
    clock += 1_000;
    expectInvalidToken(await me(server, token));
    expect(store.reads).toBe(2);
  });
});

describe('with a store that cannot broadcast revocations', () => {
  it('reads the store on every request and rejects a cached token once revoked', async () => {
    const counting = new CountingStore();
    const server = await createServer({ store: withoutBroadcast(counting) });
    const token = await login(server);
    expect((await me(server, token)).status).toBe(200);
    expect((await me(server, token)).status).toBe(200);
    expect(counting.reads).toBe(2);
    const { jti, exp } = claimsOf(token);
    await counting.revokeAccessToken(jti, exp);
    expectInvalidToken(await me(server, token));
  });
});

describe('expiry', () => {
  it('rejects a cached token once its exp has passed (injected clock)', async () => {
    let clock = Date.UTC(2030, 0, 1);
    const server = await createServer({ store: new CountingStore(), now: () => clock, accessTokenTTL: 60 });
    const token = await login(server);
    expect((await me(server, token)).status).toBe(200);
    clock += 59_000;
    expect((await me(server, token)).status).toBe(200);
    clock += 10_000; // past exp and the 5 s clock tolerance
    expectInvalidToken(await me(server, token));
    expect(server.events).toContainEqual({ name: 'token.rejected', payload: expect.objectContaining({ detail: 'jwt expired' }) });
  });
});

describe('size bound', () => {
  it('evicts the least recently used token when full (second chance for a used one)', async () => {
    const store = new CountingStore();
    const server = await createServer({ store, tokenCacheSize: 2 });
    const [a, b, c] = [await login(server), await login(server), await login(server)];
    for (const token of [a, b, a, c]) expect((await me(server, token)).status).toBe(200);
    expect(store.reads).toBe(3); // a, b, c verified; the second a was a hit
    expect((await me(server, a)).status).toBe(200); // a was used after b, so b was evicted, not a
    expect(store.reads).toBe(3);
    expect((await me(server, b)).status).toBe(200);
    expect(store.reads).toBe(4);
  });

  it('never holds more than its maximum', () => {
    const cache = new VerifiedTokenCache(50, new MemoryStore());
    const entry = (i: number): VerifiedToken => ({
      token: `token-${i}`,
      claims: {},
      sub: 'u',
      clientId: 'c',
      aud: 'a',
      jkt: undefined,
      scope: [],
      jti: `j${i}`,
      sid: 's',
      expiresAtMs: Date.now() + 60_000,
      checkedAtMs: Date.now(),
    });
    for (let i = 0; i < 500; i += 1) {
      cache.set(entry(i), cache.epoch);
      expect(cache.size).toBeLessThanOrEqual(50);
    }
    expect(cache.get('token-499', Date.now())).toBeDefined();
    expect(cache.get('token-0', Date.now())).toBeUndefined();
  });

  it('needs the whole token to match, not just the tail it is filed under', () => {
    const cache = new VerifiedTokenCache(10, new MemoryStore());
    const tail = 'T'.repeat(43);
    const verified = `header.payload-one.${tail}`;
    cache.set(
      {
        token: verified,
        claims: {},
        sub: 'u',
        clientId: 'c',
        aud: 'a',
        jkt: undefined,
        scope: [],
        jti: 'j',
        sid: 's',
        expiresAtMs: Date.now() + 60_000,
        checkedAtMs: Date.now(),
      },
      cache.epoch,
    );
    expect(cache.get(`header.payload-two.${tail}`, Date.now())).toBeUndefined();
    expect(cache.get(`${verified}`, Date.now())?.token).toBe(verified);
  });

  it('turns off with tokenCacheSize 0', async () => {
    const store = new CountingStore();
    const server = await createServer({ store, tokenCacheSize: 0 });
    const token = await login(server);
    expect((await me(server, token)).status).toBe(200);
    expect((await me(server, token)).status).toBe(200);
    expect(store.reads).toBe(2);
  });

  it.each([-1, 1.5, '10', null])('rejects tokenCacheSize %p at construction', async (value) => {
    await expect(createServer({ tokenCacheSize: value as number })).rejects.toMatchObject({
      code: 'ERR_EPG_INVALID_OPTION',
      message: 'options.tokenCacheSize must be a positive integer',
    });
  });
});

// RFC 6749 §4.3 (password grant), §5.1 (successful response), §3.3 (scope); RFC 9068 (JWT access tokens);
// OpenID Connect Core §2 (id_token) and §5.4 (claims by scope).
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { MemoryStore } from '../../lib';
import { AUDIENCE, basic, createServer, form, ISSUER, WEB_SECRET } from '../helpers/server';
import { rsaKeyPair } from '../helpers/keys';

const alice = { grant_type: 'password', username: 'alice', password: 'correct horse' };

function post(app: Parameters<typeof request>[0], params: Record<string, string>, auth = basic('web', WEB_SECRET)) {
  return request(app).post('/oauth2/token').set('Authorization', auth).type('form').send(form(params));
}

function verified(token: string): { header: jwt.JwtHeader; payload: jwt.JwtPayload } {
  const decoded = jwt.verify(token, rsaKeyPair().publicKey, { algorithms: ['RS256'], complete: true });
  return { header: decoded.header, payload: decoded.payload as jwt.JwtPayload };
}

describe('password grant', () => {
  it('answers RFC 6749 §5.1: JSON, no-store, Bearer, numeric expires_in, granted scope, refresh and id tokens', async () => {
    const { app } = await createServer();
    const res = await post(app, { ...alice, scope: 'openid profile orders' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers.pragma).toBe('no-cache');
    expect(res.body).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 3600,
      scope: 'openid profile orders',
      refresh_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      id_token: expect.any(String),
    });
  });

  it('issues an RFC 9068 access token: typ at+jwt, kid, and the required claims', async () => {
    const { app } = await createServer();
    const before = Math.floor(Date.now() / 1000);
    const res = await post(app, { ...alice, scope: 'orders' });
    const { header, payload } = verified(res.body.access_token);
    expect(header).toMatchObject({ typ: 'at+jwt', kid: 'k1', alg: 'RS256' });
    expect(payload).toMatchObject({ iss: ISSUER, sub: 'u-alice', aud: AUDIENCE, client_id: 'web', scope: 'orders' });
    expect(payload.jti).toEqual(expect.any(String));
    expect(payload.iat).toBeGreaterThanOrEqual(before);
    expect(payload.exp).toBe((payload.iat as number) + 3600);
    expect(payload.auth_time).toBe(payload.iat);
  });

  it('issues an OpenID id_token with aud = client, auth_time, at_hash and only the claims the scopes release', async () => {
    const { app } = await createServer();
    const res = await post(app, { ...alice, scope: 'openid profile' });
    const { header, payload } = verified(res.body.id_token);
    expect(header).toMatchObject({ kid: 'k1', typ: 'JWT' });
    expect(payload).toMatchObject({ iss: ISSUER, sub: 'u-alice', aud: 'web', name: 'Alice Liddell' });
    expect(payload.auth_time).toEqual(expect.any(Number));
    expect(payload.at_hash).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(payload.email).toBeUndefined();
    expect(payload.phone_number).toBeUndefined();
    const withEmail = verified((await post(app, { ...alice, scope: 'openid email' })).body.id_token).payload;
    expect(withEmail).toMatchObject({ email: 'alice@example.com', email_verified: true });
    expect(withEmail.name).toBeUndefined();
  });

  it('omits the id_token without openid', async () => {
    const { app } = await createServer();
    const res = await post(app, { ...alice, scope: 'profile' });
    expect(res.body.id_token).toBeUndefined();
  });

  it('gives the same invalid_grant for an unknown user and a wrong password, with the reason only in the event', async () => {
    const { app, events } = await createServer();
    const unknown = await post(app, { ...alice, username: 'mallory' });
    const wrong = await post(app, { ...alice, password: 'wrong' });
    for (const res of [unknown, wrong]) {
      expect(res.status).toBe(400);
      expect(res.headers['cache-control']).toBe('no-store');
    }
    expect(unknown.body).toEqual(wrong.body);
    expect(unknown.body).toEqual({ error: 'invalid_grant', error_description: expect.any(String) });
    const reasons = events.filter((e) => e.name === 'login.failed').map((e) => (e.payload as { reason: string }).reason);
    expect(reasons).toEqual(['unknown_user', 'bad_password']);
  });

  it('answers a throwing verifyUser with 500 server_error, no internals, and an error event', async () => {
    const { app, events } = await createServer({
      verifyUser: async () => {
        throw new Error('connection to users-db refused');
      },
    });
    const res = await post(app, alice);
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: 'server_error', error_description: 'The server encountered an unexpected condition' });
    expect(res.text).not.toContain('users-db');
    const error = events.find((e) => e.name === 'error')?.payload as { detail: string; cause: Error };
    expect(error.detail).toBe('verifyUser failed');
    expect(error.cause.message).toBe('connection to users-db refused');
  });

  it('answers a verifyUser returning a user without id with server_error', async () => {
    const { app } = await createServer({ verifyUser: () => ({ name: 'x' }) as never });
    const res = await post(app, alice);
    expect(res.status).toBe(500);
    expect(res.body.error).toBe('server_error');
  });

  it('accepts a synchronous verifyUser', async () => {
    const { app } = await createServer({ verifyUser: (u) => (u === 'alice' ? { id: 'sync-alice' } : null) });
    const res = await post(app, { ...alice, scope: 'orders' });
    expect(verified(res.body.access_token).payload.sub).toBe('sync-alice');
  });

  it('passes the client, the requested scope and the request to verifyUser', async () => {
    let seen: unknown;
    const { app } = await createServer({
      verifyUser: (_u, _p, ctx) => {
        seen = { client: ctx.client.id, scope: ctx.scope, path: ctx.req.originalUrl };
        return { id: 'x' };
      },
    });
    await post(app, { ...alice, scope: 'orders profile' });
    expect(seen).toEqual({ client: 'web', scope: ['orders', 'profile'], path: '/oauth2/token' });
  });

  describe('scope', () => {
    it('rejects a scope outside the client registration with invalid_scope, before checking the user', async () => {
      const { app } = await createServer({
        verifyUser: () => {
          throw new Error('must not be called');
        },
      });
      const res = await post(app, { ...alice, scope: 'orders billing' });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_scope');
    });

    it('names the rejected scope in a scope.rejected event (never on the wire)', async () => {
      const { app, auth } = await createServer();
      const rejected: unknown[] = [];
      auth.on('scope.rejected', (e) => rejected.push(e));
      const res = await post(app, { ...alice, scope: 'orders billing payroll' });
      expect(res.body).toEqual({ error: 'invalid_scope', error_description: expect.not.stringContaining('billing') });
      expect(rejected).toEqual([
        { clientId: 'web', ip: expect.any(String), grantType: 'password', scope: ['billing', 'payroll'], detail: 'client may not request: billing payroll' },
      ]);
    });

    it('rejects characters RFC 6749 §3.3 forbids, naming the bad tokens in the event', async () => {
      const { app, auth } = await createServer();
      const rejected: unknown[] = [];
      auth.on('scope.rejected', (e) => rejected.push(e));
      const res = await post(app, { ...alice, scope: 'orders "quoted"' });
      expect(res.body.error).toBe('invalid_scope');
      expect(rejected).toEqual([
        expect.objectContaining({ grantType: 'password', scope: ['"quoted"'], detail: 'scope has characters outside RFC 6749 §3.3: "quoted"' }),
      ]);
    });

    it("drops scopes the user lacks and says so in the response's scope", async () => {
      const { app } = await createServer();
      const res = await post(app, { grant_type: 'password', username: 'bob', password: 'hunter2', scope: 'openid orders admin' });
      expect(res.status).toBe(200);
      expect(res.body.scope).toBe('openid orders');
      expect(verified(res.body.access_token).payload.scope).toBe('openid orders');
    });

    it("grants the client's default scope when none is requested", async () => {
      const { app } = await createServer();
      const res = await post(app, alice);
      expect(res.body.scope).toBe('orders');
    });

    it('treats repeated spaces and duplicate scopes leniently', async () => {
      const { app } = await createServer();
      const res = await post(app, { ...alice, scope: 'orders  profile orders' });
      expect(res.body.scope).toBe('orders profile');
    });
  });

  describe('refresh token issuance', () => {
    it('issues none to a client without the refresh_token grant', async () => {
      const { app } = await createServer();
      const res = await request(app)
        .post('/oauth2/token')
        .type('form')
        .send(form({ ...alice, client_id: 'norefresh' }));
      expect(res.status).toBe(200);
      expect(res.body.refresh_token).toBeUndefined();
    });

    it('with requireOfflineAccess, issues one only when offline_access is granted (as Oracle IAM)', async () => {
      const { app } = await createServer({ requireOfflineAccess: true });
      expect((await post(app, { ...alice, scope: 'orders' })).body.refresh_token).toBeUndefined();
      const res = await post(app, { ...alice, scope: 'orders offline_access' });
      expect(res.body.refresh_token).toEqual(expect.any(String));
    });

    it('stores only a hash of the refresh token', async () => {
      const store = new MemoryStore();
      const { app } = await createServer({ store });
      const res = await post(app, alice);
      expect(await store.findRefreshToken(res.body.refresh_token)).toBeUndefined();
      const { createHash } = await import('node:crypto');
      const id = createHash('sha256').update(res.body.refresh_token).digest('base64url');
      expect(await store.findRefreshToken(id)).toMatchObject({ clientId: 'web', sub: 'u-alice', scope: ['orders'] });
    });
  });

  it('honours per-client TTLs and audience', async () => {
    const { fixture } = await createServer();
    const cli = fixture.clients.get('cli')!;
    const { app } = await createServer({
      findClient: (id) => (id === 'cli' ? { ...cli, accessTokenTTL: 60, audience: ['https://a.example', 'https://b.example'] } : null),
    });
    const res = await request(app)
      .post('/oauth2/token')
      .type('form')
      .send(form({ ...alice, client_id: 'cli', scope: 'orders' }));
    expect(res.body.expires_in).toBe(60);
    expect(verified(res.body.access_token).payload.aud).toEqual(['https://a.example', 'https://b.example']);
  });

  describe('enrichToken hook', () => {
    it('adds claims and response members but never overrides standard ones', async () => {
      const { app } = await createServer({
        enrichToken: ({ user, grantType }) => ({
          accessTokenClaims: { tenant: 'acme', sub: 'evil', scope: 'admin', grant: grantType, uid: user?.id },
          response: { tenant: 'acme', access_token: 'evil', token_type: 'mac' },
        }),
      });
      const res = await post(app, { ...alice, scope: 'orders' });
      expect(res.body.tenant).toBe('acme');
      expect(res.body.token_type).toBe('Bearer');
      const { payload } = verified(res.body.access_token);
      expect(payload).toMatchObject({ tenant: 'acme', sub: 'u-alice', scope: 'orders', grant: 'password', uid: 'u-alice' });
      const refreshed = await post(app, { grant_type: 'refresh_token', refresh_token: res.body.refresh_token });
      expect(verified(refreshed.body.access_token).payload).toMatchObject({ tenant: 'acme', grant: 'refresh_token', sub: 'u-alice' });
    });

    it('answers a throwing hook with server_error', async () => {
      const { app } = await createServer({
        enrichToken: () => {
          throw new Error('boom');
        },
      });
      const res = await post(app, alice);
      expect(res.status).toBe(500);
      expect(res.body.error).toBe('server_error');
    });
  });

  it('answers 503 temporarily_unavailable with an error event when the store cannot save', async () => {
    const failing = new MemoryStore();
    // A login is one write: its session with its first refresh token (saveRefreshToken for a store without sessions).
    failing.saveSession = async () => {
      throw new Error('store down');
    };
    const { app, events } = await createServer({ store: failing });
    const res = await post(app, alice);
    expect(res.status).toBe(503);
    expect(res.body.error).toBe('temporarily_unavailable');
    expect(res.headers['retry-after']).toBe('1');
    expect(events.some((e) => e.name === 'error')).toBe(true);
  });

  it('emits login.succeeded and token.issued with ids, never secrets', async () => {
    const { app, events } = await createServer();
    const res = await post(app, { ...alice, scope: 'openid orders' });
    const issued = events.find((e) => e.name === 'token.issued')?.payload as Record<string, unknown>;
    expect(issued).toMatchObject({ clientId: 'web', userId: 'u-alice', grantType: 'password', refreshToken: true, idToken: true });
    expect(issued.jti).toBe(verified(res.body.access_token).payload.jti);
    expect(events.find((e) => e.name === 'login.succeeded')?.payload).toMatchObject({ clientId: 'web', userId: 'u-alice', username: 'alice' });
    const everything = JSON.stringify(events);
    for (const secret of ['correct horse', WEB_SECRET, res.body.access_token, res.body.refresh_token]) {
      expect(everything).not.toContain(secret);
    }
  });
});

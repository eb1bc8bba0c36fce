// RFC 6750 §2.1 (Authorization: Bearer), §3 and §3.1 (WWW-Authenticate, invalid_request 400, invalid_token 401,
// insufficient_scope 403); RFC 9068 §4 (validation: typ, iss, aud, exp, signature with the expected algorithm).
import { generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import passport from 'passport';
import express from 'express';
import request from 'supertest';
import { isOAuthError, MemoryStore } from '../../lib';
import { AUDIENCE, basic, createServer, form, ISSUER, WEB_SECRET } from '../helpers/server';
import { rsaKeyPair } from '../helpers/keys';

const REALM = `Bearer realm="${ISSUER}"`;

async function tokenFor(app: Parameters<typeof request>[0], scope = 'profile orders'): Promise<string> {
  const res = await request(app)
    .post('/oauth2/token')
    .set('Authorization', basic('web', WEB_SECRET))
    .type('form')
    .send(form({ grant_type: 'password', username: 'alice', password: 'correct horse', scope }));
  return res.body.access_token;
}

/** A token with the given changes, signed by `key` (default: the server's own key). */
function forge(
  claims: Record<string, unknown>,
  header: Record<string, unknown> = {},
  key: jwt.Secret = rsaKeyPair().privateKey,
  alg: jwt.Algorithm = 'RS256',
): string {
  const now = Math.floor(Date.now() / 1000);
  const payload = {
    iss: ISSUER,
    sub: 'u-alice',
    aud: AUDIENCE,
    client_id: 'web',
    scope: 'profile orders',
    jti: 'j-' + Math.random(),
    iat: now,
    exp: now + 600,
    ...claims,
  };
  for (const k of Object.keys(payload)) if (payload[k as keyof typeof payload] === undefined) delete payload[k as keyof typeof payload];
  return jwt.sign(payload, key, { algorithm: alg, header: { alg, typ: 'at+jwt', kid: 'k1', ...header } });
}

describe('requireToken', () => {
  it('lets a valid token through and sets req.auth', async () => {
    const { app } = await createServer();
    const token = await tokenFor(app);
    const res = await request(app).get('/api/me').set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ sub: 'u-alice', clientId: 'web', scope: ['profile', 'orders'], token });
    expect(res.body.claims).toMatchObject({ iss: ISSUER, client_id: 'web' });
    // req.auth.sid names the login, for "sign out everywhere else" (docs/sessions.md).
    expect(typeof res.body.sid).toBe('string');
    expect(res.body.sid).toBe(res.body.claims.sid);
  });

  it('accepts a forged-looking but correctly signed token (control for the forgery table)', async () => {
    const { app } = await createServer();
    expect(
      (
        await request(app)
          .get('/api/me')
          .set('Authorization', `Bearer ${forge({})}`)
      ).status,
    ).toBe(200);
  });

  it('answers a missing token with 401 and a bare challenge (no error code, RFC 6750 §3.1)', async () => {
    const { app } = await createServer();
    const res = await request(app).get('/api/me');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe(REALM);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
  });

  it('judges a cached token against each route its own audience, whichever route saw it first', async () => {
    const { app, auth } = await createServer();
    const audiences = ['https://other.example', AUDIENCE];
    app.get('/api/multi', auth.requireToken({ audience: audiences }), (_req, res) => void res.json({}));
    app.get('/api/other', auth.requireToken({ audience: 'https://other.example' }), (_req, res) => void res.json({}));
    const token = await tokenFor(app);
    const get = (path: string) => request(app).get(path).set('Authorization', `Bearer ${token}`);
    for (let i = 0; i < 2; i += 1) {
      expect((await get('/api/me')).status).toBe(200);
      expect((await get('/api/multi')).status).toBe(200);
      const other = await get('/api/other');
      expect(other.status).toBe(401);
      expect(other.headers['www-authenticate']).toContain('error="invalid_token"');
    }
    // The app narrows its list in place: the cached token is judged against the list as it is now.
    audiences.pop();
    expect((await get('/api/multi')).status).toBe(401);
  });

  it('treats another scheme as no token', async () => {
    const { app } = await createServer();
    const res = await request(app).get('/api/me').set('Authorization', basic('web', WEB_SECRET));
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe(REALM);
  });

  it.each([
    ['an empty Bearer', 'Bearer '],
    ['a token with spaces', 'Bearer abc def'],
    ['a token with illegal characters', 'Bearer abc"def'],
  ])('answers %s with 400 invalid_request', async (_n, header) => {
    const { app } = await createServer();
    const res = await request(app).get('/api/me').set('Authorization', header);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
    expect(res.headers['www-authenticate']).toContain('error="invalid_request"');
  });

  const { privateKey: otherKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const publicPem = rsaKeyPair().publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const none = (payload: Record<string, unknown>) =>
    `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt', kid: 'k1' })).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.`;
  const now = Math.floor(Date.now() / 1000);

  it.each([
    ['garbage', 'not.a.jwt'],
    ['an expired token', forge({ exp: now - 60, iat: now - 120 })],
    ['a token not yet valid', forge({ nbf: now + 600 })],
    ['a wrong issuer', forge({ iss: 'https://evil.example.com' })],
    ['an issuer with a trailing slash', forge({ iss: `${ISSUER}/` })],
    ['a wrong audience', forge({ aud: 'https://other-api.example.com' })],
    ['typ JWT instead of at+jwt (an id_token replayed as access token)', forge({}, { typ: 'JWT' })],
    ['no typ', forge({}, { typ: undefined })],
    ['a signature by another key', forge({}, {}, otherKey)],
    ['an unknown kid', forge({}, { kid: 'k9' })],
    ['alg none', none({ iss: ISSUER, sub: 'u-alice', aud: AUDIENCE, client_id: 'web', scope: 'profile', jti: 'x', exp: now + 60 })],
    ['HS256 signed with the public key (alg confusion)', forge({}, {}, publicPem, 'HS256')],
    ['a token without sub', forge({ sub: undefined })],
    ['a token without client_id', forge({ client_id: undefined })],
    ['a token without jti', forge({ jti: undefined })],
    [
      'a tampered payload',
      (() => {
        const [h, , s] = forge({}).split('.');
        const p = Buffer.from(
          JSON.stringify({ iss: ISSUER, sub: 'u-admin', aud: AUDIENCE, client_id: 'web', scope: 'profile admin', jti: 'x', exp: now + 60 }),
        ).toString('base64url');
        return `${h}.${p}.${s}`;
      })(),
    ],
  ])('rejects %s with 401 invalid_token', async (_n, token) => {
    const { app } = await createServer();
    const res = await request(app).get('/api/me').set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_token');
    expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="https:\/\/auth\.example\.com", error="invalid_token", error_description="[^"]+"$/);
  });

  it('accepts small clock skew within clockTolerance', async () => {
    const { app } = await createServer({ clockTolerance: 30 });
    const res = await request(app)
      .get('/api/me')
      .set('Authorization', `Bearer ${forge({ exp: now - 10, iat: now - 100 })}`);
    expect(res.status).toBe(200);
  });

  it('answers a missing scope with 403 insufficient_scope naming the required scope', async () => {
    const { app } = await createServer();
    const token = await tokenFor(app, 'orders');
    const res = await request(app).get('/api/me').set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(403);
    expect(res.body.error).toBe('insufficient_scope');
    expect(res.headers['www-authenticate']).toContain('error="insufficient_scope"');
    expect(res.headers['www-authenticate']).toContain('scope="profile"');
  });

  it('requires every scope of a list', async () => {
    const { auth, app: base } = await createServer();
    const app = express();
    app.get('/both', auth.requireToken({ scope: ['orders', 'admin'] }), (_req, res) => {
      res.json({ ok: true });
    });
    const res = await request(app)
      .get('/both')
      .set('Authorization', `Bearer ${await tokenFor(base, 'orders')}`);
    expect(res.status).toBe(403);
    expect(res.headers['www-authenticate']).toContain('scope="orders admin"');
  });

  it('fails closed with 503 when the revocation check cannot reach the store', async () => {
    const store = new MemoryStore();
    const { app, events } = await createServer({ store });
    const token = await tokenFor(app);
    store.isAccessTokenRevoked = async () => {
      throw new Error('redis down');
    };
    const res = await request(app).get('/api/me').set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(503);
    expect(res.body.error).toBe('temporarily_unavailable');
    expect(events.some((e) => e.name === 'error')).toBe(true);
  });

  it('skips the store when checkRevocation is off', async () => {
    const store = new MemoryStore();
    const { app } = await createServer({ store, checkRevocation: false });
    const token = await tokenFor(app);
    store.isAccessTokenRevoked = async () => {
      throw new Error('must not be called');
    };
    expect((await request(app).get('/api/me').set('Authorization', `Bearer ${token}`)).status).toBe(200);
  });

  it('accepts tokens signed by an older key still in the ring, and signs new ones with the first', async () => {
    const old = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const { app: oldServer } = await createServer({ signingKeys: { kid: 'old', alg: 'RS256', key: old } });
    const oldToken = await tokenFor(oldServer);
    const { app } = await createServer({
      signingKeys: [
        { kid: 'k1', alg: 'RS256', key: rsaKeyPair().privateKey },
        { kid: 'old', alg: 'RS256', key: old },
      ],
    });
    expect((await request(app).get('/api/me').set('Authorization', `Bearer ${oldToken}`)).status).toBe(200);
    expect(jwt.decode(await tokenFor(app), { complete: true })?.header.kid).toBe('k1');
  });

  it('works with ES256 and HS256 keys', async () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    for (const signingKeys of [
      { kid: 'e', alg: 'ES256' as const, key: ec },
      { kid: 'h', alg: 'HS256' as const, key: 'k'.repeat(48) },
    ]) {
      const { app } = await createServer({ signingKeys });
      const res = await request(app)
        .get('/api/me')
        .set('Authorization', `Bearer ${await tokenFor(app)}`);
      expect(res.status).toBe(200);
    }
  });
});

describe('verifyAccessToken', () => {
  it('returns the auth info for a good token and rejects a bad one with an OAuthError', async () => {
    const { app, auth } = await createServer();
    const token = await tokenFor(app);
    await expect(auth.verifyAccessToken(token)).resolves.toMatchObject({ sub: 'u-alice', clientId: 'web' });
    const err = await auth.verifyAccessToken('x.y.z').catch((e: unknown) => e);
    expect(isOAuthError(err)).toBe(true);
    expect(err).toMatchObject({ error: 'invalid_token', status: 401 });
  });

  it('accepts an explicit audience', async () => {
    const { app, auth } = await createServer();
    const token = await tokenFor(app);
    await expect(auth.verifyAccessToken(token, { audience: 'https://elsewhere.example' })).rejects.toMatchObject({ error: 'invalid_token' });
  });
});

describe('passport strategy oauth2-bearer', () => {
  async function passportApp() {
    const server = await createServer();
    const app = express();
    const pp = new passport.Passport();
    pp.use(server.auth.strategy());
    app.use(pp.initialize());
    app.get('/api/orders', pp.authenticate('oauth2-bearer', { session: false, scope: 'orders' } as passport.AuthenticateOptions), (req, res) => {
      res.json({ user: req.user, auth: req.auth });
    });
    app.use((err: { status?: number; error?: string }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      void _next;
      res.status(err.status ?? 500).json({ error: err.error ?? 'server_error' });
    });
    return { ...server, app, base: server.app };
  }

  it('is named oauth2-bearer and authenticates a valid token', async () => {
    const { app, base, auth } = await passportApp();
    expect(auth.strategy().name).toBe('oauth2-bearer');
    const res = await request(app)
      .get('/api/orders')
      .set('Authorization', `Bearer ${await tokenFor(base)}`);
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ sub: 'u-alice', clientId: 'web' });
    expect(res.body.auth.sub).toBe('u-alice');
  });

  it('fails with 401 and a challenge for a missing or invalid token', async () => {
    const { app } = await passportApp();
    const missing = await request(app).get('/api/orders');
    expect(missing.status).toBe(401);
    expect(missing.headers['www-authenticate']).toBe(REALM);
    const invalid = await request(app).get('/api/orders').set('Authorization', 'Bearer nope.nope.nope');
    expect(invalid.status).toBe(401);
    expect(invalid.headers['www-authenticate']).toContain('error="invalid_token"');
  });

  it('fails with 403 insufficient_scope', async () => {
    const { app, base } = await passportApp();
    const res = await request(app)
      .get('/api/orders')
      .set('Authorization', `Bearer ${await tokenFor(base, 'profile')}`);
    expect(res.status).toBe(403);
    expect(res.headers['www-authenticate']).toContain('scope="orders"');
  });

  it('applies each route its own scope, the strategy defaults, and an options object changed between requests', async () => {
    const server = await createServer();
    const app = express();
    const pp = new passport.Passport();
    pp.use(server.auth.strategy({ scope: 'admin' }));
    const orders = { session: false, scope: 'orders' };
    const ok = (req: express.Request, res: express.Response) => void res.json({ info: req.authInfo });
    app.get('/orders', pp.authenticate('oauth2-bearer', orders), ok);
    app.get('/profile', pp.authenticate('oauth2-bearer', { session: false, scope: ['profile'] } as passport.AuthenticateOptions), ok);
    app.get('/default', pp.authenticate('oauth2-bearer', { session: false }), ok);
    const token = await tokenFor(server.app, 'orders');
    const get = (path: string) => request(app).get(path).set('Authorization', `Bearer ${token}`);
    // Twice each: the second request takes the cached-token path.
    for (let i = 0; i < 2; i += 1) {
      expect(await get('/orders')).toMatchObject({ status: 200, body: { info: { scope: 'orders' } } });
      expect((await get('/profile')).headers['www-authenticate']).toContain('scope="profile"');
      expect((await get('/default')).headers['www-authenticate']).toContain('scope="admin"');
    }
    orders.scope = 'orders profile';
    const changed = await get('/orders');
    expect(changed.status).toBe(403);
    expect(changed.headers['www-authenticate']).toContain('scope="orders profile"');
    // A list changed in place is seen too.
    const list = { session: false, scope: ['orders'] };
    app.get('/list', pp.authenticate('oauth2-bearer', list as passport.AuthenticateOptions), ok);
    expect((await get('/list')).status).toBe(200);
    list.scope.push('admin');
    expect((await get('/list')).headers['www-authenticate']).toContain('scope="orders admin"');
  });

  it('passes a store outage to the error path as 503', async () => {
    const store = new MemoryStore();
    const server = await createServer({ store });
    const token = await tokenFor(server.app);
    const app = express();
    const pp = new passport.Passport();
    pp.use(server.auth.strategy());
    app.get('/x', pp.authenticate('oauth2-bearer', { session: false }), (_req, res) => {
      res.json({});
    });
    app.use((err: { status?: number; error?: string }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      void _next;
      res.status(err.status ?? 500).json({ error: err.error });
    });
    store.isAccessTokenRevoked = async () => {
      throw new Error('down');
    };
    const res = await request(app).get('/x').set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(503);
    expect(res.body.error).toBe('temporarily_unavailable');
  });
});

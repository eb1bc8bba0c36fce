// OIDC Core §5.3: "The UserInfo Endpoint is an OAuth 2.0 Protected Resource that returns Claims about the
// authenticated End-User." §5.3.1: GET or POST with the access token as a Bearer token (RFC 6750). §5.3.2: "The sub
// (subject) Claim MUST always be returned in the UserInfo Response." §5.3.3: errors per RFC 6750 §3.
import request from 'supertest';
import { createServer, loadFixture, type Fixture } from '../helpers/server';
import { loginCli, loginWeb } from '../helpers/login';
import type { FindUser, PasswordGrantOptions } from '../../lib';

function findUserFrom(f: Fixture): FindUser {
  return (sub) => {
    for (const [username, row] of f.users) {
      if (row.id === sub) return { id: row.id, claims: row.claims, username };
    }
    return null;
  };
}

async function serverWithUserinfo(overrides: Partial<PasswordGrantOptions> = {}) {
  const f = await loadFixture();
  return createServer({ findUser: findUserFrom(f), ...overrides });
}

describe('GET|POST /userinfo', () => {
  it('returns sub and the claims the granted scopes allow, no-store JSON', async () => {
    const { app } = await serverWithUserinfo();
    const tokens = await loginWeb(app, 'openid email');
    const res = await request(app).get('/oauth2/userinfo').set('Authorization', `Bearer ${tokens.access_token}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['cache-control']).toBe('no-store');
    // profile was not granted: no name; phone not granted: no phone_number.
    expect(res.body).toEqual({ sub: 'u-alice', email: 'alice@example.com', email_verified: true });
  });

  it('supports CORS (OIDC Core §5.3: "SHOULD support ... CORS"): preflight, answers and errors readable from any origin', async () => {
    const { app } = await serverWithUserinfo();
    const preflight = await request(app)
      .options('/oauth2/userinfo')
      .set('Origin', 'https://spa.example.net')
      .set('Access-Control-Request-Method', 'GET')
      .set('Access-Control-Request-Headers', 'authorization');
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('*');
    expect(preflight.headers['access-control-allow-methods']).toBe('GET, POST');
    expect(preflight.headers['access-control-allow-headers']).toBe('Authorization, DPoP, Content-Type');
    expect(preflight.headers['access-control-allow-credentials']).toBeUndefined();
    const tokens = await loginWeb(app, 'openid email');
    const ok = await request(app).get('/oauth2/userinfo').set('Origin', 'https://spa.example.net').set('Authorization', `Bearer ${tokens.access_token}`);
    expect(ok.status).toBe(200);
    expect(ok.headers['access-control-allow-origin']).toBe('*');
    const denied = await request(app).get('/oauth2/userinfo').set('Origin', 'https://spa.example.net');
    expect(denied.status).toBe(401);
    expect(denied.headers['access-control-allow-origin']).toBe('*');
    expect(denied.headers['access-control-expose-headers']).toBe('WWW-Authenticate, DPoP-Nonce');
    // The token endpoint itself stays closed to cross-origin pages.
    const token = await request(app).options('/oauth2/token').set('Origin', 'https://spa.example.net').set('Access-Control-Request-Method', 'POST');
    expect(token.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('answers POST like GET (OIDC Core §5.3.1)', async () => {
    const { app } = await serverWithUserinfo();
    const tokens = await loginWeb(app, 'openid profile');
    const res = await request(app).post('/oauth2/userinfo').set('Authorization', `Bearer ${tokens.access_token}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ sub: 'u-alice', name: 'Alice Liddell' });
  });

  it("uses the user's current claims and never lets a claim override sub", async () => {
    let name = 'Alice Liddell';
    const { app } = await createServer({ findUser: (sub) => ({ id: sub, claims: { name, sub: 'someone-else' } }) });
    const tokens = await loginWeb(app, 'openid profile');
    name = 'Alice Pleasance Liddell';
    const res = await request(app).get('/oauth2/userinfo').set('Authorization', `Bearer ${tokens.access_token}`);
    expect(res.body).toEqual({ sub: 'u-alice', name: 'Alice Pleasance Liddell' });
  });

  it('answers 403 insufficient_scope with an RFC 6750 challenge for a token without openid', async () => {
    const { app } = await serverWithUserinfo();
    const tokens = await loginWeb(app, 'profile orders');
    const res = await request(app).get('/oauth2/userinfo').set('Authorization', `Bearer ${tokens.access_token}`);
    expect(res.status).toBe(403);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body.error).toBe('insufficient_scope');
    expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="[^"]+", error="insufficient_scope", .*scope="openid"/);
  });

  it('answers 401 with a bare Bearer challenge when no token is sent', async () => {
    const { app } = await serverWithUserinfo();
    const res = await request(app).get('/oauth2/userinfo');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="https://auth.example.com"');
    expect(res.headers['content-type']).toMatch(/^application\/json/);
  });

  it.each([
    ['a garbage token', 'Bearer abc.def.ghi'],
    ['a refresh token', 'refresh'],
  ])('answers 401 invalid_token for %s', async (_name, header) => {
    const { app, events } = await serverWithUserinfo();
    const tokens = await loginWeb(app, 'openid');
    const value = header === 'refresh' ? `Bearer ${tokens.refresh_token}` : header;
    const res = await request(app).get('/oauth2/userinfo').set('Authorization', value);
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_token');
    expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
    expect(events.some((e) => e.name === 'token.rejected')).toBe(true);
  });

  it('answers 401 invalid_token for a revoked token', async () => {
    const { app } = await serverWithUserinfo();
    const tokens = await loginWeb(app, 'openid');
    const { postAsWeb } = await import('../helpers/login');
    await postAsWeb(app, '/revoke', { token: tokens.refresh_token! });
    const res = await request(app).get('/oauth2/userinfo').set('Authorization', `Bearer ${tokens.access_token}`);
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_token');
  });

  it('answers 401 invalid_token when the user no longer exists, or findUser returns another user', async () => {
    for (const findUser of [() => null, () => ({ id: 'u-other', claims: { name: 'Mallory' } })]) {
      const { app, events } = await createServer({ findUser });
      const tokens = await loginWeb(app, 'openid profile');
      const res = await request(app).get('/oauth2/userinfo').set('Authorization', `Bearer ${tokens.access_token}`);
      expect(res.status).toBe(401);
      expect(res.body.error).toBe('invalid_token');
      expect(res.text).not.toContain('Mallory');
      expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
      expect(events.find((e) => e.name === 'token.rejected')?.payload).toMatchObject({ detail: 'findUser found no user for sub' });
    }
  });

  it('answers 503 temporarily_unavailable and emits error when findUser throws (the user directory is down)', async () => {
    const { app, events } = await createServer({
      findUser: () => {
        throw new Error('db password=hunter2 leaked?');
      },
    });
    const tokens = await loginWeb(app, 'openid');
    const res = await request(app).get('/oauth2/userinfo').set('Authorization', `Bearer ${tokens.access_token}`);
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ error: 'temporarily_unavailable', error_description: expect.any(String) });
    expect(res.headers['retry-after']).toBe('1');
    expect(res.text).not.toContain('hunter2');
    expect(events.find((e) => e.name === 'error')?.payload).toMatchObject({ detail: 'findUser threw' });
  });

  it('accepts tokens of a public client too (userinfo is about the user, not the client)', async () => {
    const { app } = await serverWithUserinfo();
    const tokens = await loginCli(app, 'openid profile');
    const res = await request(app).get('/oauth2/userinfo').set('Authorization', `Bearer ${tokens.access_token}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ sub: 'u-bob' });
  });

  it('answers other methods with 405 JSON', async () => {
    const { app } = await serverWithUserinfo();
    const res = await request(app).put('/oauth2/userinfo');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, POST');
    expect(res.headers['content-type']).toMatch(/^application\/json/);
  });

  it('is not served without findUser', async () => {
    const { app } = await createServer();
    const tokens = await loginWeb(app, 'openid');
    const res = await request(app).get('/oauth2/userinfo').set('Authorization', `Bearer ${tokens.access_token}`);
    expect(res.status).toBe(404);
  });

  it('rejects a findUser that is not a function at construction', async () => {
    await expect(createServer({ findUser: 'users' as never })).rejects.toMatchObject({
      code: 'ERR_EPG_INVALID_OPTION',
      message: 'options.findUser must be a function',
    });
  });
});

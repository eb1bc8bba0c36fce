// RFC 8414 §3: "Authorization servers supporting metadata MUST make a JSON document containing metadata ... available
// at a path formed by inserting a well-known URI string into the authorization server's issuer identifier between
// the host component and the path component, if any." §3.3: "The "issuer" value returned MUST be identical to the
// authorization server's issuer identifier value into which the well-known URI string was inserted".
// OIDC Discovery §4: "OpenID Providers supporting Discovery MUST make a JSON document available at the path formed by
// concatenating the string /.well-known/openid-configuration to the Issuer."
import express from 'express';
import request from 'supertest';
import { loadFixture, verifyUserFrom } from '../helpers/server';
import { rsaPem } from '../helpers/keys';
import { MemoryStore, passwordGrant, type PasswordGrantOptions } from '../../lib';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const express4 = require('express4') as typeof express;

async function appFor(options: Partial<PasswordGrantOptions> & { issuer: string }, routerPath: string, impl: typeof express = express) {
  const f = await loadFixture();
  const auth = passwordGrant({
    signingKeys: { kid: 'k1', alg: 'RS256', key: rsaPem() },
    findClient: (id) => f.clients.get(id) ?? null,
    verifyUser: verifyUserFrom(f),
    store: new MemoryStore(),
    ...options,
  });
  const app = impl();
  app.use(auth.discovery);
  app.use(routerPath, auth.router);
  app.get('/hello', (_req, res) => {
    res.json({ hello: 'world' });
  });
  return { app, auth };
}

const ENDPOINT_MEMBERS = ['token_endpoint', 'jwks_uri', 'revocation_endpoint', 'introspection_endpoint'];

/** Follows every advertised URL into the app: each must reach the endpoint it names, not a 404. */
async function expectEndpointsReachable(app: express.Express, metadata: Record<string, unknown>, origin: string): Promise<void> {
  for (const member of [...ENDPOINT_MEMBERS, 'userinfo_endpoint']) {
    const url = metadata[member];
    if (url === undefined) continue;
    expect(typeof url).toBe('string');
    expect((url as string).startsWith(origin + '/')).toBe(true);
    const path = new URL(url as string).pathname;
    const res = member === 'jwks_uri' ? await request(app).get(path) : await request(app).post(path).type('form').send('');
    // An empty request reaches each endpoint and fails in the way only that endpoint fails.
    const expected: Record<string, [number, unknown]> = {
      token_endpoint: [400, { error: 'invalid_request', error_description: 'Missing required parameter: grant_type' }],
      jwks_uri: [200, { keys: [expect.objectContaining({ kid: 'k1' })] }],
      revocation_endpoint: [400, { error: 'invalid_request', error_description: 'Missing required parameter: token' }],
      introspection_endpoint: [400, { error: 'invalid_request', error_description: 'Missing required parameter: token' }],
      userinfo_endpoint: [401, { error: 'invalid_request', error_description: 'A bearer token is required' }],
    };
    expect({ member, status: res.status, body: res.body }).toEqual({ member, status: expected[member][0], body: expected[member][1] });
    expect(res.headers['content-type']).toMatch(/^application\/json/);
  }
}

describe('auth.discovery with an origin issuer and the router at /oauth2', () => {
  const issuer = 'https://auth.example.com';
  const options = { issuer, endpointsBaseUrl: 'https://auth.example.com/oauth2' };

  it('serves the same document at both well-known locations, with the issuer byte for byte', async () => {
    const { app } = await appFor(options, '/oauth2');
    const oauth = await request(app).get('/.well-known/oauth-authorization-server');
    const oidc = await request(app).get('/.well-known/openid-configuration');
    for (const res of [oauth, oidc]) {
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.headers['cache-control']).toMatch(/^public, max-age=\d+$/);
      expect(res.headers['access-control-allow-origin']).toBe('*');
      expect(res.body.issuer).toBe(issuer);
    }
    expect(oidc.body).toEqual(oauth.body);
  });

  it('advertises absolute endpoint URLs under the router, and every one of them works', async () => {
    const { app } = await appFor({ ...options, findUser: () => null }, '/oauth2');
    const { body } = await request(app).get('/.well-known/openid-configuration');
    expect(body).toMatchObject({
      token_endpoint: 'https://auth.example.com/oauth2/token',
      jwks_uri: 'https://auth.example.com/oauth2/jwks',
      revocation_endpoint: 'https://auth.example.com/oauth2/revoke',
      introspection_endpoint: 'https://auth.example.com/oauth2/introspect',
      userinfo_endpoint: 'https://auth.example.com/oauth2/userinfo',
    });
    await expectEndpointsReachable(app, body, issuer);
  });

  it('states what the server supports (RFC 8414 §2, OIDC Discovery §3)', async () => {
    const { app } = await appFor(options, '/oauth2');
    const { body } = await request(app).get('/.well-known/oauth-authorization-server');
    expect(body).toEqual({
      issuer,
      token_endpoint: 'https://auth.example.com/oauth2/token',
      jwks_uri: 'https://auth.example.com/oauth2/jwks',
      revocation_endpoint: 'https://auth.example.com/oauth2/revoke',
      introspection_endpoint: 'https://auth.example.com/oauth2/introspect',
      grant_types_supported: ['password', 'refresh_token'],
      scopes_supported: ['openid', 'profile', 'email', 'address', 'phone', 'offline_access'],
      response_types_supported: [],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'client_secret_jwt', 'none'],
      revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'client_secret_jwt', 'none'],
      introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'client_secret_jwt'],
      token_endpoint_auth_signing_alg_values_supported: expect.arrayContaining(['RS256', 'ES256', 'PS256', 'HS256']),
      revocation_endpoint_auth_signing_alg_values_supported: expect.arrayContaining(['RS256', 'ES256', 'HS256']),
      introspection_endpoint_auth_signing_alg_values_supported: expect.arrayContaining(['RS256', 'ES256', 'HS256']),
      dpop_signing_alg_values_supported: expect.arrayContaining(['ES256', 'RS256', 'PS256']),
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      claims_supported: expect.arrayContaining(['sub', 'name', 'email', 'email_verified']),
    });
    // No userinfo without findUser; no authorization endpoint at all (this server has none).
    expect(body).not.toHaveProperty('userinfo_endpoint');
    expect(body).not.toHaveProperty('authorization_endpoint');
  });

  it('lists scopesSupported when given, and every signing algorithm of the keyring', async () => {
    const ec = (await import('../helpers/keys')).ecPem();
    const { app } = await appFor(
      {
        ...options,
        scopesSupported: ['openid', 'orders', 'orders'],
        signingKeys: [
          { kid: 'e', alg: 'ES256', key: ec },
          { kid: 'r', alg: 'RS256', key: rsaPem() },
        ],
      },
      '/oauth2',
    );
    const { body } = await request(app).get('/.well-known/openid-configuration');
    expect(body.scopes_supported).toEqual(['openid', 'orders']);
    expect(body.id_token_signing_alg_values_supported).toEqual(['ES256', 'RS256']);
  });

  it('never takes a URL from the request: a forged Host or X-Forwarded-Host changes nothing', async () => {
    const { app } = await appFor(options, '/oauth2');
    const plain = await request(app).get('/.well-known/openid-configuration');
    const forged = await request(app)
      .get('/.well-known/openid-configuration')
      .set('Host', 'evil.example')
      .set('X-Forwarded-Host', 'evil.example')
      .set('X-Forwarded-Proto', 'http');
    expect(forged.body).toEqual(plain.body);
    expect(forged.text).not.toContain('evil');
  });

  it('answers HEAD, refuses other methods with 405 JSON and lets every other path through', async () => {
    const { app } = await appFor(options, '/oauth2');
    expect((await request(app).head('/.well-known/openid-configuration')).status).toBe(200);
    const post = await request(app).post('/.well-known/oauth-authorization-server');
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET');
    expect(post.headers['content-type']).toMatch(/^application\/json/);
    expect((await request(app).get('/hello')).body).toEqual({ hello: 'world' });
    expect((await request(app).get('/.well-known/oauth-authorization-server/other')).status).toBe(404);
    expect((await request(app).get('/oauth2/.well-known/openid-configuration')).status).toBe(404);
  });

  it('works under Express 4, and so does every endpoint it names', async () => {
    const { app } = await appFor({ ...options, findUser: () => null }, '/oauth2', express4);
    const res = await request(app).get('/.well-known/oauth-authorization-server');
    expect(res.status).toBe(200);
    expect(res.body.token_endpoint).toBe('https://auth.example.com/oauth2/token');
    await expectEndpointsReachable(app as express.Express, res.body, issuer);
  });
});

describe('auth.discovery learns where the app mounted auth.router (no endpointsBaseUrl)', () => {
  const issuer = 'https://auth.example.com';

  it.each([
    ['Express 5', express],
    ['Express 4', express4],
  ])(
    '%s: the Quick start layout (issuer at the origin, router at /oauth2, discovery at the root) advertises /oauth2/*, and every URL works',
    async (_name, impl) => {
      const { app } = await appFor({ issuer, findUser: () => null }, '/oauth2', impl);
      const { body } = await request(app).get('/.well-known/openid-configuration');
      expect(body).toMatchObject({
        issuer,
        token_endpoint: 'https://auth.example.com/oauth2/token',
        jwks_uri: 'https://auth.example.com/oauth2/jwks',
        revocation_endpoint: 'https://auth.example.com/oauth2/revoke',
        introspection_endpoint: 'https://auth.example.com/oauth2/introspect',
        userinfo_endpoint: 'https://auth.example.com/oauth2/userinfo',
      });
      await expectEndpointsReachable(app as express.Express, body, issuer);
    },
  );

  it('knows the path before any request reached the router, whichever of the two is mounted first', async () => {
    const f = await loadFixture();
    const auth = passwordGrant({
      issuer,
      signingKeys: { kid: 'k1', alg: 'RS256', key: rsaPem() },
      findClient: (id) => f.clients.get(id) ?? null,
      verifyUser: verifyUserFrom(f),
    });
    const app = express();
    app.use('/auth/v1', auth.router, auth.errorHandler);
    app.use(auth.discovery);
    const { body } = await request(app).get('/.well-known/oauth-authorization-server');
    expect(body.token_endpoint).toBe('https://auth.example.com/auth/v1/token');
    await expectEndpointsReachable(app, body, issuer);
  });

  it.each([
    [
      'the root of the app',
      (app: express.Express, router: express.Router) => app.use(router),
      'https://example.com/tenant1/.well-known/openid-configuration',
      'https://example.com',
    ],
    [
      "a path other than the issuer's",
      (app: express.Express, router: express.Router) => app.use('/oauth/', router),
      'https://example.com/tenant1/.well-known/openid-configuration',
      'https://example.com/oauth',
    ],
    [
      'a sub-app at /api (mounted on the main app after the router was mounted on it)',
      (app: express.Express, router: express.Router) => {
        const api = express();
        api.use('/oauth2', router);
        app.use('/api', api);
      },
      'https://example.com/tenant1/.well-known/openid-configuration',
      'https://example.com/api/oauth2',
    ],
  ])('an issuer with a path and the router at %s: the documents follow the router', async (_name, mount, documentUrl, base) => {
    const f = await loadFixture();
    const auth = passwordGrant({
      issuer: 'https://example.com/tenant1',
      signingKeys: { kid: 'k1', alg: 'RS256', key: rsaPem() },
      findClient: (id) => f.clients.get(id) ?? null,
      verifyUser: verifyUserFrom(f),
    });
    const app = express();
    app.use(auth.discovery);
    mount(app, auth.router);
    const { body } = await request(app).get(new URL(documentUrl).pathname);
    expect(body.issuer).toBe('https://example.com/tenant1');
    expect(body.token_endpoint).toBe(`${base}/token`);
    await expectEndpointsReachable(app, body, 'https://example.com');
  });

  it.each([
    ['a pattern', (app: express.Express, router: express.Router) => app.use('/t/:tenant', router)],
    ['two different paths', (app: express.Express, router: express.Router) => app.use('/a', router).use('/b', router)],
    ['a plain Router (Express tells the router nothing)', (app: express.Express, router: express.Router) => app.use('/oauth2', express.Router().use(router))],
  ])('falls back to the issuer when the router is mounted at %s', async (_name, mount) => {
    const f = await loadFixture();
    const auth = passwordGrant({
      issuer,
      signingKeys: { kid: 'k1', alg: 'RS256', key: rsaPem() },
      findClient: (id) => f.clients.get(id) ?? null,
      verifyUser: verifyUserFrom(f),
    });
    const app = express();
    app.use(auth.discovery);
    mount(app, auth.router);
    const { body } = await request(app).get('/.well-known/openid-configuration');
    expect(body.token_endpoint).toBe('https://auth.example.com/token');
  });

  it('an explicit endpointsBaseUrl still wins over the mount path (a proxy that rewrites paths)', async () => {
    const { app } = await appFor({ issuer, endpointsBaseUrl: 'https://auth.example.com/public/oauth' }, '/oauth2');
    const { body } = await request(app).get('/.well-known/openid-configuration');
    expect(body.token_endpoint).toBe('https://auth.example.com/public/oauth/token');
  });

  it('changes nothing else about the router: app settings (trust proxy), the error handler and other routes behave as before', async () => {
    const f = await loadFixture();
    const auth = passwordGrant({
      issuer,
      requireTLS: true,
      signingKeys: { kid: 'k1', alg: 'RS256', key: rsaPem() },
      findClient: (id) => f.clients.get(id) ?? null,
      verifyUser: verifyUserFrom(f),
    });
    const app = express();
    app.set('trust proxy', 'loopback');
    app.use(express.json());
    app.use('/oauth2', auth.router, auth.errorHandler);
    app.get('/oauth2/other', (req, res) => {
      res.json({ app: req.app === app, baseUrl: req.baseUrl });
    });
    // trust proxy is read from the app the router is mounted on.
    expect((await request(app).get('/oauth2/jwks').set('X-Forwarded-Proto', 'https')).status).toBe(200);
    expect((await request(app).get('/oauth2/jwks')).status).toBe(400);
    // The app's body parser failure on the router's path is still answered as JSON by auth.errorHandler.
    const bad = await request(app).post('/oauth2/token').set('X-Forwarded-Proto', 'https').set('Content-Type', 'application/json').send('{');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('invalid_request');
    // A request the router does not route reaches the app's next handler with req untouched.
    expect((await request(app).get('/oauth2/other').set('X-Forwarded-Proto', 'https')).body).toEqual({ app: true, baseUrl: '' });
  });
});

describe('auth.discovery with an issuer that has a path', () => {
  const issuer = 'https://example.com/tenant1';

  it('serves RFC 8414 at /.well-known/oauth-authorization-server/tenant1 and OIDC at /tenant1/.well-known/openid-configuration', async () => {
    const { app } = await appFor({ issuer, findUser: () => null }, '/tenant1');
    const oauth = await request(app).get('/.well-known/oauth-authorization-server/tenant1');
    const oidc = await request(app).get('/tenant1/.well-known/openid-configuration');
    expect(oauth.status).toBe(200);
    expect(oidc.status).toBe(200);
    expect(oauth.body.issuer).toBe(issuer);
    expect(oidc.body).toEqual(oauth.body);
    // Not at the locations of a path-less issuer.
    expect((await request(app).get('/.well-known/oauth-authorization-server')).status).toBe(404);
    expect((await request(app).get('/.well-known/openid-configuration')).status).toBe(404);
  });

  it('defaults endpointsBaseUrl to the issuer: the router mounted at the issuer path is advertised correctly', async () => {
    const { app } = await appFor({ issuer, findUser: () => null }, '/tenant1');
    const { body } = await request(app).get('/tenant1/.well-known/openid-configuration');
    expect(body.token_endpoint).toBe('https://example.com/tenant1/token');
    expect(body.userinfo_endpoint).toBe('https://example.com/tenant1/userinfo');
    await expectEndpointsReachable(app, body, 'https://example.com');
  });

  it('serves the OIDC location even when the discovery router itself is mounted under the issuer path', async () => {
    const f = await loadFixture();
    const auth = passwordGrant({
      issuer,
      signingKeys: { kid: 'k1', alg: 'RS256', key: rsaPem() },
      findClient: (id) => f.clients.get(id) ?? null,
      verifyUser: verifyUserFrom(f),
    });
    const app = express();
    app.use('/tenant1', auth.discovery);
    const res = await request(app).get('/tenant1/.well-known/openid-configuration');
    expect(res.status).toBe(200);
    expect(res.body.issuer).toBe(issuer);
  });
});

describe('issuers with a terminating slash', () => {
  it.each([
    ['https://auth.example.com/', '/.well-known/oauth-authorization-server', '/.well-known/openid-configuration', 'https://auth.example.com/token'],
    [
      'https://example.com/tenant1/',
      '/.well-known/oauth-authorization-server/tenant1',
      '/tenant1/.well-known/openid-configuration',
      'https://example.com/tenant1/token',
    ],
  ])('%s: the slash is dropped from the locations (RFC 8414 §3) but kept in issuer', async (issuer, oauthPath, oidcPath, tokenEndpoint) => {
    const mount = new URL(issuer).pathname.replace(/\/$/, '') || '/';
    const { app } = await appFor({ issuer }, mount);
    for (const path of [oauthPath, oidcPath]) {
      const res = await request(app).get(path);
      expect(res.status).toBe(200);
      expect(res.body.issuer).toBe(issuer);
      expect(res.body.token_endpoint).toBe(tokenEndpoint);
    }
  });
});

describe('mount path check', () => {
  function collectWarnings(): { warnings: Array<{ message: string }>; stop: () => void } {
    const spy = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const warnings: Array<{ message: string }> = [];
    return {
      get warnings() {
        warnings.length = 0;
        for (const [message, options] of spy.mock.calls) {
          if (options?.code === 'EPG_MOUNT_PATH') warnings.push({ message: String(message) });
        }
        return warnings;
      },
      stop: () => spy.mockRestore(),
    };
  }
  const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

  it('warns once when discovery is used and the router is reached under another path than the documents say', async () => {
    const collected = collectWarnings();
    try {
      // Through a plain Router, Express does not tell auth.router where it is: the documents fall back to the issuer.
      const f = await loadFixture();
      const auth = passwordGrant({
        issuer: 'https://auth.example.com',
        signingKeys: { kid: 'k1', alg: 'RS256', key: rsaPem() },
        findClient: (id) => f.clients.get(id) ?? null,
        verifyUser: verifyUserFrom(f),
      });
      const app = express();
      app.use(auth.discovery);
      app.use('/oauth2', express.Router().use(auth.router));
      await request(app).get('/oauth2/jwks');
      await tick();
      expect(collected.warnings).toHaveLength(0); // the documents are not in use yet
      await request(app).get('/.well-known/openid-configuration');
      await request(app).get('/.well-known/oauth-authorization-server');
      await request(app).get('/oauth2/jwks');
      await tick();
      const { warnings } = collected;
      expect(warnings).toHaveLength(1);
      expect(warnings[0].message).toContain('"/oauth2"');
      expect(warnings[0].message).toContain('endpointsBaseUrl');
    } finally {
      collected.stop();
    }
  });

  it('stays silent when the router is where the issuer says, where the app mounted it, or endpointsBaseUrl is explicit', async () => {
    const collected = collectWarnings();
    try {
      const matching = await appFor({ issuer: 'https://example.com/tenant1' }, '/tenant1');
      const learnt = await appFor({ issuer: 'https://auth.example.com' }, '/oauth2');
      const explicit = await appFor({ issuer: 'https://auth.example.com', endpointsBaseUrl: 'https://auth.example.com/public/oauth' }, '/oauth2');
      for (const { app } of [matching, learnt, explicit]) {
        await request(app).get('/.well-known/oauth-authorization-server/tenant1');
        await request(app).get('/.well-known/openid-configuration');
        await request(app).get('/tenant1/jwks');
        await request(app).get('/oauth2/jwks');
      }
      await tick();
      expect(collected.warnings).toEqual([]);
    } finally {
      collected.stop();
    }
  });
});

describe('discovery options', () => {
  it.each([
    [{ endpointsBaseUrl: 'auth/oauth2' }, 'ERR_EPG_INVALID_OPTION', 'options.endpointsBaseUrl must be an absolute URL'],
    [
      { endpointsBaseUrl: 'http://auth.example.com/oauth2' },
      'ERR_EPG_INVALID_OPTION',
      'options.endpointsBaseUrl must be an https URL (http is allowed for localhost only)',
    ],
    [{ endpointsBaseUrl: 'https://auth.example.com/oauth2?x=1' }, 'ERR_EPG_INVALID_OPTION', 'options.endpointsBaseUrl must be a URL without query or fragment'],
    [{ endpointsBaseUrl: 42 }, 'ERR_EPG_INVALID_OPTION', 'options.endpointsBaseUrl must be a non-empty string'],
    [{ scopesSupported: 'openid' }, 'ERR_EPG_INVALID_OPTION', 'options.scopesSupported must be an array of RFC 6749 §3.3 scope tokens'],
    [{ scopesSupported: ['has space'] }, 'ERR_EPG_INVALID_OPTION', 'options.scopesSupported must be an array of RFC 6749 §3.3 scope tokens'],
  ])('rejects %j at construction', async (bad, code, message) => {
    await expect(appFor({ issuer: 'https://auth.example.com', ...(bad as object) }, '/oauth2')).rejects.toMatchObject({ code, message });
  });

  it('accepts an endpointsBaseUrl with a trailing slash and joins paths without doubling it', async () => {
    const { app } = await appFor({ issuer: 'https://auth.example.com', endpointsBaseUrl: 'https://auth.example.com/oauth2/' }, '/oauth2');
    expect((await request(app).get('/.well-known/openid-configuration')).body.token_endpoint).toBe('https://auth.example.com/oauth2/token');
  });
});

// Interoperability: a resource server in another process using jose's createRemoteJWKSet + jwtVerify against our
// published JWKS, across a key rotation (a token signed by the older, second key and one by the current first key).
import { generateKeyPairSync } from 'node:crypto';
import express from 'express';
import request from 'supertest';
import { MemoryStore, passwordGrant } from '../../lib';
import { basic, form, loadFixture, verifyUserFrom, WEB_SECRET } from '../helpers/server';
import { rsaPem } from '../helpers/keys';
import { RESOURCE_AUDIENCE, runClientScript, startInteropServer, type InteropServer, type StepResult, value, error } from './interop-server';

async function login(app: express.Express | string, scope: string) {
  const res = await request(app)
    .post('/oauth2/token')
    .set('Authorization', basic('web', WEB_SECRET))
    .type('form')
    .send(form({ grant_type: 'password', username: 'alice', password: 'correct horse', scope }));
  expect(res.status).toBe(200);
  return res.body as { access_token: string; id_token?: string };
}

describe('jose as a separate resource server', () => {
  const oldKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  const store = new MemoryStore();
  let server: InteropServer;
  let results: Record<string, StepResult>;

  beforeAll(async () => {
    server = await startInteropServer({
      overrides: {
        store,
        signingKeys: [
          { kid: 'rsa-2026', alg: 'RS256', key: rsaPem() },
          { kid: 'ec-2025', alg: 'ES256', key: oldKey },
        ],
      },
    });
    const f = await loadFixture();
    const instance = (signingKeys: Parameters<typeof passwordGrant>[0]['signingKeys']) => {
      const auth = passwordGrant({
        issuer: server.issuer,
        audience: RESOURCE_AUDIENCE,
        signingKeys,
        store,
        findClient: (id) => f.clients.get(id) ?? null,
        verifyUser: verifyUserFrom(f),
      });
      const app = express();
      app.use('/oauth2', auth.router);
      return app;
    };
    // Before the rotation, the same issuer signed with the EC key alone.
    const before = await login(instance({ kid: 'ec-2025', alg: 'ES256', key: oldKey }), 'orders');
    const current = await login(server.origin, 'openid orders');
    // A key the server never published.
    const stranger = await login(instance({ kid: 'stranger', alg: 'ES256', key: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey }), 'orders');
    results = await runClientScript('jose-resource-server.mjs', {
      issuer: server.issuer,
      audience: RESOURCE_AUDIENCE,
      tokens: { olderKeyToken: before.access_token, currentKeyToken: current.access_token },
      idToken: current.id_token,
      unknownKeyToken: stranger.access_token,
    });
  });
  afterAll(() => server.close());

  it('finds the JWKS through the RFC 8414 document of the README layout (router at /oauth2, no endpointsBaseUrl)', () => {
    const discovery = value(results, 'discovery');
    expect(discovery.status).toBe(200);
    expect(discovery.contentType).toMatch(/^application\/json/);
    expect(discovery.body.jwks_uri).toBe(`${server.origin}/oauth2/jwks`);
  });

  it('verifies a token signed by the current (first) key and one signed by the older (second) key', () => {
    expect(value(results, 'currentKeyToken')).toEqual({ sub: 'u-alice', client_id: 'web', scope: 'openid orders', kid: 'rsa-2026', alg: 'RS256' });
    expect(value(results, 'olderKeyToken')).toEqual({ sub: 'u-alice', client_id: 'web', scope: 'orders', kid: 'ec-2025', alg: 'ES256' });
    expect(value(results, 'currentKeyTokenHeader')).toEqual({ alg: 'RS256', typ: 'at+jwt', kid: 'rsa-2026' });
  });

  it('refuses tampered tokens, wrong audience or issuer, id_tokens and unknown keys', () => {
    expect(error(results, 'tampered').code).toBe('ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
    expect(error(results, 'wrongAudience')).toMatchObject({ code: 'ERR_JWT_CLAIM_VALIDATION_FAILED', message: expect.stringContaining('aud') });
    // A trailing slash is a different issuer: ours is exact.
    expect(error(results, 'wrongIssuer')).toMatchObject({ code: 'ERR_JWT_CLAIM_VALIDATION_FAILED', message: expect.stringContaining('iss') });
    // RFC 9068 §4 / RFC 8725 §3.11: explicit typing keeps an id_token from passing as an access token.
    expect(error(results, 'idTokenAsAccessToken')).toMatchObject({ code: 'ERR_JWT_CLAIM_VALIDATION_FAILED', message: expect.stringContaining('typ') });
    expect(error(results, 'unknownKey').code).toBe('ERR_JWKS_NO_MATCHING_KEY');
  });
});

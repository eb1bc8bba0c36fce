// __tests__/interop/jwt-auth-dpop.test.ts
// Interop: oauth4webapi (DPoP, PrivateKeyJwt, ClientSecretJwt, validateJwtAccessToken) and jose drive a real server
// listening on 127.0.0.1. They are ESM-only and jest here is CommonJS, so a child `node` runs the .mjs client
// while this process serves the requests.

import { execFile } from 'node:child_process';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { AUDIENCE, createServer } from '../helpers/server';
import { rsaPem } from '../helpers/keys';

interface StepResult {
  readonly step: string;
  readonly ok: boolean;
  readonly value?: Record<string, unknown>;
  readonly error?: string;
  readonly status?: number;
  readonly message?: string;
  readonly challenge?: { scheme: string; parameters: Record<string, string> };
}

const clientRsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const clientEd = generateKeyPairSync('ed25519');
const SJWT_SECRET = 'interop shared secret, long enough for HS256 (>= 32 bytes)';

let http: Server;
let httpNonce: Server;
let results: Map<string, StepResult>;

async function listen(): Promise<{ server: Server; issuer: string }> {
  const server = createHttpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, issuer: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

beforeAll(async () => {
  const main = await listen();
  const withNonce = await listen();
  http = main.server;
  httpNonce = withNonce.server;
  const issuer = main.issuer;
  const base = await createServer();
  const extra = new Map([
    [
      'pk-interop',
      {
        id: 'pk-interop',
        grants: ['password' as const],
        scopes: ['orders', 'profile'],
        tokenEndpointAuthMethod: 'private_key_jwt' as const,
        jwks: { keys: [{ ...(clientRsa.publicKey.export({ format: 'jwk' }) as { kty: string }), kid: 'interop-1', alg: 'RS256', use: 'sig' }] },
      },
    ],
    [
      'sjwt-interop',
      {
        id: 'sjwt-interop',
        grants: ['password' as const],
        scopes: ['orders', 'profile'],
        tokenEndpointAuthMethod: 'client_secret_jwt' as const,
        jwtSecret: SJWT_SECRET,
      },
    ],
    ['ed-interop', { id: 'ed-interop', grants: ['password' as const], scopes: ['orders', 'profile'], publicKey: clientEd.publicKey }],
  ]);
  const { app } = await createServer({ issuer, findClient: (id) => extra.get(id) ?? base.fixture.clients.get(id) ?? null });
  // Test scaffolding only: the published keys, so oauth4webapi's resource-server validator can check our tokens.
  app.get('/test-jwks', (_req, res) => {
    res.json({ keys: [{ ...createPublicKey(rsaPem()).export({ format: 'jwk' }), kid: 'k1', alg: 'RS256', use: 'sig' }] });
  });
  http.on('request', app);
  httpNonce.on('request', (await createServer({ issuer: withNonce.issuer, dpop: { nonce: true } })).app);

  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(
      process.execPath,
      [join(__dirname, 'oauth4webapi-client.mjs')],
      {
        env: {
          ...process.env,
          ISSUER: issuer,
          ISSUER_NONCE: withNonce.issuer,
          AUDIENCE,
          PK_CLIENT_KEY: clientRsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
          PK_KID: 'interop-1',
          SJWT_SECRET,
          ED_CLIENT_KEY: clientEd.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        },
        timeout: 25_000,
      },
      (err, out, errOut) => (err ? reject(new Error(`${err.message}\n${errOut}`)) : resolve(out)),
    );
  });
  if (process.env.INTEROP_DEBUG) process.stderr.write(stdout);
  results = new Map((JSON.parse(stdout) as StepResult[]).map((r) => [r.step, r]));
});

afterAll(async () => {
  await new Promise((resolve) => http.close(resolve));
  await new Promise((resolve) => httpNonce.close(resolve));
});

const result = (name: string): StepResult => {
  const r = results.get(name);
  if (r === undefined) throw new Error(`step "${name}" did not run`);
  return r;
};

describe('oauth4webapi DPoP client', () => {
  it('gets a DPoP-bound token whose cnf.jkt is the thumbprint oauth4webapi computes', () => {
    const r = result('dpop: password grant with a DPoP proof');
    expect(r).toMatchObject({ ok: true, value: { token_type: 'dpop' } });
    expect(r.value?.jkt).toBe(r.value?.expected);
  });

  it('calls requireToken with the DPoP scheme and a proof', () => {
    expect(result('dpop: protected resource with the DPoP scheme and proof')).toMatchObject({ ok: true, value: { status: 200, body: { sub: 'u-alice' } } });
  });

  it('is refused when it sends the bound token as Bearer (a DPoP challenge)', () => {
    // oauth4webapi turns a 401 with a WWW-Authenticate challenge into WWWAuthenticateChallengeError.
    expect(result('dpop: the bound token sent as Bearer is refused')).toMatchObject({
      ok: false,
      error: 'OAUTH_WWW_AUTHENTICATE_CHALLENGE',
      status: 401,
      challenge: { scheme: 'dpop', parameters: { error: 'invalid_token' } },
    });
  });

  it("has our bound token and its proof accepted by oauth4webapi's validateJwtAccessToken", () => {
    const r = result('dpop: oauth4webapi validateJwtAccessToken accepts our bound token and proof');
    expect(r).toMatchObject({ ok: true, value: { status: 200, body: { sub: 'u-alice' } } });
    expect((r.value?.body as { cnf: { jkt: string } }).cnf.jkt).toBe(result('dpop: password grant with a DPoP proof').value?.jkt);
  });

  it('refreshes with the same key and is refused with another (invalid_grant)', () => {
    const same = result('dpop: refresh with the same key');
    expect(same).toMatchObject({ ok: true, value: { token_type: 'dpop' } });
    expect(same.value?.jkt).toBe(result('dpop: password grant with a DPoP proof').value?.expected);
    expect(result('dpop: refresh with another key is refused')).toMatchObject({ ok: false, error: 'invalid_grant', status: 400 });
  });
});

describe('oauth4webapi DPoP client with server nonces', () => {
  it('retries the token request once with the nonce from use_dpop_nonce', () => {
    expect(result('nonce: password grant retried after use_dpop_nonce')).toMatchObject({ ok: true, value: { retried: true, token_type: 'dpop' } });
  });

  it('retries the resource request once with the nonce from the DPoP challenge', () => {
    expect(result('nonce: protected resource retried after use_dpop_nonce')).toMatchObject({ ok: true, value: { retried: true, status: 200 } });
  });
});

describe('JWT client authentication from real clients', () => {
  it('accepts oauth4webapi PrivateKeyJwt (aud = issuer)', () => {
    expect(result('private_key_jwt: oauth4webapi PrivateKeyJwt')).toMatchObject({ ok: true, value: { token_type: 'bearer', client_id: 'pk-interop' } });
  });

  it('accepts PrivateKeyJwt together with a PS256 DPoP key', () => {
    const r = result('private_key_jwt: oauth4webapi PrivateKeyJwt with DPoP');
    expect(r).toMatchObject({ ok: true, value: { token_type: 'dpop' } });
    expect(r.value?.jkt).toBe(r.value?.expected);
  });

  it('accepts oauth4webapi ClientSecretJwt', () => {
    expect(result('client_secret_jwt: oauth4webapi ClientSecretJwt')).toMatchObject({ ok: true, value: { token_type: 'bearer' } });
  });

  it('accepts a jose EdDSA assertion addressed to the token endpoint URL', () => {
    expect(result('private_key_jwt: a jose EdDSA assertion with aud = token endpoint, sent without client_id')).toMatchObject({
      ok: true,
      value: { status: 200, token_type: 'Bearer' },
    });
  });
});

// __tests__/security/fuzz.test.ts
// Hostile input as property-based tests (fast-check) against the real router over real HTTP: random bytes, broken
// percent-encoding, unicode, huge and empty values, repeated keys, wrong content types, malformed Basic and Bearer
// headers, forged, altered and alg:none JWTs (at requireToken and at the passport strategy). Invariants: every
// answer is JSON with an RFC 6749/6750 error and a 4xx status (200 only for a genuinely valid request), no stack or
// internal message, no hang (5 s per request), no crash; no forged token is ever accepted (passport's own 401 body
// is plain text, so there only the status is checked).
//
// Runs: a fixed seed (reproducible in CI) and run counts sized to finish in about 10 s on 2 busy cores (about
// 7,300 requests; a run is ~1-2 ms of real HTTP).
// A long fuzz: FUZZ_RUNS=50000 FUZZ_SEED=$RANDOM npx jest __tests__/security/fuzz.test.ts --testTimeout=3600000
// (FUZZ_RUNS is the run count of each property; a failure prints its seed and path for replay.)

import { createHmac, generateKeyPairSync, createSign, type KeyObject } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import passport from 'passport';
import { MFA_GRANT_TYPE } from '../../lib';
import { basic, createServer, form, WEB_SECRET, type TestServer } from '../helpers/server';
import { rsaKeyPair } from '../helpers/keys';

const SEED = process.env.FUZZ_SEED === undefined ? 20261122 : Number(process.env.FUZZ_SEED);
const RUNS = (n: number): number => (process.env.FUZZ_RUNS === undefined ? n : Number(process.env.FUZZ_RUNS));
const params = (numRuns: number): fc.Parameters<unknown> => ({ seed: SEED, numRuns: RUNS(numRuns), endOnFailure: false });

const ERRORS = new Set([
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'invalid_scope',
  'invalid_token',
  'insufficient_scope',
  'slow_down',
  'mfa_required',
  'unsupported_token_type',
]);

interface Answer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly text: string;
}

let server: TestServer;
let throttled: TestServer;
let base: string;
let throttledBase: string;
const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
const listening: http.Server[] = [];

async function listen(s: TestServer): Promise<string> {
  const srv = http.createServer(s.app);
  listening.push(srv);
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  // Throttling off for the main target, so random input reaches every step behind it; on for a second target.
  server = await createServer({ throttle: false, verifyMfa: ({ params: p }) => p.otp === '123456' });
  // The passport adapter too: same verifier, but passport writes its own (non-JSON) 401 body.
  const authenticator = new passport.Passport();
  authenticator.use(server.auth.strategy());
  server.app.get('/api/passport', authenticator.initialize(), authenticator.authenticate('oauth2-bearer', { session: false }), (req, res) => {
    res.json({ sub: req.auth?.sub });
  });
  throttled = await createServer();
  base = await listen(server);
  throttledBase = await listen(throttled);
});

afterAll(async () => {
  agent.destroy();
  await Promise.all(listening.map((s) => new Promise((resolve) => s.close(resolve))));
});

/** One raw request; rejects after 5 s (a hang is a failure). */
function send(url: string, method: string, headers: Record<string, string>, body?: Buffer, keepAlive = true): Promise<Answer> {
  return new Promise((resolve, reject) => {
    // Frame every body with Content-Length: Node's client sends a DELETE/OPTIONS body unframed, which would desync
    // the keep-alive connection (the body read as the next request) and test the client, not us.
    const framed = body === undefined ? headers : { ...headers, 'content-length': String(body.length) };
    const req = http.request(url, { method, headers: framed, agent: keepAlive ? agent : false, timeout: 5000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within 5 s: ${method} ${url}`)));
    req.on('error', reject);
    req.end(body);
  });
}

const LIMIT = 16_384; // the default limits.bodyBytes

/**
 * send(), but a connection reset while the client is still writing an over-limit body is retried once on a fresh
 * connection and then accepted: the server answered 413 early and closed, as HTTP allows (RFC 9110 §15.5.14);
 * the client just could not read it before its write failed. A timeout is never tolerated.
 */
async function sendTolerant(url: string, method: string, headers: Record<string, string>, body?: Buffer): Promise<Answer | 'cut-off'> {
  const reset = (e: unknown): boolean => /socket hang up|ECONNRESET|EPIPE/.test(String((e as Error).message) + String((e as { code?: string }).code));
  try {
    return await send(url, method, headers, body);
  } catch (err) {
    if (!reset(err)) throw err;
    try {
      return await send(url, method, headers, body, false);
    } catch (again) {
      if (reset(again) && body !== undefined && body.length > LIMIT) return 'cut-off';
      throw again;
    }
  }
}

/** The invariants every answer of ours must meet. */
function assertWellFormed(a: Answer, allowSuccess: boolean): void {
  const ctx = `${a.status} ${a.text.slice(0, 300)}`;
  if (!/^application\/json/.test(String(a.headers['content-type']))) throw new Error(`not JSON: ${ctx}`);
  const body = JSON.parse(a.text) as Record<string, unknown>;
  if (/\bat .+:\d+:\d+\)?/.test(a.text) || /Error:|TypeError|ReferenceError/.test(a.text)) throw new Error(`leaks internals: ${ctx}`);
  if (a.status === 200 && allowSuccess) {
    if (typeof body.access_token !== 'string') throw new Error(`200 without a token: ${ctx}`);
    return;
  }
  if (a.status < 400 || a.status > 499) throw new Error(`status outside 4xx: ${ctx}`);
  if (!ERRORS.has(body.error as string)) throw new Error(`unknown error code: ${ctx}`);
}

// ---------- generators ----------

const brokenPercent = fc.constantFrom('%', '%z', '%zz', '%e9', '%C0%80', '%ED%A0%80', '%FF', '%%41', '%0', '%u0041', '+%2', '%00');
const unicode = fc.string({ unit: 'grapheme', maxLength: 40 });
const binaryText = fc.string({ unit: 'binary', maxLength: 40 });
const huge = fc.integer({ min: 1000, max: 40000 }).map((n) => 'A'.repeat(n));
const value = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 30 }) },
  { weight: 2, arbitrary: unicode },
  { weight: 1, arbitrary: binaryText },
  { weight: 1, arbitrary: fc.constant('') },
  { weight: 1, arbitrary: huge },
  { weight: 1, arbitrary: fc.constantFrom('alice', 'correct horse', 'web', 'cli', 'orders profile openid', WEB_SECRET) },
);
const key = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.constantFrom('grant_type', 'username', 'password', 'client_id', 'client_secret', 'scope', 'refresh_token', 'mfa_token', 'otp', 'nonce'),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: unicode },
  { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'hasOwnProperty', 'toString', 'a[b]', 'a[]') },
);
const grantType = fc.constantFrom('password', 'refresh_token', MFA_GRANT_TYPE, 'client_credentials', 'PASSWORD', '', 'password ');

/** A form body: mostly plausible pairs (so deep steps are reached), with raw breakage spliced in. */
const formBody = fc
  .tuple(grantType, fc.array(fc.tuple(key, value), { maxLength: 8 }), fc.array(brokenPercent, { maxLength: 2 }), fc.boolean())
  .map(([gt, pairs, broken, encodeRaw]) => {
    const parts = [`grant_type=${encodeURIComponent(gt)}`];
    for (const [k, v] of pairs) parts.push(encodeRaw ? `${k}=${v}` : `${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
    for (const b of broken) parts.splice(Math.floor(parts.length / 2), 0, `username=${b}`);
    return Buffer.from(parts.join('&'), 'utf8');
  });

const body = fc.oneof(
  { weight: 6, arbitrary: formBody },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 600 }).map((b) => Buffer.from(b)) },
  { weight: 1, arbitrary: fc.json().map((j) => Buffer.from(j)) },
  { weight: 1, arbitrary: fc.constant(Buffer.alloc(0)) },
);

const contentType = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom('application/x-www-form-urlencoded', 'application/x-www-form-urlencoded; charset=utf-8', 'APPLICATION/X-WWW-FORM-URLENCODED'),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom('application/json', 'text/plain', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded; charset=latin1', ''),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 40 }) },
);

/** Header-safe text (Node refuses control characters in header values before sending). */
const headerText = fc.string({ unit: 'binary-ascii', maxLength: 60 }).map((s) => s.replace(/[^\x20-\x7e]/g, ''));
const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
const basicHeader = fc.oneof(
  fc.constant(basic('web', WEB_SECRET)),
  fc.constant(basic('web', 'wrong')),
  fc.tuple(fc.string({ maxLength: 20 }), fc.string({ maxLength: 20 })).map(([i, s]) => `Basic ${b64(`${i}:${s}`)}`),
  fc.tuple(unicode, unicode).map(([i, s]) => `Basic ${b64(`${i}:${s}`)}`),
  fc.tuple(brokenPercent, brokenPercent).map(([i, s]) => `Basic ${b64(`${i}:${s}`)}`),
  headerText.map((t) => `Basic ${t}`),
  fc.constantFrom('Basic', 'Basic ', 'basic Og==', 'Basic ===', `Basic ${b64(':')}`, `Basic ${b64('web')}`, `Basic ${b64('web:')}`, 'Basic !!!'),
);
const authorization = fc.option(
  fc.oneof({ weight: 4, arbitrary: basicHeader }, { weight: 1, arbitrary: headerText.map((t) => `Bearer ${t}`) }, { weight: 1, arbitrary: headerText }),
  { nil: undefined },
);

const method = fc.oneof({ weight: 8, arbitrary: fc.constant('POST') }, { weight: 1, arbitrary: fc.constantFrom('GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS') });
const pathSuffix = fc.oneof({ weight: 8, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.constantFrom('?', '?password=x', '?a=1&a=2', '/', '?%zz') });

// ---------- properties ----------

describe('POST /token under hostile input', () => {
  const request = fc.record({ method, pathSuffix, contentType, authorization, body, repeatType: fc.boolean() });

  it('always answers a JSON 4xx (or 200 for a valid request), never hangs, crashes or leaks a stack', async () => {
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const headers: Record<string, string> = { 'content-type': r.contentType };
        if (r.authorization !== undefined) headers.authorization = r.authorization;
        const a = await sendTolerant(`${base}/oauth2/token${r.pathSuffix}`, r.method, headers, r.method === 'GET' ? undefined : r.body);
        if (a === 'cut-off') return;
        assertWellFormed(a, true);
        if (a.status === 200) {
          // Only a request carrying good credentials may succeed.
          const text = r.body.toString('utf8');
          if (!(r.authorization === basic('web', WEB_SECRET) || text.includes('client_id'))) throw new Error('200 without client credentials');
        }
        if (a.headers['cache-control'] !== 'no-store') throw new Error('missing Cache-Control: no-store');
      }),
      params(2500),
    );
  });

  it('with throttling on: the same invariants, 429s included', async () => {
    await fc.assert(
      fc.asyncProperty(fc.record({ authorization: basicHeader, body: formBody }), async (r) => {
        const a = await send(
          `${throttledBase}/oauth2/token`,
          'POST',
          { 'content-type': 'application/x-www-form-urlencoded', authorization: r.authorization },
          r.body,
        );
        assertWellFormed(a, true);
        if (a.status === 429 && !/^\d+$/.test(String(a.headers['retry-after']))) throw new Error('429 without Retry-After');
      }),
      params(800),
    );
  });
});

describe('the other endpoints under hostile input', () => {
  const request = fc.record({
    endpoint: fc.constantFrom('revoke', 'introspect', 'jwks', 'userinfo'),
    method,
    pathSuffix,
    contentType,
    authorization,
    body,
  });

  it('/revoke, /introspect, /jwks and /userinfo always answer JSON: 200 for a valid request, otherwise a 4xx error', async () => {
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const headers: Record<string, string> = { 'content-type': r.contentType };
        if (r.authorization !== undefined) headers.authorization = r.authorization;
        const a = await sendTolerant(`${base}/oauth2/${r.endpoint}${r.pathSuffix}`, r.method, headers, r.method === 'GET' ? undefined : r.body);
        if (a === 'cut-off') return;
        if (a.status === 200) {
          if (!/^application\/json/.test(String(a.headers['content-type']))) throw new Error(`200 not JSON: ${a.text.slice(0, 200)}`);
          const json = JSON.parse(a.text) as Record<string, unknown>;
          // /userinfo is served only with findUser (not configured here), so a 200 there would be a bug.
          if (r.endpoint === 'userinfo') throw new Error('userinfo answered 200');
          if (
            r.endpoint === 'introspect' &&
            json.active === true &&
            r.authorization !== basic('web', WEB_SECRET) &&
            !r.body.toString('utf8').includes('client_secret')
          ) {
            throw new Error('introspection answered active without client authentication');
          }
          return;
        }
        // Paths we do not serve fall through to the app (404 from Express): only our own answers must be JSON.
        if (a.status === 404) return;
        assertWellFormed(a, false);
      }),
      params(1200),
    );
  });
});

// ---------- bearer middleware ----------

const ISSUER = 'https://auth.example.com';
const AUDIENCE = 'https://api.example.com';
const enc = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');

function signRs256(header: object, payload: object, key: KeyObject): string {
  const input = `${enc(header)}.${enc(payload)}`;
  return `${input}.${createSign('RSA-SHA256').update(input).sign(key).toString('base64url')}`;
}

function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: ISSUER,
    aud: AUDIENCE,
    sub: 'u-alice',
    client_id: 'web',
    scope: 'profile orders',
    jti: 'j-1',
    sid: 's-1',
    iat: now,
    exp: now + 600,
    ...overrides,
  };
}

describe('bearer middleware under hostile input', () => {
  let genuine: string;
  const foreignKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;

  beforeAll(async () => {
    const res = await send(
      `${base}/oauth2/token`,
      'POST',
      { 'content-type': 'application/x-www-form-urlencoded', authorization: basic('web', WEB_SECRET) },
      Buffer.from(form({ grant_type: 'password', username: 'alice', password: 'correct horse', scope: 'profile orders' })),
    );
    genuine = JSON.parse(res.text).access_token;
  });

  async function bearer(authorization: string): Promise<Answer> {
    const a = await send(`${base}/api/me`, 'GET', { authorization });
    return a;
  }

  it('a genuine token is accepted (the control for the properties below)', async () => {
    expect((await bearer(`Bearer ${genuine}`)).status).toBe(200);
    expect((await send(`${base}/api/passport`, 'GET', { authorization: `Bearer ${genuine}` })).status).toBe(200);
  });

  it('random and malformed Authorization headers are refused with a JSON 4xx and a challenge', async () => {
    const header = fc.oneof(
      headerText,
      headerText.map((t) => `Bearer ${t}`),
      headerText.map((t) => `bearer  ${t}`),
      fc.constantFrom(
        'Bearer',
        'Bearer ',
        'Bearer a b',
        'Bearer ==',
        'DPoP',
        'Basic Og==',
        'Bearer .',
        'Bearer ..',
        'Bearer a.b.c',
        `Bearer ${'a'.repeat(9000)}`,
      ),
    );
    await fc.assert(
      fc.asyncProperty(header, async (h) => {
        const a = await bearer(h);
        assertWellFormed(a, false);
        if (!(a.status === 400 || a.status === 401)) throw new Error(`unexpected ${a.status}`);
        if (a.status === 401 && !/^Bearer /.test(String(a.headers['www-authenticate']))) throw new Error('401 without a Bearer challenge');
      }),
      params(1000),
    );
  });

  it('no forged, altered or alg:none token is ever accepted', async () => {
    const { publicKey, privateKey } = rsaKeyPair();
    const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const [h, p, sig] = genuine.split('.');
    const realHeader = JSON.parse(Buffer.from(h, 'base64url').toString());
    const realClaims = JSON.parse(Buffer.from(p, 'base64url').toString());
    const claimEdit = fc.record(
      { sub: fc.constantFrom('u-bob', 'admin', ''), scope: fc.constantFrom('admin', 'profile orders admin'), exp: fc.integer({ min: 0, max: 2 ** 40 }) },
      { requiredKeys: [] },
    );

    const forged = fc.oneof(
      // alg:none, with and without a signature part, any typ/kid spelling
      fc
        .tuple(fc.constantFrom('none', 'None', 'NONE', 'nOnE'), fc.constantFrom('', sig, 'x'), claimEdit)
        .map(([alg, s, edit]) => `${enc({ ...realHeader, alg })}.${enc({ ...realClaims, ...edit })}.${s}`),
      // HS256 keyed with the public key (RS/HS confusion)
      claimEdit.map((edit) => {
        const input = `${enc({ ...realHeader, alg: 'HS256' })}.${enc({ ...realClaims, ...edit })}`;
        return `${input}.${createHmac('sha256', publicPem).update(input).digest('base64url')}`;
      }),
      // altered payload, original signature
      claimEdit.filter((e) => Object.keys(e).length > 0).map((edit) => `${h}.${enc({ ...realClaims, ...edit })}.${sig}`),
      // a stranger's key under our kid
      claimEdit.map((edit) => signRs256(realHeader, { ...realClaims, ...edit }, foreignKey)),
      // our own key, but claims that must fail: wrong iss/aud, expired, wrong typ, no jti, unknown kid
      fc.constantFrom(
        signRs256(realHeader, claims({ iss: 'https://evil.example.com' }), privateKey),
        signRs256(realHeader, claims({ aud: 'https://other.example.com' }), privateKey),
        signRs256(realHeader, claims({ exp: Math.floor(Date.now() / 1000) - 3600 }), privateKey),
        signRs256({ ...realHeader, typ: 'JWT' }, claims(), privateKey),
        signRs256(realHeader, claims({ jti: undefined }), privateKey),
        signRs256({ ...realHeader, kid: 'k2' }, claims(), privateKey),
        signRs256({ ...realHeader, alg: 'RS512' }, claims(), privateKey),
      ),
      // random character substitutions anywhere in the genuine token
      fc.array(fc.tuple(fc.nat(), fc.constantFrom(...'ABCabc012-_.=+/ ')), { minLength: 1, maxLength: 4 }).map((edits) => {
        const chars = [...genuine];
        for (const [at, c] of edits) chars[at % chars.length] = c;
        return chars.join('');
      }),
    );

    await fc.assert(
      fc.asyncProperty(forged, async (token) => {
        if (sameSignedBytes(token, genuine)) return; // base64url's unused trailing bits: the very same token
        const a = await bearer(`Bearer ${token}`);
        assertWellFormed(a, false);
        if (a.status === 200) throw new Error(`forged token accepted: ${token}`);
        const viaPassport = await send(`${base}/api/passport`, 'GET', { authorization: `Bearer ${token}` });
        if (viaPassport.status !== 401 && viaPassport.status !== 400) throw new Error(`passport: ${viaPassport.status} for a forged token`);
      }),
      params(1500),
    );
  });
});

/** True when `token` is the genuine token up to base64url spellings of the same signature bytes. */
function sameSignedBytes(token: string, genuine: string): boolean {
  const a = token.split('.');
  const b = genuine.split('.');
  if (a.length !== 3 || a[0] !== b[0] || a[1] !== b[1] || !/^[A-Za-z0-9_-]+$/.test(a[2])) return false;
  return Buffer.from(a[2], 'base64url').equals(Buffer.from(b[2], 'base64url'));
}

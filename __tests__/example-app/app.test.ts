// __tests__/example-app/app.test.ts
// Drives example-app/ over HTTP. It requires the BUILT package (dist/) and example (example-app/dist/): `npm test`
// builds both first; locally `npm run build && npm run build:example`.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { createApp } from '../../example-app/app';
import type { ExampleApp } from '../../example-app/app';
import { runCommand, type CliRun } from '../helpers/cli';

const ROOT = path.join(__dirname, '..', '..');
const PORT = 4321;
const ISSUER = `http://localhost:${PORT}`;
const ALICE = { email: 'alice@example.com', password: 'wonderland' };
const BOB = { email: 'bob@example.com', password: 'builder-bob' };
const WEB = { id: 'demo-web', secret: 'demo-web-secret' };

let dataDir: string;
let example: ExampleApp;
const logs: string[] = [];
/** Every secret a test sent or received; none may ever reach the log. */
const secrets = new Set<string>([ALICE.password, BOB.password, WEB.secret, 'carol-pass-123', 'not-wonderland']);

function token(body: Record<string, string>, auth: { id: string; secret: string } | null = WEB) {
  const req = request(example.app).post('/oauth2/token').type('form');
  if (auth !== null) req.auth(auth.id, auth.secret);
  return req.send(new URLSearchParams(body).toString());
}

function remember(body: Record<string, unknown>): void {
  for (const key of ['access_token', 'refresh_token', 'id_token']) {
    if (typeof body[key] === 'string') secrets.add(body[key]);
  }
}

async function login(user = ALICE, extra: Record<string, string> = {}): Promise<Record<string, string>> {
  const res = await token({ grant_type: 'password', username: user.email, password: user.password, ...extra });
  expect(res.status).toBe(200);
  remember(res.body);
  return res.body;
}

function events(name: string): Array<Record<string, unknown>> {
  return logs
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((e) => e.event === name);
}

/** `npm run add-user -- <args>`, with `password` piped on stdin. */
function runAddUser(args: string[], password = ''): Promise<CliRun> {
  return runCommand([process.execPath, path.join(ROOT, 'example-app/dist/add-user.js')], args, dataDir, password, { DATA_DIR: dataDir });
}

beforeAll(() => {
  if (!fs.existsSync(path.join(ROOT, 'example-app/dist/add-user.js'))) {
    throw new Error('example-app/dist/ is missing: run `npm run build && npm run build:example` first');
  }
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'epg-example-'));
  example = createApp({ dataDir, port: PORT, log: (line) => logs.push(line), bcryptCost: 4 });
});

afterAll(async () => {
  await example?.store.close?.();
  example?.db.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('first run', () => {
  it('seeds users and clients with bcrypt hashes, prints the demo credentials, and keeps a signing key', () => {
    expect(logs.join('\n')).toContain(`${ALICE.email} / ${ALICE.password}`);
    expect(logs.join('\n')).toContain(`${WEB.id} / ${WEB.secret}`);
    expect(example.db.findUserByEmail(ALICE.email)?.password_hash).toMatch(/^\$2[aby]\$04\$/);
    expect(example.db.findClient(WEB.id)?.secretHash).toMatch(/^\$2[aby]\$/);
    expect(example.db.findClient('demo-cli')?.secretHash).toBeUndefined();
    expect(fs.readFileSync(path.join(dataDir, 'signing-key.pem'), 'utf8')).toContain('PRIVATE KEY');
    const database = fs.readFileSync(path.join(dataDir, 'example.sqlite')).toString('latin1');
    expect(database).not.toContain(ALICE.password);
    expect(database).not.toContain(WEB.secret);
  });
});

describe("password grant through the app's passport-local strategy (usernameField: email)", () => {
  it('logs a seed user in with Basic client auth and issues RFC 9068 tokens for the example issuer', async () => {
    const body = await login(ALICE, { scope: 'openid profile orders offline_access' });
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'openid profile orders offline_access' });
    expect(typeof body.refresh_token).toBe('string');
    expect(typeof body.id_token).toBe('string');
    const header = jwt.decode(body.access_token, { complete: true })?.header;
    expect(header).toMatchObject({ alg: 'RS256', typ: 'at+jwt' });
    const claims = jwt.decode(body.access_token) as Record<string, unknown>;
    expect(claims).toMatchObject({ iss: ISSUER, sub: String(example.db.findUserByEmail(ALICE.email)?.id), client_id: WEB.id });
    const idToken = jwt.decode(body.id_token) as Record<string, unknown>;
    // OIDC Core §5.4: "profile" releases name; "email" was not asked for, so no email claim.
    expect(idToken).toMatchObject({ aud: WEB.id, name: 'Alice Liddell' });
    expect(idToken.email).toBeUndefined();
    expect(events('login.succeeded').at(-1)).toMatchObject({ clientId: WEB.id, username: ALICE.email });
    expect(events('token.issued').at(-1)).toMatchObject({ grantType: 'password', refreshToken: true, idToken: true });
  });

  it("accepts the same strategy at the app's own POST /login, so both check passwords one way", async () => {
    const res = await request(example.app).post('/login').type('form').send({ email: ALICE.email, password: ALICE.password });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: String(example.db.findUserByEmail(ALICE.email)?.id), email: ALICE.email });
    const bad = await request(example.app).post('/login').type('form').send({ email: ALICE.email, password: 'not-wonderland' });
    expect(bad.status).toBe(401);
    // The strategy's failure reason is for the token endpoint's audit log: the login form answers both alike.
    const unknown = await request(example.app).post('/login').type('form').send({ email: 'nobody@example.com', password: 'x' });
    expect([unknown.status, unknown.text]).toEqual([bad.status, bad.text]);
  });

  it("works with client_secret_post (Curity's request shape) and with the public client", async () => {
    const post = await request(example.app)
      .post('/oauth2/token')
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .send(`grant_type=password&client_id=${WEB.id}&client_secret=${WEB.secret}&username=alice%40example.com&password=${ALICE.password}`);
    expect(post.status).toBe(200);
    expect(post.body.scope).toBe('profile orders');
    remember(post.body);
    const pub = await token({ grant_type: 'password', client_id: 'demo-cli', username: ALICE.email, password: ALICE.password }, null);
    expect(pub.status).toBe(200);
    expect(typeof pub.body.refresh_token).toBe('string');
    remember(pub.body);
  });

  it('answers a wrong password and an unknown email with the same 400 invalid_grant, and logs login.failed', async () => {
    const wrong = await token({ grant_type: 'password', username: ALICE.email, password: 'not-wonderland' });
    const unknown = await token({ grant_type: 'password', username: 'nobody@example.com', password: 'not-wonderland' });
    for (const res of [wrong, unknown]) {
      expect(res.status).toBe(400);
      expect(res.headers['cache-control']).toBe('no-store');
    }
    expect(wrong.body.error).toBe('invalid_grant');
    // Byte for byte the same answer (but the Date header): the client cannot tell which it was.
    const wire = (res: request.Response) => ({ status: res.status, headers: { ...res.headers, date: undefined }, body: res.text });
    expect(wire(unknown)).toEqual(wire(wrong));
    // The app's passport-local strategy says why in its fail info (`reason`), so the audit log can tell them apart.
    const failed = events('login.failed').filter((e) => e.username === ALICE.email || e.username === 'nobody@example.com');
    expect(failed.map((e) => [e.username, e.reason])).toEqual([
      [ALICE.email, 'bad_password'],
      ['nobody@example.com', 'unknown_user'],
    ]);
  });

  it('answers a wrong client secret with 401 invalid_client and a Basic challenge', async () => {
    const res = await token({ grant_type: 'password', username: ALICE.email, password: ALICE.password }, { id: WEB.id, secret: 'nope' });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
    expect(res.headers['www-authenticate']).toMatch(/^Basic realm=/);
  });

  it('keeps JSON errors although the app parses bodies itself: a repeated parameter, a body too large, a GET', async () => {
    const repeated = await request(example.app)
      .post('/oauth2/token')
      .auth(WEB.id, WEB.secret)
      .type('form')
      .send(`grant_type=password&username=${ALICE.email}&password=a&password=b`);
    expect(repeated.status).toBe(400);
    expect(repeated.body.error).toBe('invalid_request');
    // Past the app's own urlencoded() limit (100 kB) the app's error handler answers, still as JSON.
    const huge = await request(example.app)
      .post('/oauth2/token')
      .type('form')
      .send(`grant_type=password&username=${'a'.repeat(200_000)}`);
    expect(huge.status).toBe(413);
    expect(huge.body.error).toBe('invalid_request');
    const get = await request(example.app).get('/oauth2/token');
    expect(get.status).toBe(405);
    expect(get.body.error).toBe('invalid_request');
  });
});

describe('protected routes', () => {
  it("/api/me (requireToken, scope profile) returns the caller from the app's user table", async () => {
    const { access_token: at } = await login(ALICE);
    const res = await request(example.app).get('/api/me').set('Authorization', `Bearer ${at}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ clientId: WEB.id, email: ALICE.email, name: 'Alice Liddell', scope: ['profile', 'orders'] });
  });

  it("/api/orders (passport 'oauth2-bearer') returns only the caller's orders", async () => {
    const { access_token: at } = await login(ALICE);
    const res = await request(example.app).get('/api/orders').set('Authorization', `Bearer ${at}`);
    expect(res.status).toBe(200);
    expect(res.body.orders.map((o: { item: string }) => o.item)).toEqual(['Looking-glass', 'Pocket watch']);
  });

  it('answers a missing token with 401 and a Bearer challenge, a bad token with invalid_token', async () => {
    const missing = await request(example.app).get('/api/me');
    expect(missing.status).toBe(401);
    expect(missing.headers['www-authenticate']).toBe(`Bearer realm="${ISSUER}"`);
    const bad = await request(example.app).get('/api/orders').set('Authorization', 'Bearer not.a.token');
    expect(bad.status).toBe(401);
    expect(bad.headers['www-authenticate']).toContain('error="invalid_token"');
  });

  it('answers 403 insufficient_scope when the user may not grant "profile" (bob)', async () => {
    const body = await login(BOB);
    expect(body.scope).toBe('orders');
    const me = await request(example.app).get('/api/me').set('Authorization', `Bearer ${body.access_token}`);
    expect(me.status).toBe(403);
    expect(me.headers['www-authenticate']).toContain('error="insufficient_scope"');
    const orders = await request(example.app).get('/api/orders').set('Authorization', `Bearer ${body.access_token}`);
    expect(orders.status).toBe(200);
    expect(orders.body.orders.map((o: { item: string }) => o.item)).toEqual(['Spanner set']);
  });
});

describe('refresh', () => {
  it('rotates the refresh token, and a reused one revokes the whole login', async () => {
    const first = await login(ALICE);
    const second = await token({ grant_type: 'refresh_token', refresh_token: first.refresh_token });
    expect(second.status).toBe(200);
    remember(second.body);
    expect(second.body.refresh_token).not.toBe(first.refresh_token);
    const me = await request(example.app).get('/api/me').set('Authorization', `Bearer ${second.body.access_token}`);
    expect(me.status).toBe(200);
    expect(events('token.refreshed').length).toBeGreaterThan(0);

    const reuse = await token({ grant_type: 'refresh_token', refresh_token: first.refresh_token });
    expect(reuse.status).toBe(400);
    expect(reuse.body.error).toBe('invalid_grant');
    expect(events('refresh.reused')).toHaveLength(1);
    const afterRevoke = await token({ grant_type: 'refresh_token', refresh_token: second.body.refresh_token });
    expect(afterRevoke.body.error).toBe('invalid_grant');
    const revoked = await request(example.app).get('/api/me').set('Authorization', `Bearer ${second.body.access_token}`);
    expect(revoked.status).toBe(401);
  });
});

describe('discovery and the demo console', () => {
  it('publishes discovery at the root, naming the endpoints where the router is mounted (/oauth2)', async () => {
    for (const where of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']) {
      const res = await request(example.app).get(where);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        issuer: ISSUER,
        token_endpoint: `${ISSUER}/oauth2/token`,
        revocation_endpoint: `${ISSUER}/oauth2/revoke`,
        introspection_endpoint: `${ISSUER}/oauth2/introspect`,
        jwks_uri: `${ISSUER}/oauth2/jwks`,
        grant_types_supported: ['password', 'refresh_token'],
      });
      expect(res.body.scopes_supported).toEqual(expect.arrayContaining(['openid', 'profile', 'orders']));
    }
    const jwks = await request(example.app).get('/oauth2/jwks');
    expect(jwks.status).toBe(200);
    expect(jwks.body.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256' });
  });

  it('serves the console at / as HTML labelled a developer demo, under a CSP that forbids inline script', async () => {
    const res = await request(example.app).get('/');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain('Developer demo');
    expect(res.text).toContain('authorization code flow with PKCE');
    const csp = res.headers['content-security-policy'];
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers['cache-control']).toBe('no-store');
    // No inline script and no third-party origin: every <script> has a same-origin src.
    expect(res.text).not.toMatch(/<script(?![^>]*\ssrc="\/[\w.-]+")[^>]*>/);
    expect(res.text).not.toMatch(/(src|href)="(https?:)?\/\//);
    const js = await request(example.app).get('/demo.js');
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toMatch(/javascript/);
    const css = await request(example.app).get('/demo.css');
    expect(css.status).toBe(200);
  });

  it('offers only the public client in the console: no client secret reaches the browser', async () => {
    const files = await Promise.all(['/', '/demo.js', '/sessions.js'].map((p) => request(example.app).get(p)));
    for (const file of files) expect(file.status).toBe(200);
    for (const file of files) expect(file.text).not.toContain(WEB.secret);
    const options = [...files[0].text.matchAll(/<option value="([^"]+)"/g)].map((m) => m[1]);
    expect(options).toContain('demo-cli');
    expect(options).not.toContain(WEB.id);
  });
});

describe('add-user', () => {
  it('adds a user who can then log in; a duplicate email fails with exit code 1', async () => {
    const added = await runAddUser(['carol@example.com', '--name', 'Carol Danvers'], 'carol-pass-123\n');
    expect(added).toMatchObject({ code: 0 });
    expect(added.stdout).toContain('carol@example.com (Carol Danvers)');
    expect(added.stdout + added.stderr).not.toContain('carol-pass-123');
    const body = await login({ email: 'Carol@Example.com', password: 'carol-pass-123' });
    const me = await request(example.app).get('/api/me').set('Authorization', `Bearer ${body.access_token}`);
    expect(me.body).toMatchObject({ email: 'carol@example.com', name: 'Carol Danvers' });

    const again = await runAddUser(['carol@example.com'], 'carol-pass-123');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already exists');
    const usage = await runAddUser([]);
    expect(usage.code).toBe(2);
  });
});

describe('restart', () => {
  it('reuses the data dir: no second seeding, and tokens signed before still verify', async () => {
    const { access_token: at } = await login(ALICE);
    const restartLogs: string[] = [];
    const restarted = createApp({ dataDir, port: PORT, log: (line) => restartLogs.push(line), bcryptCost: 4 });
    try {
      expect(restartLogs.join('\n')).not.toContain('Seeded');
      expect(restartLogs.join('\n')).not.toContain('Generated');
      const res = await request(restarted.app).get('/api/orders').set('Authorization', `Bearer ${at}`);
      expect(res.status).toBe(200);
    } finally {
      await restarted.store.close?.();
      restarted.db.close();
    }
  });
});

describe('audit log', () => {
  it('never contains a password, client secret or token', () => {
    const after = logs.filter((line) => line.startsWith('{')).join('\n');
    expect(after).toContain('"event":"token.issued"');
    for (const secret of secrets) expect(after).not.toContain(secret);
    expect(after).not.toMatch(/Basic |Bearer /);
  });
});

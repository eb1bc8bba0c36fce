// __tests__/helpers/server.ts
// One way to build the app under test: a real Express app with the router mounted, real bcrypt, real keys.

import express from 'express';
import bcrypt from 'bcrypt';
import { passwordGrant, hashSecret, dummyVerify, MemoryStore, type PasswordGrantOptions, type Client, type User } from '../../lib';
import { rsaPem } from './keys';

export const ISSUER = 'https://auth.example.com';
export const AUDIENCE = 'https://api.example.com';
export const COST = 4; // bcrypt cost for fixtures: real bcrypt, fast tests

export interface Fixture {
  readonly clients: Map<string, Client>;
  readonly users: Map<string, { id: string; passwordHash: string; scopes?: string[]; claims?: Record<string, unknown> }>;
}

let fixture: Promise<Fixture> | undefined;

/** Clients and users shared by tests; secrets and passwords are the strings named in comments. */
export function loadFixture(): Promise<Fixture> {
  fixture ??= (async () => {
    const clients = new Map<string, Client>();
    // secret: "s3cr:et with colon" — a colon, a space and unicode must survive Basic encoding
    clients.set('web', {
      id: 'web',
      secretHash: await hashSecret('s3cr:et with colon ✓', COST),
      grants: ['password', 'refresh_token'],
      scopes: ['openid', 'profile', 'email', 'offline_access', 'orders', 'admin'],
      defaultScopes: ['orders'],
    });
    clients.set('cli', { id: 'cli', grants: ['password', 'refresh_token'], scopes: ['openid', 'orders', 'profile'] });
    clients.set('norefresh', { id: 'norefresh', grants: ['password'], scopes: ['orders'] });
    clients.set('refreshonly', { id: 'refreshonly', secretHash: await hashSecret('refresh-only-secret', COST), grants: ['refresh_token'], scopes: ['orders'] });
    // Okta's reference request: Basic auth, client 0oabucvy, secret "okta-secret"
    clients.set('0oabucvy', {
      id: '0oabucvy',
      secretHash: await hashSecret('okta-secret', COST),
      grants: ['password', 'refresh_token'],
      scopes: ['openid', 'profile', 'email'],
    });
    // Curity's reference request: client "legacy" with client_secret_post
    clients.set('legacy', { id: 'legacy', secretHash: await hashSecret('THE_SECRET', COST), grants: ['password', 'refresh_token'], scopes: ['read'] });
    const users = new Map<string, { id: string; passwordHash: string; scopes?: string[]; claims?: Record<string, unknown> }>();
    users.set('alice', {
      id: 'u-alice',
      passwordHash: await bcrypt.hash('correct horse', COST),
      claims: { name: 'Alice Liddell', email: 'alice@example.com', email_verified: true, phone_number: '+1 555' },
    });
    users.set('bob', { id: 'u-bob', passwordHash: await bcrypt.hash('hunter2', COST), scopes: ['orders', 'profile'] });
    users.set('testuser1@example.com', { id: 'u-okta', passwordHash: await bcrypt.hash('|mCovrlnU9oZU4qWGrhQSM=yd', COST) });
    users.set('THE_USERNAME', { id: 'u-curity', passwordHash: await bcrypt.hash('THE_USER_PASSWORD', COST) });
    return { clients, users };
  })();
  return fixture;
}

/** The app's own verifyUser, as the README tells users to write it. */
export function verifyUserFrom(f: Fixture): NonNullable<PasswordGrantOptions['verifyUser']> {
  return async (username: string, password: string): Promise<User | null | false> => {
    const row = f.users.get(username);
    if (!row) {
      await dummyVerify(password, COST);
      return null;
    }
    if (!(await bcrypt.compare(password, row.passwordHash))) return false;
    return { id: row.id, scopes: row.scopes, claims: row.claims, username };
  };
}

export interface TestServer {
  readonly app: express.Express;
  readonly auth: ReturnType<typeof passwordGrant>;
  readonly fixture: Fixture;
  readonly events: Array<{ name: string; payload: unknown }>;
}

/** passwordGrant() over the fixture's clients and users, a real key and a fresh MemoryStore; no app around it. */
export async function fixtureGrant(overrides: Partial<PasswordGrantOptions> = {}): Promise<{ auth: ReturnType<typeof passwordGrant>; fixture: Fixture }> {
  const f = await loadFixture();
  const auth = passwordGrant({
    issuer: ISSUER,
    audience: AUDIENCE,
    signingKeys: { kid: 'k1', alg: 'RS256', key: rsaPem() },
    findClient: (id) => f.clients.get(id) ?? null,
    verifyUser: verifyUserFrom(f),
    store: new MemoryStore(),
    ...overrides,
  });
  return { auth, fixture: f };
}

/**
 * A fresh app for each case, as the README's Quick start writes it: discovery at the root, router at /oauth2,
 * protected routes /api/me (profile) and /api/orders (orders).
 */
export async function createServer(overrides: Partial<PasswordGrantOptions> = {}, expressImpl: typeof express = express): Promise<TestServer> {
  const { auth, fixture: f } = await fixtureGrant(overrides);
  const events: Array<{ name: string; payload: unknown }> = [];
  for (const name of [
    'login.succeeded',
    'login.failed',
    'token.issued',
    'token.refreshed',
    'refresh.reused',
    'session.revoked',
    'token.revoked',
    'token.rejected',
    'throttled',
    'client.failed',
    'error',
  ] as const) {
    auth.on(name, (payload: unknown) => events.push({ name, payload }));
  }
  const app = expressImpl();
  app.use(auth.discovery);
  app.use('/oauth2', auth.router);
  app.get('/api/me', auth.requireToken({ scope: 'profile' }), (req, res) => {
    res.json(req.auth);
  });
  app.get('/api/orders', auth.requireToken({ scope: 'orders' }), (req, res) => {
    res.json({ sub: req.auth?.sub, orders: [] });
  });
  return { app: app as express.Express, auth, fixture: f, events };
}

/** `Authorization: Basic` per RFC 6749 §2.3.1: form-urlencode id and secret, then base64. */
export function basic(id: string, secret: string): string {
  const enc = (s: string): string => encodeURIComponent(s).replace(/%20/g, '+');
  return 'Basic ' + Buffer.from(`${enc(id)}:${enc(secret)}`).toString('base64');
}

export const WEB_SECRET = 's3cr:et with colon ✓';

export function form(params: Record<string, string>): string {
  return new URLSearchParams(params).toString();
}

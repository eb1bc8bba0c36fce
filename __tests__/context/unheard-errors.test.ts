// __tests__/context/unheard-errors.test.ts
// Without an `error` listener, every internal error reaches stderr with its detail and causes, never a secret, at
// most ten lines a minute per instance (then one line saying more are held back, and their count a minute later).

import vm from 'node:vm';
import express from 'express';
import request from 'supertest';
import { MemoryStore, passwordGrant, type PasswordGrantOptions } from '../../lib';
import { rsaPem } from '../helpers/keys';
import { basic, form, loadFixture, WEB_SECRET } from '../helpers/server';

const PASSWORD = 'correct horse';
const login = { grant_type: 'password', username: 'alice', password: PASSWORD };

/** An app with no `error` listener whose verifyUser fails like a database that went away. */
async function unheardApp(overrides: Partial<PasswordGrantOptions> = {}) {
  const f = await loadFixture();
  const auth = passwordGrant({
    issuer: 'https://auth.example.com',
    signingKeys: { kid: 'k1', alg: 'RS256', key: rsaPem() },
    findClient: (id) => f.clients.get(id) ?? null,
    verifyUser: async () => {
      throw new Error('db down', { cause: new Error('connect ECONNREFUSED 127.0.0.1:5432') });
    },
    store: new MemoryStore(),
    ...overrides,
  });
  const app = express();
  app.use('/oauth2', auth.router);
  return { app, auth };
}

const fail = (app: express.Express) => request(app).post('/oauth2/token').set('Authorization', basic('web', WEB_SECRET)).type('form').send(form(login));

let lines: string[];
let spy: jest.SpyInstance;
beforeEach(() => {
  lines = [];
  spy = jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    lines.push(args.map(String).join(' '));
  });
});
afterEach(() => spy.mockRestore());

it('writes every internal error, not only the first, with its detail and cause chain', async () => {
  const { app } = await unheardApp();
  for (let i = 0; i < 3; i += 1) expect((await fail(app)).status).toBe(500);
  expect(lines).toHaveLength(3);
  for (const line of lines) {
    expect(line).toContain('express-password-grant: internal error server_error: verifyUser failed');
    expect(line).toContain('caused by Error: db down; caused by Error: connect ECONNREFUSED 127.0.0.1:5432');
    expect(line).toContain("auth.on('error'");
    expect(line.split('\n')).toHaveLength(1);
  }
});

it('writes an error of another realm (a native driver loaded by another context) with its name, message and cause', async () => {
  // better-sqlite3 and other addons keep the Error class of the context that loaded them first; jest and vm give each
  // context its own, where `instanceof Error` is false. The line must still say what the driver said.
  const foreign = vm.runInNewContext("new Error('no such table: epg_counters', { cause: new TypeError('inner') })") as Error;
  expect(foreign instanceof Error).toBe(false);
  const { app } = await unheardApp({
    verifyUser: async () => {
      throw foreign;
    },
  });
  expect((await fail(app)).status).toBe(500);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain('caused by Error: no such table: epg_counters; caused by TypeError: inner');
  expect(lines[0]).not.toContain('a thrown object');
});

it('never writes the password, the client secret or a token', async () => {
  const { app } = await unheardApp({ verifyUser: async () => ({ id: 'u', scopes: 'not-a-list' }) as never });
  await fail(app);
  // A store failure after tokens were minted: the refresh token must not show up either.
  const store = new MemoryStore();
  store.saveSession = async () => {
    throw new Error('disk full');
  };
  const { app: storeApp } = await unheardApp({ store, verifyUser: async () => ({ id: 'u-alice' }) });
  const res = await fail(storeApp);
  expect(res.status).toBe(503);
  const all = lines.join('\n');
  expect(lines).toHaveLength(2);
  expect(all).toContain('verifyUser returned a user whose scopes is not an array of strings');
  expect(all).toContain('temporarily_unavailable: store saveSession failed; caused by StoreError');
  for (const secret of [PASSWORD, WEB_SECRET, 'alice']) expect(all).not.toContain(secret);
});

it('is rate-limited per instance: ten lines a minute, one line saying so, then the count of those held back', async () => {
  let clock = Date.parse('2026-01-01T00:00:00Z');
  // Throttling off: this test is about the log, not about lockouts.
  const { app } = await unheardApp({ now: () => clock, throttle: false });
  const { app: other } = await unheardApp({ now: () => clock, throttle: false });
  for (let i = 0; i < 14; i += 1) await fail(app);
  expect(lines).toHaveLength(11);
  expect(lines[10]).toMatch(/^express-password-grant: 10 internal errors this minute; more are counted, not printed/);
  // Another instance has a budget of its own.
  await fail(other);
  expect(lines).toHaveLength(12);
  expect(lines[11]).toContain('verifyUser failed');
  clock += 60_000;
  await fail(app);
  expect(lines.slice(12)).toEqual([
    expect.stringMatching(/^express-password-grant: 4 further internal error\(s\) were not printed in the last minute/),
    expect.stringContaining('verifyUser failed'),
  ]);
});

it('writes nothing when the app listens for `error`: the listener gets the error with detail and cause', async () => {
  const { app, auth } = await unheardApp();
  const heard: Array<Error & { detail?: string }> = [];
  auth.on('error', (err) => heard.push(err));
  await fail(app);
  expect(lines).toEqual([]);
  expect(heard[0].detail).toBe('verifyUser failed');
  expect((heard[0].cause as Error).message).toBe('db down');
});

it('writes a misconfigured client record as a line naming the field, without its secret', async () => {
  const { app } = await unheardApp({ findClient: (id) => (id === 'plain' ? ({ id: 'plain', secret: 'plain-secret', grants: ['password'] } as never) : null) });
  const res = await request(app)
    .post('/oauth2/token')
    .type('form')
    .send(form({ ...login, client_id: 'plain' }));
  expect(res.status).toBe(500);
  // The sentence once: not again as the message of the TypeError that carries it (with a frame inside this library).
  expect(lines).toEqual([
    "express-password-grant: internal error server_error: findClient('plain') returned a client with a secret in secret and no credential " +
      'the library reads: store the output of hashSecret(secret) in secretHash (else the client is public) ' +
      "(attach auth.on('error', listener) to handle internal errors yourself)",
  ]);
  expect(lines.join('\n')).not.toContain('plain-secret');
});

it("hands an `error` listener the misconfigured record's sentence once: as its detail, with no cause repeating it", async () => {
  const { app, auth } = await unheardApp({
    findClient: (id) => (id === 'plain' ? ({ id: 'plain', secret: 'plain-secret', grants: ['password'] } as never) : null),
  });
  const heard: Array<Error & { detail?: string }> = [];
  auth.on('error', (err) => heard.push(err));
  await request(app)
    .post('/oauth2/token')
    .type('form')
    .send(form({ ...login, client_id: 'plain' }));
  expect(heard).toHaveLength(1);
  expect(heard[0].detail).toMatch(/^findClient\('plain'\) returned a client with a secret in secret /);
  expect(heard[0].cause).toBeUndefined();
});

it('writes a malformed user from verifyUser as one line that says its sentence once', async () => {
  const { app } = await unheardApp({ verifyUser: () => ({ id: 'alice', scopes: 'orders' }) as never });
  expect((await fail(app)).status).toBe(500);
  expect(lines).toEqual([
    'express-password-grant: internal error server_error: verifyUser returned a user whose scopes is not an array of strings ' +
      "(attach auth.on('error', listener) to handle internal errors yourself)",
  ]);
});

it('keeps its lines for internal errors: requireTLS refusals a stranger can send at will do not use them up', async () => {
  const spy = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
  try {
    const { app } = await unheardApp({ requireTLS: true });
    // Plain HTTP claiming X-Forwarded-Proto: https through a proxy Express does not trust: an `error` event each.
    for (let i = 0; i < 12; i += 1) {
      expect((await request(app).post('/oauth2/token').set('X-Forwarded-Proto', 'https').type('form').send(form(login))).status).toBe(400);
    }
    app.set('trust proxy', 'loopback');
    const res = await request(app)
      .post('/oauth2/token')
      .set('X-Forwarded-Proto', 'https')
      .set('Authorization', basic('web', WEB_SECRET))
      .type('form')
      .send(form(login));
    expect(res.status).toBe(500);
    expect(lines).toEqual([expect.stringContaining('verifyUser failed; caused by Error: db down')]);
  } finally {
    spy.mockRestore();
  }
});

// __tests__/security/enumeration.test.ts
// No user (or client) enumeration: unknown, wrong and disabled look the same on the wire, and take about as long.
// The timing check is deliberately loose (medians within a factor of 3): it catches a missing dummy bcrypt
// (a factor of ~50 at cost 10), not small differences; it is not a benchmark.

import bcrypt from 'bcrypt';
import request from 'supertest';
import { dummyVerify, hashSecret, type Client, type User } from '../../lib';
import { basic, createServer, form, type TestServer } from '../helpers/server';

const COST = 10; // the library's default cost: the one whose absence would be measurable

interface Row {
  readonly id: string;
  readonly hash: string;
  readonly disabled: boolean;
}

let rows: Map<string, Row>;
let confidential: Client;

beforeAll(async () => {
  rows = new Map([
    ['carol', { id: 'u-carol', hash: await bcrypt.hash('carol-pass', COST), disabled: false }],
    ['dave', { id: 'u-dave', hash: await bcrypt.hash('dave-pass', COST), disabled: true }],
  ]);
  confidential = { id: 'backend', secretHash: await hashSecret('backend-secret', COST), grants: ['password'], scopes: ['orders'] };
});

/** verifyUser as docs/security.md recommends: a dummy compare for unknown users, disabled reported as a failure. */
async function verifyUser(username: string, password: string): Promise<User | null | false> {
  const row = rows.get(username);
  if (row === undefined) return dummyVerify(password, COST).then(() => null);
  if (!(await bcrypt.compare(password, row.hash))) return false;
  if (row.disabled) return null;
  return { id: row.id };
}

async function server(): Promise<TestServer> {
  return createServer({ verifyUser, throttle: false, findClient: (id) => (id === 'backend' ? confidential : null) });
}

const login = (s: TestServer, username: string, password: string) =>
  request(s.app)
    .post('/oauth2/token')
    .set('Authorization', basic('backend', 'backend-secret'))
    .type('form')
    .send(form({ grant_type: 'password', username, password }));

const clientAuth = (s: TestServer, id: string, secret: string) =>
  request(s.app)
    .post('/oauth2/token')
    .set('Authorization', basic(id, secret))
    .type('form')
    .send(form({ grant_type: 'password', username: 'carol', password: 'carol-pass' }));

function wire(res: request.Response): unknown {
  const { date: _date, ...headers } = res.headers;
  return { status: res.status, headers, body: res.text };
}

describe('identical responses', () => {
  it('unknown user, wrong password and disabled user get the same status, headers and body', async () => {
    const s = await server();
    const unknown = await login(s, 'mallory', 'dave-pass');
    const wrong = await login(s, 'carol', 'dave-pass');
    const disabled = await login(s, 'dave', 'dave-pass');
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toBe('invalid_grant');
    expect(wire(wrong)).toEqual(wire(unknown));
    expect(wire(disabled)).toEqual(wire(unknown));
    // The reasons exist, but only in events.
    expect(s.events.filter((e) => e.name === 'login.failed').map((e) => (e.payload as { reason: string }).reason)).toEqual([
      'unknown_user',
      'bad_password',
      'unknown_user',
    ]);
  });

  it('unknown client and wrong client secret get the same status, headers and body', async () => {
    const s = await server();
    expect(wire(await clientAuth(s, 'nobody', 'backend-secret'))).toEqual(wire(await clientAuth(s, 'backend', 'wrong')));
  });
});

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Runs the two request kinds interleaved (so load changes hit both alike) and returns each kind's median ms. */
async function medians(a: () => Promise<unknown>, b: () => Promise<unknown>, rounds = 9): Promise<[number, number]> {
  const ta: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < rounds; i++) {
    for (const [run, into] of [[a, ta], [b, tb]] as const) {
      const start = process.hrtime.bigint();
      await run();
      into.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
  }
  return [median(ta), median(tb)];
}

describe('indistinguishable timing (loose statistical check)', () => {
  it('an unknown user costs about what a wrong password costs', async () => {
    const s = await server();
    const [unknown, wrong] = await medians(() => login(s, 'mallory', 'x'), () => login(s, 'carol', 'x'));
    expect(unknown / wrong).toBeGreaterThan(1 / 3);
    expect(unknown / wrong).toBeLessThan(3);
  });

  it('an unknown client costs about what a wrong client secret costs', async () => {
    const s = await server();
    const [unknown, wrong] = await medians(() => clientAuth(s, 'nobody', 'x'), () => clientAuth(s, 'backend', 'x'));
    expect(unknown / wrong).toBeGreaterThan(1 / 3);
    expect(unknown / wrong).toBeLessThan(3);
  });
});

// __tests__/security/enumeration.test.ts
// No user (or client) enumeration: unknown, wrong and disabled look the same on the wire, and take about as long.
// The timing check is deliberately loose (the median of paired ratios within a factor of 4): it catches a missing
// dummy bcrypt (a factor of ~50 at cost 10), not small differences; it is not a benchmark.

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

async function elapsedMs(run: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await run();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/**
 * The median of paired ratios time(a) / time(b). Each round runs one request of each kind back to back, in
 * alternating order (neither kind always goes second), and keeps the ratio of that pair: a load spike on a shared
 * 2-core CI box slows both requests of a pair alike and barely moves their ratio, and the median ignores the few
 * rounds a spike did split. One discarded round first warms both paths (the dummy hash, the JIT).
 */
async function medianRatio(a: () => Promise<unknown>, b: () => Promise<unknown>, rounds = 11): Promise<number> {
  await a();
  await b();
  const ratios: number[] = [];
  for (let i = 0; i < rounds; i++) {
    let ta: number;
    let tb: number;
    if (i % 2 === 0) {
      ta = await elapsedMs(a);
      tb = await elapsedMs(b);
    } else {
      tb = await elapsedMs(b);
      ta = await elapsedMs(a);
    }
    ratios.push(ta / tb);
  }
  return median(ratios);
}

// A missing dummy compare shows as a factor of ~50 at cost 10; a factor of 4 either way is noise, not a leak.
const MAX_RATIO = 4;

describe('indistinguishable timing (loose statistical check)', () => {
  it('an unknown user costs about what a wrong password costs', async () => {
    const s = await server();
    const ratio = await medianRatio(
      () => login(s, 'mallory', 'x'),
      () => login(s, 'carol', 'x'),
    );
    expect(ratio).toBeGreaterThan(1 / MAX_RATIO);
    expect(ratio).toBeLessThan(MAX_RATIO);
  });

  it('an unknown client costs about what a wrong client secret costs', async () => {
    const s = await server();
    const ratio = await medianRatio(
      () => clientAuth(s, 'nobody', 'x'),
      () => clientAuth(s, 'backend', 'x'),
    );
    expect(ratio).toBeGreaterThan(1 / MAX_RATIO);
    expect(ratio).toBeLessThan(MAX_RATIO);
  });
});

// __tests__/helpers/user-table.ts
// An app with its own user table and lookup rule (exact, as `===` or PostgreSQL's default collation, or case- and
// accent-insensitive, as MySQL's and MariaDB's), a movable clock, and a count of verifyUser calls per typed username.

import bcrypt from 'bcrypt';
import request from 'supertest';
import { dummyVerify, loginError, MemoryStore, MFA_GRANT_TYPE, type Client, type PasswordGrantOptions, type User } from '../../lib';
import { COST, createServer, form, type TestServer } from './server';

/** One row of the table: its password, and what the app says once the password checked out. */
export interface Row {
  readonly id: string;
  readonly password: string;
  readonly state?: 'mfa' | 'expired';
  /** Seconds the clock moves while verifyUser turns down a wrong password for this row (a slow check). */
  readonly failSeconds?: number;
}

/** How the app's lookup compares a row's name with the typed username. */
export type Lookup = (name: string, typed: string) => boolean;

/** `===`, as the Quick start matches, or PostgreSQL's default collation. */
export const EXACT: Lookup = (name, typed) => name === typed;

const primary = new Intl.Collator('en', { sensitivity: 'base' });
/** ICU's root collation at primary strength: case, accents and widths ignored, as utf8mb4_0900_ai_ci does. */
export const INSENSITIVE: Lookup = (name, typed) => primary.compare(name, typed) === 0;

export const OTP = '123456';

export interface UserTableApp {
  readonly server: TestServer;
  readonly store: MemoryStore;
  /** verifyUser calls so far: all of them, or those whose typed username the table maps to `name`'s row. */
  calls(name?: string): number;
  advance(seconds: number): void;
  login(username: string, password: string, ip?: string): request.Test;
  redeem(mfaToken: string, ip?: string): request.Test;
}

/**
 * `makeStore`: the MemoryStore to use, given the app's clock (e.g. one whose calls take a moment, as a shared store's
 * do, so that concurrent requests interleave).
 */
export async function userTableApp(
  rows: Readonly<Record<string, Row>>,
  lookup: Lookup,
  overrides: Partial<PasswordGrantOptions> = {},
  makeStore: (now: () => number) => MemoryStore = (clock) => new MemoryStore({ now: clock }),
): Promise<UserTableApp> {
  let now = Math.floor(Date.now() / 1000) * 1000;
  const hashes = new Map(await Promise.all(Object.entries(rows).map(async ([name, row]) => [name, await bcrypt.hash(row.password, COST)] as const)));
  const find = (typed: string): string | undefined => Object.keys(rows).find((name) => lookup(name, typed));
  const called: Array<string | undefined> = [];
  const verifyUser = async (typed: string, password: string): Promise<User | null | false> => {
    const name = find(typed);
    called.push(name);
    if (name === undefined) return dummyVerify(password, COST).then(() => null);
    if (!(await bcrypt.compare(password, hashes.get(name)!))) {
      now += (rows[name].failSeconds ?? 0) * 1000;
      return false;
    }
    const { id, state } = rows[name];
    if (state === 'expired') throw loginError('password_expired');
    if (state === 'mfa') throw loginError('mfa_required', { user: { id } });
    return { id };
  };
  const client: Client = { id: 'app', grants: ['password', MFA_GRANT_TYPE], scopes: ['orders'] };
  const store = makeStore(() => now);
  const server = await createServer({
    now: () => now,
    store,
    verifyUser,
    findClient: (id) => (id === 'app' ? client : null),
    verifyMfa: ({ params }) => params.otp === OTP,
    ...overrides,
  });
  server.app.set('trust proxy', true);
  const post = (ip: string, params: Record<string, string>) =>
    request(server.app)
      .post('/oauth2/token')
      .set('X-Forwarded-For', ip)
      .type('form')
      .send(form({ client_id: 'app', ...params }));
  return {
    server,
    store,
    calls: (name) => called.filter((n) => name === undefined || n === name).length,
    advance: (seconds) => {
      now += seconds * 1000;
    },
    login: (username, password, ip = '198.51.100.7') => post(ip, { grant_type: 'password', username, password }),
    redeem: (mfaToken, ip = '198.51.100.7') => post(ip, { grant_type: MFA_GRANT_TYPE, mfa_token: mfaToken, otp: OTP }),
  };
}

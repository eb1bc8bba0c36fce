// example-app/db.ts
// The app's own SQLite database (better-sqlite3): users with bcrypt hashes, OAuth clients, orders; seeded once.

import fs from 'node:fs';
import path from 'node:path';
import bcrypt from 'bcrypt';
import type { Client, GrantType } from 'express-password-grant';
import { hashPassword, hashPasswordSync, newPasswordProblem } from './passwords';
import { EXAMPLE_DIR } from './paths';
import { DEMO_CLIENTS, DEMO_ORDERS, DEMO_USERS } from './seed';
import { openSqlite } from './sqlite';
import type { SqliteDatabase } from './sqlite';

/** bcrypt cost of new password hashes. Tests pass 4 to stay fast; 10 is the usual production floor. */
export const DEFAULT_BCRYPT_COST = 10;

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS users (
    id            INTEGER PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT NOT NULL,
    name          TEXT,
    scopes        TEXT,              -- space-separated scopes the user may grant; NULL = no limit
    created_at    TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
  );
  CREATE TABLE IF NOT EXISTS clients (
    id             TEXT PRIMARY KEY,
    secret_hash    TEXT,             -- NULL = public client (token endpoint auth method "none")
    grants         TEXT NOT NULL,    -- JSON array
    scopes         TEXT NOT NULL,    -- JSON array
    default_scopes TEXT              -- JSON array
  );
  CREATE TABLE IF NOT EXISTS orders (
    id      INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    item    TEXT NOT NULL,
    total   REAL NOT NULL
  );
  CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

/** A row of the users table. */
export interface UserRow {
  readonly id: number;
  readonly email: string;
  readonly password_hash: string;
  readonly name: string | null;
  readonly scopes: string | null;
  readonly created_at: string;
}

interface ClientRow {
  readonly id: string;
  readonly secret_hash: string | null;
  readonly grants: string;
  readonly scopes: string;
  readonly default_scopes: string | null;
}

export interface OrderRow {
  readonly id: number;
  readonly item: string;
  readonly total: number;
}

export interface NewUser {
  readonly email: unknown;
  readonly password: unknown;
  readonly name?: string;
  readonly scopes?: string;
}

/** The example's data access: what app.ts, the strategy and add-user need, nothing more. */
export interface ExampleDb {
  readonly sqlite: SqliteDatabase;
  /** The user row for an email (case-insensitive), or undefined. */
  findUserByEmail(email: string): UserRow | undefined;
  findUserById(id: string | number): UserRow | undefined;
  /** Adds a user with a bcrypt hash of `password`; throws on a bad email, a password passwords.ts refuses or a duplicate. */
  addUser(user: NewUser): UserRow;
  /** Replaces the user's password hash; rejects a password passwords.ts refuses. False when there is no such user. */
  setPassword(id: string | number, password: unknown): Promise<boolean>;
  /** The Client object the library's `findClient` wants, or null. */
  findClient(id: string): Client | null;
  ordersFor(userId: string | number): OrderRow[];
  close(): void;
}

export interface OpenDatabaseOptions {
  readonly log?: (line: string) => void;
  readonly bcryptCost?: number;
}

/** The data directory: the `dataDir` given, else $DATA_DIR, else example-app/data (gitignored). */
export function resolveDataDir(dataDir?: string): string {
  return path.resolve(dataDir || process.env.DATA_DIR || path.join(EXAMPLE_DIR, 'data'));
}

/** Opens (creating and seeding on first run) the database in `dataDir`. */
export function openDatabase(dataDir: string, options: OpenDatabaseOptions = {}): ExampleDb {
  const log = options.log || console.log;
  const bcryptCost = options.bcryptCost || DEFAULT_BCRYPT_COST;
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  // timeout (busy_timeout): how long this app's own statements wait, blocking, while another process writes, e.g.
  // the seeding below while `npm run add-user` runs; it serves startup only, since in WAL mode reads never wait. The
  // token store sets its own short wait around each of its statements and retries off the event loop (SqliteStore
  // lockWaitMs), so a writer elsewhere never stops this server from answering.
  const sqlite = openSqlite(path.join(dataDir, 'example.sqlite'), { timeout: 5000 });
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.exec(SCHEMA);

  const q = {
    userByEmail: sqlite.prepare('SELECT * FROM users WHERE email = ?'),
    userById: sqlite.prepare('SELECT * FROM users WHERE id = ?'),
    insertUser: sqlite.prepare('INSERT INTO users (email, password_hash, name, scopes) VALUES (?, ?, ?, ?)'),
    updatePassword: sqlite.prepare('UPDATE users SET password_hash = ? WHERE id = ?'),
    client: sqlite.prepare('SELECT * FROM clients WHERE id = ?'),
    insertClient: sqlite.prepare('INSERT INTO clients (id, secret_hash, grants, scopes, default_scopes) VALUES (?, ?, ?, ?, ?)'),
    orders: sqlite.prepare('SELECT id, item, total FROM orders WHERE user_id = ? ORDER BY id'),
    insertOrder: sqlite.prepare('INSERT INTO orders (user_id, item, total) VALUES (?, ?, ?)'),
    seeded: sqlite.prepare("SELECT value FROM meta WHERE key = 'seeded'"),
    markSeeded: sqlite.prepare("INSERT INTO meta (key, value) VALUES ('seeded', ?)"),
  };
  const userByEmail = (email: string) => q.userByEmail.get(String(email)) as UserRow | undefined;

  const db: ExampleDb = {
    sqlite,

    findUserByEmail: userByEmail,

    findUserById: (id) => q.userById.get(Number(id)) as UserRow | undefined,

    addUser({ email, password, name, scopes }) {
      if (typeof email !== 'string' || !/^[^\s@]+@[^\s@]+$/.test(email)) throw new Error('email must look like name@domain');
      const problem = newPasswordProblem(password);
      if (problem !== undefined) throw new Error(problem);
      if (userByEmail(email)) throw new Error(`a user with email ${email} already exists`);
      const hash = hashPasswordSync(password as string, bcryptCost);
      const { lastInsertRowid } = q.insertUser.run(email, hash, name || null, scopes || null);
      return q.userById.get(lastInsertRowid) as UserRow;
    },

    async setPassword(id, password) {
      const problem = newPasswordProblem(password);
      if (problem !== undefined) throw new Error(problem);
      const hash = await hashPassword(password as string, bcryptCost);
      return q.updatePassword.run(hash, Number(id)).changes === 1;
    },

    findClient(id) {
      const row = q.client.get(String(id)) as ClientRow | undefined;
      if (!row) return null;
      return {
        id: row.id,
        ...(row.secret_hash ? { secretHash: row.secret_hash } : {}),
        grants: JSON.parse(row.grants) as GrantType[],
        scopes: JSON.parse(row.scopes) as string[],
        ...(row.default_scopes ? { defaultScopes: JSON.parse(row.default_scopes) as string[] } : {}),
      };
    },

    ordersFor: (userId) => q.orders.all(Number(userId)) as OrderRow[],

    close: () => sqlite.close(),
  };

  // First run: seed in one IMMEDIATE transaction, so a server and add-user started together seed once.
  const seed = sqlite.transaction(() => {
    if (q.seeded.get()) return false;
    for (const u of DEMO_USERS) q.insertUser.run(u.email, hashPasswordSync(u.password, bcryptCost), u.name, u.scopes);
    for (const c of DEMO_CLIENTS) {
      // bcrypt, the same format the library's hashSecret() produces; only the hash is stored.
      const secretHash = c.secret ? bcrypt.hashSync(c.secret, bcryptCost) : null;
      const defaults = c.defaultScopes ? JSON.stringify(c.defaultScopes) : null;
      q.insertClient.run(c.id, secretHash, JSON.stringify(c.grants), JSON.stringify(c.scopes), defaults);
    }
    for (const o of DEMO_ORDERS) q.insertOrder.run((userByEmail(o.email) as UserRow).id, o.item, o.total);
    q.markSeeded.run(new Date().toISOString());
    return true;
  });
  if (seed.immediate()) printSeed(log, dataDir);
  return db;
}

function printSeed(log: (line: string) => void, dataDir: string): void {
  log(`Seeded a new database in ${dataDir} with demo credentials (for local use only):`);
  for (const u of DEMO_USERS) {
    log(`  user   ${u.email} / ${u.password}${u.scopes ? `   (may grant only: ${u.scopes})` : ''}`);
  }
  for (const c of DEMO_CLIENTS) {
    log(`  client ${c.id}${c.secret ? ` / ${c.secret}   (confidential)` : '   (public, no secret)'}`);
  }
}

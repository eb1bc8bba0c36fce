// lib/stores/sqlite/sqlite-store.ts
// The single-process TokenStore that survives restarts: tables in the app's better-sqlite3 database.

import { ConfigError } from '../../errors/config-error';
import { assertKnownKeys, fail, isObject } from '../../util/assert';
import { recordFromRow } from '../shared/sql-record';
import type { SqliteDatabaseLike, SqliteStatementLike } from './sqlite-like';
import { migrateSqlite, SQLITE_TABLES, sqliteStatements, sqliteTokenParams, type SqliteStatementName } from './sqlite-schema';
import { checkIdentifier, checkPositive, SqlStoreError, wholeSeconds } from '../shared/sql-store-error';
import { startSweeper, sweepTables } from '../shared/sql-sweeper';
import type { CappedHit, Counter, RefreshTokenRecord, Revocation, RotateResult, TokenStore } from '../shared/store';
import type { ListSessionsOptions, SaveSessionOptions, SessionRecord, SessionStore } from '../shared/session-store';
import { SqliteSessions } from './sqlite-sessions';
import { sessionListBounds } from '../shared/session-list';

export interface SqliteStoreOptions {
  /** The app's better-sqlite3 `Database` (v11+), opened and closed by the app. WAL mode advised: `db.pragma('journal_mode = WAL')`. */
  readonly database: SqliteDatabaseLike;
  /** Prefix of the table names, created by `migrate()`. Default `'epg_'`. */
  readonly tablePrefix?: string;
  /** How often expired rows are deleted, in ms (0: never; run `sweep()` yourself). Default 60000. */
  readonly sweepIntervalMs?: number;
  /** Rows deleted per statement by the sweeper. Default 1000. */
  readonly sweepBatchSize?: number;
}

type Listener = (revocation: Revocation | undefined) => void;
type Row = Record<string, unknown>;

/**
 * Keeps refresh tokens, revocations, counters and replay markers in SQLite, so one process keeps its users logged
 * in, its revocations and its throttles across restarts. better-sqlite3 is synchronous: each method runs to its end
 * before any other code of the process, which makes every step atomic (rotation also runs in one transaction). For
 * one process: several processes would each only hear their own revocations (use PostgresStore or RedisStore). Times
 * are this process's clock (`Date.now()`). Create the tables once with `await store.migrate()`.
 * @example
 * import Database from 'better-sqlite3';
 * const db = new Database('auth.db');
 * db.pragma('journal_mode = WAL');
 * const store = new SqliteStore({ database: db });
 * await store.migrate();
 * passwordGrant({ ..., store });
 */
export class SqliteStore implements TokenStore, SessionStore {
  private readonly db: SqliteDatabaseLike;
  private readonly prefix: string;
  private readonly batch: number;
  private readonly sql: ReturnType<typeof sqliteStatements>;
  private readonly prepared = new Map<string, SqliteStatementLike>();
  private readonly listeners = new Set<Listener>();
  private readonly stopSweeper: () => void;
  private readonly rotateTx: (previousId: string, next: RefreshTokenRecord, now: number) => RotateResult;
  private readonly sessions: SqliteSessions;

  /** Checks its options like passwordGrant() does: a wrong one is a ConfigError (a TypeError) with a code. */
  constructor(options: SqliteStoreOptions) {
    if (!isObject(options)) fail('SqliteStore: options', 'an object { database, tablePrefix?, sweepIntervalMs?, sweepBatchSize? }');
    assertKnownKeys(options, ['database', 'tablePrefix', 'sweepIntervalMs', 'sweepBatchSize'], 'SqliteStore: options');
    const db = options.database;
    if (typeof db?.prepare !== 'function' || typeof db.exec !== 'function' || typeof db.transaction !== 'function') {
      throw new ConfigError('ERR_EPG_INVALID_OPTION', 'SqliteStore: options.database must be a better-sqlite3 Database (prepare, exec, transaction)');
    }
    this.db = db;
    this.prefix = checkIdentifier('SqliteStore', 'tablePrefix', options.tablePrefix ?? 'epg_');
    this.batch = Math.floor(checkPositive('SqliteStore', 'sweepBatchSize', options.sweepBatchSize ?? 1000));
    const interval = checkPositive('SqliteStore', 'sweepIntervalMs', options.sweepIntervalMs ?? 60_000, true);
    this.sql = sqliteStatements(this.prefix);
    this.rotateTx = db.transaction((previousId: string, next: RefreshTokenRecord, now: number) => this.rotateNow(previousId, next, now));
    this.sessions = new SqliteSessions(db, this.prefix, (revocation) => this.broadcast(revocation));
    this.stopSweeper = startSweeper(interval, () => this.sweep());
  }

  /** Creates the tables if missing (idempotent). */
  async migrate(): Promise<void> {
    this.guard('migrate', () => migrateSqlite(this.db, this.prefix));
  }

  /** Deletes expired rows in batches of `sweepBatchSize`, yielding to the event loop between batches. */
  sweep(): Promise<number> {
    return sweepTables(Object.keys(SQLITE_TABLES), this.batch, async (table, batch) => {
      await new Promise((resolve) => setImmediate(resolve));
      const statement = this.guard('sweep', () => this.statement(`sweep:${table}`, this.sql.sweep(table)));
      return this.guard('sweep', () => statement.run({ now: Date.now(), batch }).changes);
    });
  }

  async saveRefreshToken(record: RefreshTokenRecord): Promise<void> {
    this.guard('save', () => this.saveNow(record));
  }

  async findRefreshToken(id: string): Promise<RefreshTokenRecord | undefined> {
    return this.guard('find', () => this.findNow(id, Date.now()));
  }

  async rotateRefreshToken(previousId: string, next: RefreshTokenRecord, now: number): Promise<RotateResult> {
    return this.guard('rotate', () => this.rotateTx(previousId, next, now));
  }

  async revokeFamily(familyId: string, ttlSeconds: number): Promise<void> {
    this.guard('revoke', () => this.run('mark', { key: `fam:${familyId}`, expires: Date.now() + wholeSeconds(ttlSeconds) * 1000 }));
    this.broadcast({ kind: 'family', id: familyId });
  }

  async revokeAccessToken(jti: string, expiresAt: number): Promise<void> {
    const expires = Math.ceil(expiresAt) * 1000;
    // A token already past its exp needs no mark; still tell the caches.
    if (expires > Date.now()) this.guard('revoke', () => this.run('mark', { key: `jti:${jti}`, expires }));
    this.broadcast({ kind: 'jti', id: jti });
  }

  async isAccessTokenRevoked(jti: string, familyId: string | undefined): Promise<boolean> {
    const family = familyId === undefined ? null : `fam:${familyId}`;
    const row = this.guard('revoked', () => this.get('revoked', { jti: `jti:${jti}`, family, now: Date.now() }));
    return Number(row?.revoked) === 1;
  }

  async hit(key: string, windowSeconds: number): Promise<Counter> {
    const window = Math.max(1, Math.ceil(windowSeconds * 1000));
    const row = this.guard('hit', () => this.get('hit', { key, window, now: Date.now() }));
    return toCounter(row);
  }

  async hitBelow(key: string, max: number, windowSeconds: number): Promise<CappedHit> {
    const window = Math.max(1, Math.ceil(windowSeconds * 1000));
    const now = Date.now();
    // Synchronous from here on (better-sqlite3), and one statement: nothing can interleave.
    const row = this.guard('hitBelow', () => this.get('hitBelow', { key, max, window, now }));
    if (row !== undefined) return { ...toCounter(row), added: true };
    const current = await this.peek(key);
    return { count: current?.count ?? 0, resetAt: current?.resetAt ?? Math.ceil(now / 1000), added: false };
  }

  async release(key: string): Promise<void> {
    const row = this.guard('release', () => this.get('release', { key, now: Date.now() }));
    if (row !== undefined && Number(row.count) <= 0) this.guard('release', () => this.run('dropZero', { key }));
  }

  async peek(key: string): Promise<Counter | undefined> {
    const row = this.guard('peek', () => this.get('peek', { key, now: Date.now() }));
    return row === undefined ? undefined : toCounter(row);
  }

  async reset(key: string): Promise<void> {
    this.guard('reset', () => this.run('reset', { key }));
  }

  async claimOnce(key: string, ttlSeconds: number): Promise<boolean> {
    const now = Date.now();
    return this.guard('claim', () => this.get('claim', { key, now, expires: now + wholeSeconds(ttlSeconds) * 1000 })) !== undefined;
  }

  async put(key: string, value: string, ttlSeconds: number): Promise<void> {
    this.guard('put', () => this.run('put', { key, value, expires: Date.now() + wholeSeconds(ttlSeconds) * 1000 }));
  }

  async take(key: string): Promise<string | undefined> {
    const row = this.guard('take', () => this.get('take', { key }));
    return row !== undefined && Number(row.expires_at) > Date.now() ? String(row.value) : undefined;
  }

  /** One transaction: the session, its first refresh token if any, and the end of the user's sessions beyond the cap. */
  async saveSession(session: SessionRecord, options: SaveSessionOptions): Promise<void> {
    this.guard('saveSession', () => this.sessions.save(session, options, (record) => this.saveNow(record)));
  }

  async findSession(id: string): Promise<SessionRecord | undefined> {
    return this.guard('findSession', () => this.sessions.find(id));
  }

  async listSessions(sub: string, options: ListSessionsOptions = {}): Promise<SessionRecord[]> {
    const bounds = sessionListBounds(options);
    return this.guard('listSessions', () => this.sessions.list(sub, bounds));
  }

  async endSession(id: string): Promise<boolean> {
    return this.guard('endSession', () => this.sessions.end(id));
  }

  /** Revocations made through this store, delivered synchronously (one process: nothing to miss). */
  onRevocation(listener: (revocation: Revocation | undefined) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops the sweeper; the database is the app's to close. */
  async close(): Promise<void> {
    this.listeners.clear();
    this.stopSweeper();
  }

  private saveNow(record: RefreshTokenRecord): void {
    const expires = Math.ceil(record.expiresAt) * 1000;
    if (expires <= Date.now()) {
      this.run('deleteToken', { id: record.id });
      return;
    }
    this.run('upsertToken', sqliteTokenParams(record));
  }

  private findNow(id: string, now: number): RefreshTokenRecord | undefined {
    const row = this.get('find', { id, now });
    return row === undefined ? undefined : toRecord(id, row);
  }

  /** Inside one transaction: read, then spend and store the successor, or report why not. */
  private rotateNow(previousId: string, next: RefreshTokenRecord, now: number): RotateResult {
    const previous = this.findNow(previousId, Date.now());
    if (previous === undefined) return { outcome: 'invalid' };
    if (previous.spentAt !== undefined) return { outcome: 'reused', previous };
    this.run('spend', { id: previousId, spentAt: now, successor: next.id });
    this.saveNow(next);
    this.sessions.touch(previous.familyId, now, next.id);
    return { outcome: 'rotated', previous };
  }

  private broadcast(revocation: Revocation): void {
    for (const listener of this.listeners) {
      try {
        listener(revocation);
      } catch {
        // One cache's bug must not stop the others from hearing about the revocation.
      }
    }
  }

  /** Prepared on first use, after `migrate()`: a statement on a missing table fails the call, it creates nothing. */
  private statement(name: string, source: string): SqliteStatementLike {
    let statement = this.prepared.get(name);
    if (statement === undefined) {
      statement = this.db.prepare(source);
      this.prepared.set(name, statement);
    }
    return statement;
  }

  private run(name: SqliteStatementName, params: Record<string, unknown>): void {
    this.statement(name, this.sql[name]).run(params);
  }

  private get(name: SqliteStatementName, params: Record<string, unknown>): Row | undefined {
    return this.statement(name, this.sql[name]).get(params) as Row | undefined;
  }

  private guard<T>(operation: string, run: () => T): T {
    try {
      return run();
    } catch (err) {
      throw new SqlStoreError(`sqlite ${operation} failed`, err);
    }
  }
}

function toRecord(id: string, row: Row): RefreshTokenRecord {
  return recordFromRow('sqlite', id, row, Number(row.expires_at) / 1000);
}

function toCounter(row: Row | undefined): Counter {
  if (row === undefined) throw new SqlStoreError('sqlite counter returned no row');
  return { count: Number(row.count), resetAt: Math.ceil(Number(row.expires_at) / 1000) };
}

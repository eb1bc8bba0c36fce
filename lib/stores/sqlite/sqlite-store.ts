// lib/stores/sqlite/sqlite-store.ts
// The single-process TokenStore that survives restarts: tables in the app's better-sqlite3 database.

import { ConfigError } from '../../errors/config-error';
import { assertKnownKeys, fail, isObject } from '../../util/assert';
import { recordFromRow } from '../shared/sql-record';
import type { SqliteDatabaseLike, SqliteStatementLike } from './sqlite-like';
import { SqliteLockWait } from './sqlite-lock-wait';
import { migrateSqlite, SQLITE_TABLES, sqliteStatements, sqliteTokenParams, type SqliteStatementName } from './sqlite-schema';
import { checkIdentifier, checkPositive, SqlStoreError, wholeSeconds } from '../shared/sql-store-error';
import { startSweeper, sweepTables } from '../shared/sql-sweeper';
import type { CappedHit, Counter, RefreshTokenRecord, Revocation, RotateResult, SessionDetails, TokenStore } from '../shared/store';
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
  /**
   * How long a call waits, in ms, while another connection (another process) holds the database's write lock, before
   * it rejects (the endpoint answers 503). It waits off the event loop: tries a couple of ms apart then up to 100 ms
   * apart, whatever `busy_timeout` the app set on its connection. Default 2000.
   */
  readonly lockWaitMs?: number;
}

type Listener = (revocation: Revocation | undefined) => void;
type Row = Record<string, unknown>;

/**
 * Keeps refresh tokens, revocations, counters and replay markers in SQLite, so one process keeps its users logged
 * in, its revocations and its throttles across restarts. better-sqlite3 is synchronous: each step (one statement, or
 * rotation's one IMMEDIATE transaction) runs to its end before any other code of the process, which makes it atomic.
 * While another connection holds the lock, a step is tried again later, never holding the event loop for more than
 * a couple of ms, until `lockWaitMs`. For one process: several processes would each only hear their own revocations
 * (use PostgresStore or RedisStore). Times are this process's clock (`Date.now()`). Create the tables once with
 * `await store.migrate()`.
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
  private readonly lockWait: SqliteLockWait;
  private readonly rotateTx: (previousId: string, next: RefreshTokenRecord, now: number, details: SessionDetails | undefined) => RotateResult;
  private readonly sessions: SqliteSessions;

  /** Checks its options like passwordGrant() does: a wrong one is a ConfigError (a TypeError) with a code. */
  constructor(options: SqliteStoreOptions) {
    if (!isObject(options)) fail('SqliteStore: options', 'an object { database, tablePrefix?, sweepIntervalMs?, sweepBatchSize?, lockWaitMs? }');
    assertKnownKeys(options, ['database', 'tablePrefix', 'sweepIntervalMs', 'sweepBatchSize', 'lockWaitMs'], 'SqliteStore: options');
    const db = options.database;
    if (typeof db?.prepare !== 'function' || typeof db.exec !== 'function' || typeof db.transaction !== 'function') {
      throw new ConfigError('ERR_EPG_INVALID_OPTION', 'SqliteStore: options.database must be a better-sqlite3 Database (prepare, exec, transaction)');
    }
    this.db = db;
    this.prefix = checkIdentifier('SqliteStore', 'tablePrefix', options.tablePrefix ?? 'epg_');
    this.batch = Math.floor(checkPositive('SqliteStore', 'sweepBatchSize', options.sweepBatchSize ?? 1000));
    const interval = checkPositive('SqliteStore', 'sweepIntervalMs', options.sweepIntervalMs ?? 60_000, true);
    this.lockWait = new SqliteLockWait(db, checkPositive('SqliteStore', 'lockWaitMs', options.lockWaitMs ?? 2000));
    this.sql = sqliteStatements(this.prefix);
    const rotate = db.transaction((previousId: string, next: RefreshTokenRecord, now: number, details: SessionDetails | undefined) =>
      this.rotateNow(previousId, next, now, details),
    );
    if (typeof rotate?.immediate !== 'function') {
      throw new ConfigError('ERR_EPG_INVALID_OPTION', 'SqliteStore: options.database must be a better-sqlite3 Database (transaction(fn).immediate)');
    }
    // IMMEDIATE: the write lock is taken at BEGIN, so a busy database fails the try before its read, never between
    // the read and the write (where SQLite would not wait at all), and the retried transaction starts afresh.
    this.rotateTx = (previousId, next, now, details) => rotate.immediate(previousId, next, now, details);
    this.sessions = new SqliteSessions(db, this.prefix, (revocation) => this.broadcast(revocation));
    this.stopSweeper = startSweeper(interval, () => this.sweep());
  }

  /** Creates the tables if missing (idempotent). */
  async migrate(): Promise<void> {
    await this.step('migrate', () => migrateSqlite(this.db, this.prefix));
  }

  /** Deletes expired rows in batches of `sweepBatchSize`, yielding to the event loop between batches. */
  sweep(): Promise<number> {
    return sweepTables(Object.keys(SQLITE_TABLES), this.batch, async (table, batch) => {
      await new Promise((resolve) => setImmediate(resolve));
      return this.step('sweep', () => this.statement(`sweep:${table}`, this.sql.sweep(table)).run({ now: Date.now(), batch }).changes);
    });
  }

  async saveRefreshToken(record: RefreshTokenRecord): Promise<void> {
    await this.step('save', () => this.saveNow(record));
  }

  findRefreshToken(id: string): Promise<RefreshTokenRecord | undefined> {
    return this.step('find', () => this.findNow(id, Date.now()));
  }

  rotateRefreshToken(previousId: string, next: RefreshTokenRecord, now: number, details?: SessionDetails): Promise<RotateResult> {
    return this.step('rotate', () => this.rotateTx(previousId, next, now, details));
  }

  async revokeFamily(familyId: string, ttlSeconds: number): Promise<void> {
    await this.step('revoke', () => this.run('mark', { key: `fam:${familyId}`, expires: Date.now() + wholeSeconds(ttlSeconds) * 1000 }));
    this.broadcast({ kind: 'family', id: familyId });
  }

  async revokeAccessToken(jti: string, expiresAt: number): Promise<void> {
    const expires = Math.ceil(expiresAt) * 1000;
    // A token already past its exp needs no mark; still tell the caches.
    if (expires > Date.now()) await this.step('revoke', () => this.run('mark', { key: `jti:${jti}`, expires }));
    this.broadcast({ kind: 'jti', id: jti });
  }

  async isAccessTokenRevoked(jti: string, familyId: string | undefined): Promise<boolean> {
    const family = familyId === undefined ? null : `fam:${familyId}`;
    const row = await this.step('revoked', () => this.get('revoked', { jti: `jti:${jti}`, family, now: Date.now() }));
    return Number(row?.revoked) === 1;
  }

  async hit(key: string, windowSeconds: number): Promise<Counter> {
    const window = Math.max(1, Math.ceil(windowSeconds * 1000));
    return toCounter(await this.step('hit', () => this.get('hit', { key, window, now: Date.now() })));
  }

  async hitBelow(key: string, max: number, windowSeconds: number): Promise<CappedHit> {
    const window = Math.max(1, Math.ceil(windowSeconds * 1000));
    // One statement, so one step: nothing can interleave with its read and its write.
    const row = await this.step('hitBelow', () => this.get('hitBelow', { key, max, window, now: Date.now() }));
    if (row !== undefined) return { ...toCounter(row), added: true };
    const current = await this.peek(key);
    return { count: current?.count ?? 0, resetAt: current?.resetAt ?? Math.ceil(Date.now() / 1000), added: false };
  }

  async release(key: string): Promise<void> {
    const row = await this.step('release', () => this.get('release', { key, now: Date.now() }));
    // dropZero re-checks the count itself: a hit that lands in between keeps its counter.
    if (row !== undefined && Number(row.count) <= 0) await this.step('release', () => this.run('dropZero', { key }));
  }

  async peek(key: string): Promise<Counter | undefined> {
    const row = await this.step('peek', () => this.get('peek', { key, now: Date.now() }));
    return row === undefined ? undefined : toCounter(row);
  }

  async reset(key: string): Promise<void> {
    await this.step('reset', () => this.run('reset', { key }));
  }

  async claimOnce(key: string, ttlSeconds: number): Promise<boolean> {
    const claimed = await this.step('claim', () => {
      const now = Date.now();
      return this.get('claim', { key, now, expires: now + wholeSeconds(ttlSeconds) * 1000 });
    });
    return claimed !== undefined;
  }

  async put(key: string, value: string, ttlSeconds: number): Promise<void> {
    await this.step('put', () => this.run('put', { key, value, expires: Date.now() + wholeSeconds(ttlSeconds) * 1000 }));
  }

  async take(key: string): Promise<string | undefined> {
    const row = await this.step('take', () => this.get('take', { key }));
    return row !== undefined && Number(row.expires_at) > Date.now() ? String(row.value) : undefined;
  }

  /** One transaction: the session, its first refresh token if any, and the end of the user's sessions beyond the cap. */
  async saveSession(session: SessionRecord, options: SaveSessionOptions): Promise<void> {
    await this.step('saveSession', () => this.sessions.save(session, options, (record) => this.saveNow(record)));
  }

  async findSession(id: string): Promise<SessionRecord | undefined> {
    return this.step('findSession', () => this.sessions.find(id));
  }

  async listSessions(sub: string, options: ListSessionsOptions = {}): Promise<SessionRecord[]> {
    const bounds = sessionListBounds(options);
    return this.step('listSessions', () => this.sessions.list(sub, bounds));
  }

  async endSession(id: string): Promise<boolean> {
    return this.step('endSession', () => this.sessions.end(id));
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
  private rotateNow(previousId: string, next: RefreshTokenRecord, now: number, details: SessionDetails | undefined): RotateResult {
    const previous = this.findNow(previousId, Date.now());
    if (previous === undefined) return { outcome: 'invalid' };
    if (previous.spentAt !== undefined) return { outcome: 'reused', previous };
    this.run('spend', { id: previousId, spentAt: now, successor: next.id });
    this.saveNow(next);
    this.sessions.touch(previous.familyId, now, next.id, details);
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

  /** One all-or-nothing step: run now, or later while another connection holds the lock (see SqliteLockWait). */
  private step<T>(operation: string, run: () => T): Promise<T> {
    return this.lockWait.run(operation, run);
  }
}

function toRecord(id: string, row: Row): RefreshTokenRecord {
  return recordFromRow('sqlite', id, row, Number(row.expires_at) / 1000);
}

function toCounter(row: Row | undefined): Counter {
  if (row === undefined) throw new SqlStoreError('sqlite counter returned no row');
  return { count: Number(row.count), resetAt: Math.ceil(Number(row.expires_at) / 1000) };
}

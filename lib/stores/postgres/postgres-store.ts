// lib/stores/postgres/postgres-store.ts
// The shared TokenStore on PostgreSQL (node-postgres): one statement per atomic step, revocations over LISTEN/NOTIFY.

import { ConfigError } from '../../errors/config-error';
import { assertKnownKeys, fail, isObject } from '../../util/assert';
import { sessionDetailsMembers } from '../shared/record-v1';
import { recordFromRow, sessionFromRow, sessionValues, tokenValues } from '../shared/sql-record';
import { sessionListBounds } from '../shared/session-list';
import type { ConditionalRotationStore, RotationTerms } from '../shared/conditional-rotation-store';
import type { ListSessionsOptions, SaveSessionOptions, SessionRecord, SessionStore } from '../shared/session-store';
import type { PgPoolLike, PgResultLike } from './postgres-like';
import { PgCounters } from './postgres-counters';
import { PgNotificationListener } from './postgres-listener';
import { PreparedStatements, queryWithin } from './postgres-query';
import { PG_TABLES, postgresSchemaSql } from './postgres-schema';
import { postgresStatements, type PostgresStatements } from './postgres-statements';
import { checkIdentifier, checkPositive, SqlStoreError, wholeSeconds } from '../shared/sql-store-error';
import { startSweeper, sweepTables } from '../shared/sql-sweeper';
import type {
  CappedHit,
  CappedHitRequest,
  Counter,
  CounterBatch,
  CounterBatchStore,
  CounterChange,
  RefreshTokenRecord,
  Revocation,
  RotateResult,
  SessionDetails,
  TokenStore,
} from '../shared/store';

export interface PostgresStoreOptions {
  /**
   * The app's `pg.Pool` (node-postgres), which the app creates and ends. Set its `connectionTimeoutMillis` (e.g.
   * 1000): without it a request waits for a connection as long as the operating system lets a connect hang.
   */
  readonly pool: PgPoolLike;
  /** Schema holding the tables, created by `migrate()`. Default `'epg'`. Distinct apps sharing a database need distinct schemas. */
  readonly schema?: string;
  /** Every operation (waiting for a connection included) rejects after this many ms, so the endpoint answers 503 quickly. Default 1000. */
  readonly queryTimeoutMs?: number;
  /** How often expired rows are deleted, in ms (0: never; run `sweep()` yourself). Default 60000. */
  readonly sweepIntervalMs?: number;
  /** Rows deleted per statement by the sweeper. Default 1000. */
  readonly sweepBatchSize?: number;
  /**
   * Named (prepared) statements: each is parsed and planned once per connection, not per call, which halves what
   * PostgreSQL spends per request. Default true. Set false behind a pooler that cannot keep them (PgBouncer in
   * transaction mode before 1.21, or without `max_prepared_statements`).
   */
  readonly preparedStatements?: boolean;
}

type Listener = (revocation: Revocation | undefined) => void;
type Row = Record<string, unknown>;

/** NOTIFY payloads must stay under 8000 bytes; a longer id is announced as "flush everything" instead. */
const MAX_PAYLOAD_BYTES = 7900;

/**
 * Keeps refresh tokens, revocations, counters and replay markers in PostgreSQL, so several instances agree and a
 * restart forgets nothing. Atomic steps are single statements (rotation: `UPDATE ... WHERE spent_at IS NULL`;
 * counters and claims: `INSERT ... ON CONFLICT`, a batch of counters one call of a function; take: `DELETE ...
 * RETURNING`). Every expiry is judged by the database's clock (`now()`), so instances agree whatever their own
 * clocks say. Create the tables once with
 * `await store.migrate()` (or run the numbered files of sql/postgres/ yourself); nothing runs DDL on the request path. On
 * shutdown call `store.close()`, then `pool.end()`; the store also lets go of its LISTEN connection once the pool
 * is ending, so a process that only ends its pool still exits.
 * @example
 * import pg from 'pg';
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, connectionTimeoutMillis: 1000 });
 * const store = new PostgresStore({ pool });
 * await store.migrate();
 * passwordGrant({ ..., store });
 */
export class PostgresStore implements TokenStore, SessionStore, CounterBatchStore, ConditionalRotationStore {
  private readonly pool: PgPoolLike;
  private readonly schema: string;
  private readonly timeoutMs: number;
  private readonly batch: number;
  private readonly sql: PostgresStatements;
  private readonly counters: PgCounters;
  /** Names of the statements, or undefined when `preparedStatements` is false. */
  private readonly prepared: PreparedStatements | undefined;
  private readonly channel: string;
  private readonly listeners = new Set<Listener>();
  private listener: PgNotificationListener | undefined;
  private readonly stopSweeper: () => void;
  private closed = false;

  /** Checks its options like passwordGrant() does: a wrong one is a ConfigError (a TypeError) with a code. */
  constructor(options: PostgresStoreOptions) {
    if (!isObject(options))
      fail('PostgresStore: options', 'an object { pool, schema?, queryTimeoutMs?, sweepIntervalMs?, sweepBatchSize?, preparedStatements? }');
    assertKnownKeys(options, ['pool', 'schema', 'queryTimeoutMs', 'sweepIntervalMs', 'sweepBatchSize', 'preparedStatements'], 'PostgresStore: options');
    const pool = options.pool;
    if (typeof pool?.connect !== 'function') throw new ConfigError('ERR_EPG_INVALID_OPTION', 'PostgresStore: options.pool must be a pg.Pool (with connect())');
    this.pool = pool;
    this.schema = checkIdentifier('PostgresStore', 'schema', options.schema ?? 'epg');
    this.timeoutMs = checkPositive('PostgresStore', 'queryTimeoutMs', options.queryTimeoutMs ?? 1000);
    this.batch = Math.floor(checkPositive('PostgresStore', 'sweepBatchSize', options.sweepBatchSize ?? 1000));
    const interval = checkPositive('PostgresStore', 'sweepIntervalMs', options.sweepIntervalMs ?? 60_000, true);
    const prepared = options.preparedStatements ?? true;
    if (typeof prepared !== 'boolean') fail('PostgresStore: options.preparedStatements', 'a boolean');
    this.prepared = prepared ? new PreparedStatements() : undefined;
    this.sql = postgresStatements(this.schema);
    this.counters = new PgCounters(this.schema, (operation, text, values) => this.query(operation, text, values), this.sql);
    this.channel = `${this.schema}_revocations`;
    this.stopSweeper = startSweeper(interval, () => this.sweep());
  }

  /**
   * Creates the schema, tables and counter-batch functions if missing (idempotent; concurrent calls wait for each
   * other). Needs the right to create tables and functions in the schema; otherwise run the files of sql/postgres/ as
   * its owner.
   */
  async migrate(): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query(postgresSchemaSql(this.schema));
      client.release();
      this.counters.installed();
    } catch (err) {
      client.release(true);
      throw new SqlStoreError(`postgres migrate of schema "${this.schema}" failed`, err);
    }
  }

  /** Deletes expired rows in batches of `sweepBatchSize`; resolves with how many. The timer calls it too. */
  sweep(): Promise<number> {
    return sweepTables(Object.keys(PG_TABLES), this.batch, async (table, batch) => {
      const result = await this.query('sweep', this.sql.sweep(table), [batch]);
      return result.rowCount ?? 0;
    });
  }

  async saveRefreshToken(record: RefreshTokenRecord): Promise<void> {
    await this.query('save', this.sql.save, [record.id, ...tokenValues(record)]);
  }

  async findRefreshToken(id: string): Promise<RefreshTokenRecord | undefined> {
    const [row] = (await this.query('find', this.sql.find, [id])).rows;
    return row === undefined ? undefined : toRecord(id, row);
  }

  /** One statement: the spend, the successor, and the session's touch (its details with them, when given). */
  async rotateRefreshToken(previousId: string, next: RefreshTokenRecord, now: number, details?: SessionDetails): Promise<RotateResult> {
    const values = [previousId, now, next.id, ...tokenValues(next), details === undefined ? null : sessionDetailsMembers(details)];
    const [spent] = (await this.query('rotate', this.sql.rotate, values)).rows;
    if (spent !== undefined) return { outcome: 'rotated', previous: toRecord(previousId, spent) };
    // Not rotated: already spent (reuse), or unknown, expired, revoked. A spend is never undone, so reading the row
    // again in a new statement (a fresh snapshot) tells which, even when the spend that beat us committed just now.
    const previous = await this.findRefreshToken(previousId);
    return previous?.spentAt === undefined ? { outcome: 'invalid' } : { outcome: 'reused', previous };
  }

  /**
   * One statement, only for a token the refresh grant would rotate as it is (ConditionalRotationStore): the checks,
   * the spend, the successor and the session's touch. No row: nothing changed.
   */
  async rotateIfCurrent(
    previousId: string,
    terms: RotationTerms,
    successorId: string,
    now: number,
    details?: SessionDetails,
  ): Promise<RefreshTokenRecord | undefined> {
    const { clientId, idleTTL, absoluteTTL } = terms;
    const values = [previousId, now, successorId, clientId, idleTTL, absoluteTTL, details === undefined ? null : sessionDetailsMembers(details)];
    const [spent] = (await this.query('rotateIfCurrent', this.sql.rotateIfCurrent, values)).rows;
    return spent === undefined ? undefined : toRecord(previousId, spent);
  }

  async revokeFamily(familyId: string, ttlSeconds: number): Promise<void> {
    const key = `fam:${familyId}`;
    await this.query('revoke', this.sql.revokeFor, [key, wholeSeconds(ttlSeconds), this.channel, this.message({ kind: 'family', id: familyId })]);
  }

  async revokeAccessToken(jti: string, expiresAt: number): Promise<void> {
    const key = `jti:${jti}`;
    await this.query('revoke', this.sql.revokeUntil, [key, Math.ceil(expiresAt), this.channel, this.message({ kind: 'jti', id: jti })]);
  }

  async isAccessTokenRevoked(jti: string, familyId: string | undefined): Promise<boolean> {
    const result =
      familyId === undefined
        ? await this.query('revoked', this.sql.revoked1, [`jti:${jti}`])
        : await this.query('revoked', this.sql.revoked2, [`jti:${jti}`, `fam:${familyId}`]);
    return result.rows[0]?.revoked === true;
  }

  async hit(key: string, windowSeconds: number): Promise<Counter> {
    return this.counters.hit(key, windowSeconds);
  }

  /** One round trip, refused or not (a batch of one). */
  async hitBelow(key: string, max: number, windowSeconds: number): Promise<CappedHit> {
    return this.counters.hitBelow(key, max, windowSeconds);
  }

  /** One round trip, the delete at 0 included (a batch of one). */
  async release(key: string): Promise<void> {
    return this.counters.release(key);
  }

  async peek(key: string): Promise<Counter | undefined> {
    return this.counters.peek(key);
  }

  async reset(key: string): Promise<void> {
    return this.counters.reset(key);
  }

  /**
   * Several hitBelow and peek in one round trip: one call of `counters_hit_below_many`, a function `migrate()` installs
   * (one transaction, rows locked in key order). While the schema lacks it, the single-key statements.
   */
  hitBelowMany(hits: readonly CappedHitRequest[], peeks: readonly string[]): Promise<CounterBatch> {
    return this.counters.hitBelowMany(hits, peeks);
  }

  /** Several hit, release and reset in one round trip: one call of `counters_change_many` (see hitBelowMany). */
  changeMany(changes: readonly CounterChange[]): Promise<void> {
    return this.counters.changeMany(changes);
  }

  async claimOnce(key: string, ttlSeconds: number): Promise<boolean> {
    return (await this.query('claim', this.sql.claim, [key, wholeSeconds(ttlSeconds)])).rows.length === 1;
  }

  async put(key: string, value: string, ttlSeconds: number): Promise<void> {
    await this.query('put', this.sql.put, [key, value, wholeSeconds(ttlSeconds)]);
  }

  async take(key: string): Promise<string | undefined> {
    const [row] = (await this.query('take', this.sql.take, [key])).rows;
    return row !== undefined && row.live === true ? String(row.value) : undefined;
  }

  /** One statement: the session, its first refresh token if any, and the end of the user's sessions beyond the cap. */
  async saveSession(session: SessionRecord, options: SaveSessionOptions): Promise<void> {
    const values = [...sessionValues(session), options.maxPerUser, this.channel];
    const token = options.refreshToken;
    const { rows } =
      token === undefined
        ? await this.query('saveSession', this.sql.saveSession, values)
        : await this.query('saveSession', this.sql.saveSessionWithToken, [...values, token.id, ...tokenValues(token)]);
    // Sessions the per-user cap ended: the successor of a rotation that raced the statement (as in endSession).
    const ended = rows.map((row) => String(row.id));
    if (ended.length > 0) await this.query('saveSession', this.sql.dropFamilies, [ended]);
  }

  async findSession(id: string): Promise<SessionRecord | undefined> {
    const [row] = (await this.query('findSession', this.sql.findSession, [id])).rows;
    return row === undefined ? undefined : sessionFromRow('postgres', row, Number(row.expires_s));
  }

  async listSessions(sub: string, options: ListSessionsOptions = {}): Promise<SessionRecord[]> {
    const { before, limit } = sessionListBounds(options);
    const { rows } = await this.query('listSessions', this.sql.listSessions, [sub, before, limit]);
    return rows.map((row) => sessionFromRow('postgres', row, Number(row.expires_s)));
  }

  async endSession(id: string): Promise<boolean> {
    const ended = ((await this.query('endSession', this.sql.endSession, [id, this.channel])).rowCount ?? 0) > 0;
    // The successor of a rotation that raced the statement above (review, 2026-12-07): one more round trip, on this
    // rare path only.
    if (ended) await this.query('endSession', this.sql.dropFamilies, [[id]]);
    return ended;
  }

  /**
   * Revocations from every process, over LISTEN/NOTIFY on one connection held out of the pool from the first call.
   * When that connection drops, and again when it is back, listeners get `undefined`: notifications may have been
   * missed. The verifier's cache then forgets everything, as with RedisStore's pub/sub.
   */
  onRevocation(listener: (revocation: Revocation | undefined) => void): () => void {
    this.listeners.add(listener);
    if (!this.closed) {
      this.listener ??= new PgNotificationListener(
        this.pool,
        this.channel,
        (payload) => this.broadcast(decodeRevocation(payload)),
        () => this.broadcast(undefined),
      );
      this.listener.start();
    }
    return () => this.listeners.delete(listener);
  }

  /** Stops the sweeper and releases the listening connection; the pool itself is the app's to end. */
  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    this.stopSweeper();
    this.listener?.stop();
    this.listener = undefined;
  }

  private message(revocation: Revocation): string {
    const message = JSON.stringify(revocation);
    return Buffer.byteLength(message) <= MAX_PAYLOAD_BYTES ? message : '';
  }

  private broadcast(revocation: Revocation | undefined): void {
    for (const listener of this.listeners) {
      try {
        listener(revocation);
      } catch {
        // One cache's bug must not stop the others from hearing about the revocation.
      }
    }
  }

  private query(operation: string, text: string, values: unknown[]): Promise<PgResultLike> {
    if (this.prepared === undefined) return queryWithin(this.pool, this.timeoutMs, operation, text, values);
    return queryWithin(this.pool, this.timeoutMs, operation, this.prepared.statement(text, values));
  }
}

function toRecord(id: string, row: Row): RefreshTokenRecord {
  return recordFromRow('postgres', id, row, Number(row.expires_s));
}

function decodeRevocation(payload: string): Revocation | undefined {
  try {
    const value = JSON.parse(payload) as Partial<Revocation>;
    if ((value.kind === 'jti' || value.kind === 'family') && typeof value.id === 'string') return { kind: value.kind, id: value.id };
  } catch {
    // fall through: an unreadable notice is still a revocation we cannot place; flushing every cache is safe.
  }
  return undefined;
}

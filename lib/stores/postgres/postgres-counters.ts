// lib/stores/postgres/postgres-counters.ts
// PostgresStore's counters: a batch is one call of a function step 003 installs (one round trip); single-key
// statements while the schema lacks it (migrated by an older version, or by hand without step 003).

import { changeEach, hitBelowEach, type CappedHitRequest, type CounterBatch, type CounterBatchStore, type CounterChange } from '../shared/counter-batch-store';
import type { CappedHit, Counter, CounterStore } from '../shared/counter-store';
import { SqlStoreError } from '../shared/sql-store-error';
import type { PgResultLike } from './postgres-like';
import type { PostgresStatements } from './postgres-statements';

type Query = (operation: string, text: string, values: unknown[]) => Promise<PgResultLike>;
type Row = Record<string, unknown>;

/** How long a store that found the functions missing makes single-key statements before it looks again. */
const RECHECK_MS = 60_000;

/** SQLSTATE undefined_function: the schema was migrated without step 003. */
const UNDEFINED_FUNCTION = '42883';

/** A window in whole milliseconds, at least one. */
const windowMs = (seconds: number): number => Math.max(1, Math.ceil(seconds * 1000));

export class PgCounters implements CounterStore, CounterBatchStore {
  private readonly hitBelowSql: string;
  private readonly changeSql: string;
  /** Until when (ms since the epoch) the functions are taken to be missing. */
  private missingUntil = 0;
  /** The single-key statements, for a schema without the functions. */
  private readonly statements: CounterStore = {
    hit: (key, windowSeconds) => this.hit(key, windowSeconds),
    hitBelow: (key, max, windowSeconds) => this.hitBelowByStatements(key, max, windowSeconds),
    release: (key) => this.releaseByStatements(key),
    peek: (key) => this.peek(key),
    reset: (key) => this.reset(key),
  };

  constructor(
    schema: string,
    private readonly query: Query,
    private readonly sql: PostgresStatements,
  ) {
    this.hitBelowSql = `SELECT ord, n, reset_at, added FROM "${schema}".counters_hit_below_many($1::text[], $2::bigint[], $3::float8[], $4::text[])`;
    this.changeSql = `SELECT "${schema}".counters_change_many($1::text[], $2::text[], $3::float8[])`;
  }

  /** migrate() has just installed the functions: call them again at once. */
  installed(): void {
    this.missingUntil = 0;
  }

  async hit(key: string, windowSeconds: number): Promise<Counter> {
    const [row] = (await this.query('hit', this.sql.hit, [key, windowMs(windowSeconds)])).rows;
    if (row === undefined) throw new SqlStoreError('postgres counter returned no row');
    return toCounter(row)!;
  }

  /** One round trip, refused or not: a batch of one. */
  async hitBelow(key: string, max: number, windowSeconds: number): Promise<CappedHit> {
    return (await this.hitBelowMany([{ key, max, windowSeconds }], [])).hits[0];
  }

  /** One round trip, the delete at 0 included: a batch of one. */
  async release(key: string): Promise<void> {
    await this.changeMany([{ op: 'release', key }]);
  }

  async peek(key: string): Promise<Counter | undefined> {
    const [row] = (await this.query('peek', this.sql.peek, [key])).rows;
    return row === undefined ? undefined : toCounter(row);
  }

  async reset(key: string): Promise<void> {
    await this.query('reset', this.sql.reset, [key]);
  }

  async hitBelowMany(hits: readonly CappedHitRequest[], peeks: readonly string[]): Promise<CounterBatch> {
    if (hits.length + peeks.length === 0) return { hits: [], peeks: [] };
    const values = [hits.map((h) => h.key), hits.map((h) => h.max), hits.map((h) => windowMs(h.windowSeconds)), peeks];
    const result = await this.call('hitBelowMany', this.hitBelowSql, values);
    if (result === undefined) return hitBelowEach(this.statements, hits, peeks);
    const rows = [...result.rows].sort((a, b) => Number(a.ord) - Number(b.ord));
    if (rows.length !== hits.length + peeks.length)
      throw new SqlStoreError(`postgres hitBelowMany returned ${rows.length} rows for ${hits.length + peeks.length}`);
    return {
      hits: rows.slice(0, hits.length).map((row): CappedHit => ({ ...(toCounter(row) ?? nothingCounted()), added: row.added === true })),
      peeks: rows.slice(hits.length).map(toCounter),
    };
  }

  async changeMany(changes: readonly CounterChange[]): Promise<void> {
    if (changes.length === 0) return;
    const values = [changes.map((c) => c.op), changes.map((c) => c.key), changes.map((c) => (c.op === 'hit' ? windowMs(c.windowSeconds) : null))];
    if ((await this.call('changeMany', this.changeSql, values)) === undefined) await changeEach(this.statements, changes);
  }

  /** The function's result, or undefined when the schema lacks it (nothing ran: the call failed before it started). */
  private async call(operation: string, text: string, values: unknown[]): Promise<PgResultLike | undefined> {
    if (Date.now() < this.missingUntil) return undefined;
    try {
      return await this.query(operation, text, values);
    } catch (err) {
      if ((err as { cause?: { code?: unknown } }).cause?.code !== UNDEFINED_FUNCTION) throw err;
      this.missingUntil = Date.now() + RECHECK_MS;
      return undefined;
    }
  }

  /** The capped upsert, then a read when it refused. */
  private async hitBelowByStatements(key: string, max: number, windowSeconds: number): Promise<CappedHit> {
    const [row] = (await this.query('hitBelow', this.sql.hitBelow, [key, max, windowMs(windowSeconds)])).rows;
    if (row !== undefined) return { ...toCounter(row)!, added: true };
    // Refused: report the counter as it stands (it may have expired since; then nothing is counted).
    return { ...((await this.peek(key)) ?? nothingCounted()), added: false };
  }

  /** The decrement, then the delete when it reached 0. */
  private async releaseByStatements(key: string): Promise<void> {
    const [row] = (await this.query('release', this.sql.release, [key])).rows;
    if (row !== undefined && Number(row.count) <= 0) await this.query('release', this.sql.dropZero, [key]);
  }
}

/** A counter row (`count` or the functions' `n`, and `reset_at`), or undefined when the row says there is none. */
function toCounter(row: Row): Counter | undefined {
  const count = row.n !== undefined ? row.n : row.count;
  if (count === null || count === undefined) return undefined;
  return { count: Number(count), resetAt: Math.ceil(Number(row.reset_at)) };
}

/** A refused hitBelow whose counter expired meanwhile: nothing is counted. */
function nothingCounted(): Counter {
  return { count: 0, resetAt: Math.ceil(Date.now() / 1000) };
}

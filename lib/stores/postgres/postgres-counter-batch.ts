// lib/stores/postgres/postgres-counter-batch.ts
// PostgresStore's counter batches: one call of a function step 003 installs, or single-key statements while the
// schema lacks it (migrated by an older version, or by hand without step 003).

import { changeEach, hitBelowEach, type CappedHitRequest, type CounterBatch, type CounterBatchStore, type CounterChange } from '../shared/counter-batch-store';
import type { CappedHit, Counter, CounterStore } from '../shared/counter-store';
import { SqlStoreError } from '../shared/sql-store-error';
import type { PgResultLike } from './postgres-like';

type Query = (operation: string, text: string, values: unknown[]) => Promise<PgResultLike>;

/** How long a store that found the functions missing makes single-key calls before it looks again. */
const RECHECK_MS = 60_000;

/** SQLSTATE undefined_function: the schema was migrated without step 003. */
const UNDEFINED_FUNCTION = '42883';

/** A window in whole milliseconds, at least one (as the single-key statements take it). */
export const windowMs = (seconds: number): number => Math.max(1, Math.ceil(seconds * 1000));

export class PgCounterBatch implements CounterBatchStore {
  private readonly hitBelowSql: string;
  private readonly changeSql: string;
  /** Until when (ms since the epoch) the functions are taken to be missing. */
  private missingUntil = 0;

  constructor(
    schema: string,
    private readonly query: Query,
    /** The store's single-key calls, for a schema without the functions. */
    private readonly single: CounterStore,
  ) {
    this.hitBelowSql = `SELECT ord, n, reset_at, added FROM "${schema}".counters_hit_below_many($1::text[], $2::bigint[], $3::float8[], $4::text[])`;
    this.changeSql = `SELECT "${schema}".counters_change_many($1::text[], $2::text[], $3::float8[])`;
  }

  /** migrate() has just installed the functions: call them again at once. */
  installed(): void {
    this.missingUntil = 0;
  }

  async hitBelowMany(hits: readonly CappedHitRequest[], peeks: readonly string[]): Promise<CounterBatch> {
    if (hits.length + peeks.length === 0) return { hits: [], peeks: [] };
    const values = [hits.map((h) => h.key), hits.map((h) => h.max), hits.map((h) => windowMs(h.windowSeconds)), peeks];
    const result = await this.call('hitBelowMany', this.hitBelowSql, values);
    if (result === undefined) return hitBelowEach(this.single, hits, peeks);
    const rows = [...result.rows].sort((a, b) => Number(a.ord) - Number(b.ord));
    if (rows.length !== hits.length + peeks.length) throw new SqlStoreError(`postgres hitBelowMany returned ${rows.length} rows for ${hits.length + peeks.length}`);
    return {
      hits: rows.slice(0, hits.length).map((row): CappedHit => ({ ...(toCounter(row) ?? refused()), added: row.added === true })),
      peeks: rows.slice(hits.length).map(toCounter),
    };
  }

  async changeMany(changes: readonly CounterChange[]): Promise<void> {
    if (changes.length === 0) return;
    const values = [changes.map((c) => c.op), changes.map((c) => c.key), changes.map((c) => (c.op === 'hit' ? windowMs(c.windowSeconds) : null))];
    if ((await this.call('changeMany', this.changeSql, values)) === undefined) await changeEach(this.single, changes);
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
}

/** A counter row of the functions, or undefined when they found none. */
function toCounter(row: Record<string, unknown>): Counter | undefined {
  if (row.n === null || row.n === undefined) return undefined;
  return { count: Number(row.n), resetAt: Math.ceil(Number(row.reset_at)) };
}

/** A refused hitBelow whose counter expired meanwhile: nothing is counted (as PostgresStore.hitBelow reports it). */
function refused(): Counter {
  return { count: 0, resetAt: Math.ceil(Date.now() / 1000) };
}

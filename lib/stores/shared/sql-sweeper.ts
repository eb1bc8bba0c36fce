// lib/stores/shared/sql-sweeper.ts
// One unref'd timer per SQL store that deletes expired rows in bounded batches, off the request path.

/** Every table of the SQL stores with an `expires_at` column, and its key column (the sweeper deletes expired rows by key). */
export const SQL_TABLES: Readonly<Record<string, string>> = {
  refresh_tokens: 'id',
  revocations: 'key',
  counters: 'key',
  claims: 'key',
  one_shot_values: 'key',
  sessions: 'id',
};

/** Deletes up to `batch` expired rows of one table; resolves with how many it deleted. */
export type SweepBatch = (table: string, batch: number) => Promise<number>;

/** At most this many batches per table per sweep, so one sweep never runs for long; the next tick goes on. */
const MAX_BATCHES = 50;

/**
 * Sweeps every table: batch after batch while a batch comes back full. Reads filter expired rows anyway, so the
 * sweep only keeps tables from growing; a failed sweep (database down) is retried at the next tick.
 */
export async function sweepTables(tables: readonly string[], batch: number, deleteBatch: SweepBatch): Promise<number> {
  let total = 0;
  for (const table of tables) {
    for (let i = 0; i < MAX_BATCHES; i += 1) {
      const deleted = await deleteBatch(table, batch);
      total += deleted;
      if (deleted < batch) break;
    }
  }
  return total;
}

/** Calls `sweep` every `intervalMs` (0: never) on an unref'd timer, never two at once; returns the stop function. */
export function startSweeper(intervalMs: number, sweep: () => Promise<unknown>): () => void {
  if (intervalMs <= 0) return () => undefined;
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    sweep()
      .catch(() => undefined)
      .finally(() => (running = false));
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

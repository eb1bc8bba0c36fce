// lib/stores/postgres/postgres-query.ts
// One PostgresStore statement on a pooled connection, with a deadline that covers the wait for the connection too.

import type { PgClientLike, PgPoolLike, PgResultLike } from './postgres-like';
import { SqlStoreError } from '../shared/sql-store-error';

/**
 * One statement on a connection of the pool, within `timeoutMs` from the call (waiting for the connection
 * included). On timeout the caller gets a SqlStoreError at once; a connection that arrives late goes back unused,
 * and one whose query is still running is destroyed (a half-open socket must not return to the pool).
 */
export function queryWithin(pool: PgPoolLike, timeoutMs: number, operation: string, text: string, values: unknown[]): Promise<PgResultLike> {
  let timedOut = false;
  let held: PgClientLike | undefined;
  const release = (destroy?: Error): void => {
    const client = held;
    held = undefined;
    if (client === undefined) return;
    // A destroyed connection keeps the no-op listener: ending it may still emit 'error'.
    if (destroy === undefined) client.removeListener('error', ignore);
    client.release(destroy);
  };
  const work = (async () => {
    const client = await pool.connect();
    if (timedOut) {
      client.release();
      throw new SqlStoreError(`postgres ${operation} timed out`);
    }
    held = client;
    // A connection that breaks mid-query fails the query and also emits 'error' on the client, which would
    // crash the process without a listener (the pool listens only on idle connections).
    client.on('error', ignore);
    try {
      const result = await client.query(text, values);
      release();
      return result;
    } catch (err) {
      release(err instanceof Error ? err : new Error('query failed'));
      throw err;
    }
  })();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      release(new Error('query timed out'));
      reject(new SqlStoreError(`postgres ${operation} timed out after ${timeoutMs} ms`));
    }, timeoutMs);
  });
  return Promise.race([work, timeout])
    .catch((err: unknown) => {
      if (err instanceof SqlStoreError) throw err;
      throw new SqlStoreError(`postgres ${operation} failed`, err);
    })
    .finally(() => clearTimeout(timer));
}

function ignore(): void {
  // the failed query reports it
}

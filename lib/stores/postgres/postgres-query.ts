// lib/stores/postgres/postgres-query.ts
// One PostgresStore statement on a pooled connection, with a deadline that covers the wait for the connection too.

import { createHash } from 'node:crypto';
import type { PgClientLike, PgPoolLike, PgQueryConfig, PgResultLike } from './postgres-like';
import { SqlStoreError } from '../shared/sql-store-error';

/**
 * Names for statement texts, so node-postgres prepares each once per connection and then only binds and executes it
 * (PostgreSQL parses and plans it once, not per call: half its CPU per refresh grant, bench/RESULTS.md). The name is
 * a hash of the text, so one text has one name in every store and process sharing a connection, and two texts
 * (another schema's) never share one.
 */
export class PreparedStatements {
  private readonly names = new Map<string, string>();

  /** `text` with `values` as node-postgres takes a named statement. */
  statement(text: string, values: unknown[]): PgQueryConfig {
    let name = this.names.get(text);
    if (name === undefined) {
      name = `epg_${createHash('sha256').update(text).digest('hex').slice(0, 32)}`;
      this.names.set(text, name);
    }
    return { name, text, values };
  }
}

/**
 * One statement on a connection of the pool, within `timeoutMs` from the call (waiting for the connection
 * included). On timeout the caller gets a SqlStoreError at once; a connection that arrives late goes back unused,
 * and one whose query is still running is destroyed (a half-open socket must not return to the pool).
 */
export function queryWithin(pool: PgPoolLike, timeoutMs: number, operation: string, query: string | PgQueryConfig, values?: unknown[]): Promise<PgResultLike> {
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
      const result = await client.query(query, values);
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

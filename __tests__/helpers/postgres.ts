// __tests__/helpers/postgres.ts
// Real PostgreSQL for tests: DATABASE_URL decides whether PostgreSQL suites run; each test gets its own schema.

import { randomBytes } from 'node:crypto';
import { Pool, type PoolConfig } from 'pg';
import { PostgresStore, type PostgresStoreOptions } from '../../lib';

export const DATABASE_URL = process.env.DATABASE_URL;

/** `describe` when DATABASE_URL is set; otherwise `describe.skip`, saying which suite was skipped and why. */
export function describeWithPostgres(name: string, body: () => void): void {
  if (DATABASE_URL) {
    describe(name, body);
    return;
  }
  // Straight to stderr: jest drops the console output of suites whose tests are all skipped.
  process.stderr.write(`SKIPPED "${name}": DATABASE_URL is not set (set DATABASE_URL=postgres://root@127.0.0.1:5432/test to run it; .ci/run does)\n`);
  describe.skip(name, body);
}

/** A schema name no other test run shares (lower case: PostgresStore accepts plain identifiers only). */
export function uniqueSchema(label: string): string {
  return `epg_test_${label}_${process.pid}_${randomBytes(4).toString('hex')}`;
}

/** A pool on the shared test database, with the connection timeout the docs recommend. */
export function testPool(config: PoolConfig = {}): Pool {
  const pool = new Pool({ connectionString: DATABASE_URL, connectionTimeoutMillis: 2000, max: 10, ...config });
  pool.on('error', () => undefined); // an idle connection dropped by the server; the pool replaces it
  return pool;
}

/** Drops a test schema and everything in it. */
export async function dropSchema(schema: string): Promise<void> {
  const pool = testPool({ max: 1 });
  try {
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await pool.end();
  }
}

/** A migrated store on its own pool; `done()` closes the store, then ends the pool. */
export async function migratedStore(
  schema: string,
  options: Partial<PostgresStoreOptions> = {},
  pool: Pool = testPool(),
): Promise<{ store: PostgresStore; pool: Pool; done: () => Promise<void> }> {
  const store = new PostgresStore({ pool, schema, ...options });
  await store.migrate();
  return {
    store,
    pool,
    done: async () => {
      await store.close();
      await pool.end();
    },
  };
}

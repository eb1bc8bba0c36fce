// bench/sql-size.js
// Bytes per stored refresh token after 100k of them: PostgresStore (table, indexes and TOAST) and SqliteStore (file).

// @ts-check
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { refreshRecord } = require('./prefill');
/** @type {typeof import('../lib')} the built package (dist/), typed by its source */
const { PostgresStore, SqliteStore } = require(path.join(__dirname, '..', 'dist'));

const COUNT = Number(process.env.SQL_TOKENS || 100_000);
const CONCURRENCY = 32;

/**
 * Saves COUNT refresh tokens, CONCURRENCY at a time.
 * @param {Pick<import('../lib').RefreshTokenStore, 'saveRefreshToken'>} store
 */
async function fill(store) {
  const now = Math.floor(Date.now() / 1000);
  let next = 0;
  const worker = async () => {
    while (next < COUNT) await store.saveRefreshToken(refreshRecord(next++, now));
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

async function postgres() {
  const { Pool } = require('pg');
  const pool = new Pool({ connectionString: process.env.DATABASE_URL || 'postgres://root@127.0.0.1:5432/test', max: CONCURRENCY });
  const schema = `epg_bench_size_${process.pid}`;
  const store = new PostgresStore({ pool, schema, sweepIntervalMs: 0, queryTimeoutMs: 30_000 });
  try {
    await store.migrate();
    await fill(store);
    await pool.query(`VACUUM ANALYZE "${schema}".refresh_tokens`);
    const { rows } = await pool.query(
      `SELECT count(*)::float8 AS n, pg_total_relation_size('"${schema}".refresh_tokens')::float8 AS total,
        pg_relation_size('"${schema}".refresh_tokens')::float8 AS heap, pg_indexes_size('"${schema}".refresh_tokens')::float8 AS indexes
       FROM "${schema}".refresh_tokens`,
    );
    const r = rows[0];
    return {
      store: 'PostgresStore',
      stored: r.n,
      bytesPerToken: r.total / r.n,
      heapPerToken: r.heap / r.n,
      indexPerToken: r.indexes / r.n,
      totalMB: r.total / 1048576,
    };
  } finally {
    await store.close();
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  }
}

async function sqlite() {
  const Database = require('better-sqlite3');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'epg-bench-size-'));
  const file = path.join(dir, 'auth.db');
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    const store = new SqliteStore({ database: db, sweepIntervalMs: 0 });
    await store.migrate();
    const empty = /** @type {number} */ (db.pragma('page_count', { simple: true })) * /** @type {number} */ (db.pragma('page_size', { simple: true }));
    await fill(store);
    db.pragma('wal_checkpoint(TRUNCATE)');
    const { n } = /** @type {{ n: number }} */ (db.prepare('SELECT count(*) AS n FROM epg_refresh_tokens').get());
    const bytes = fs.statSync(file).size - empty;
    await store.close();
    return { store: 'SqliteStore', stored: n, bytesPerToken: bytes / n, totalMB: fs.statSync(file).size / 1048576 };
  } finally {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const which = process.argv[2];
  const result = which === 'sqlite' ? await sqlite() : await postgres();
  process.stdout.write(JSON.stringify(result) + '\n');
}

main().catch((err) => {
  process.stderr.write(`${err.stack}\n`);
  process.exit(1);
});

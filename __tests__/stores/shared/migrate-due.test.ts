// __tests__/stores/shared/migrate-due.test.ts
// A SQL store whose tables are missing (store.migrate() forgotten) or older than the code (a migrate() due after an
// upgrade): the client keeps getting 503, and the app is told the fix once, in a warning and in the `error` event's
// detail (so in the stderr line too when nothing listens). Real SQLite and real PostgreSQL.

import express from 'express';
import { PostgresStore, SqliteStore, type TokenStore, type Warning } from '../../../lib';
import { PG_MIGRATIONS } from '../../../lib/stores/postgres/postgres-schema';
import { SQLITE_MIGRATIONS } from '../../../lib/stores/sqlite/sqlite-schema';
import { postAsWeb } from '../../helpers/login';
import { describeWithPostgres, dropSchema, testPool, uniqueSchema } from '../../helpers/postgres';
import { createServer, fixtureGrant } from '../../helpers/server';
import { tempDatabase } from '../../helpers/sqlite';

const FIX = 'the tables are missing or older than this version: run await store.migrate() (see docs/stores.md)';
const warningText = (driver: string): string =>
  `the store's tables are missing or older than this version of express-password-grant (${driver}): run await ` +
  'store.migrate() (see docs/stores.md), once at startup before serving (every instance may call it), or apply the ' +
  'sql/ files of the package. Until then every request that needs the store answers 503 temporarily_unavailable.';

const token = (app: express.Express) =>
  postAsWeb(app, '/token', { grant_type: 'password', username: 'alice', password: 'correct horse', scope: 'offline_access' });

/** Two token requests on an app over `store`; what the client got, the `error` details and the warnings. */
async function twoRequests(store: TokenStore) {
  const { app, auth, events } = await createServer({ store });
  const warnings: Warning[] = [];
  auth.on('warning', (w) => warnings.push(w));
  const statuses = [(await token(app)).status, (await token(app)).status];
  const details = events.filter((e) => e.name === 'error').map((e) => (e.payload as { detail?: string }).detail);
  return { statuses, details, warnings };
}

describe('SqliteStore', () => {
  let database: ReturnType<typeof tempDatabase>;
  beforeEach(() => {
    database = tempDatabase('migrate-due');
  });
  afterEach(() => database.remove());

  it('never migrated: 503 each time, the fix named once in the warning and the first error detail', async () => {
    const store = new SqliteStore({ database: database.db, sweepIntervalMs: 0 });
    const { statuses, details, warnings } = await twoRequests(store);
    expect(statuses).toEqual([503, 503]);
    expect(details).toEqual([`store hitBelow failed: ${FIX}`, 'store hitBelow failed']);
    expect(warnings).toEqual([{ code: 'EPG_MIGRATE_DUE', message: warningText('no such table: epg_counters') }]);
  });

  it('migrated by an older version (step 001 only): the fix is named at the first write the new columns need', async () => {
    SQLITE_MIGRATIONS[0].apply(database.db, 'epg_');
    const store = new SqliteStore({ database: database.db, sweepIntervalMs: 0 });
    const { statuses, details, warnings } = await twoRequests(store);
    expect(statuses).toEqual([503, 503]);
    expect(details).toEqual([`store saveSession failed: ${FIX}`, 'store saveSession failed']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0].code).toBe('EPG_MIGRATE_DUE');
    expect(warnings[0].message).toMatch(/\((no such table: epg_sessions|table epg_\w+ has no column named \w+)\)/);
  });

  it('without listeners: one process warning with the code, and the stderr line of the first error names the fix', async () => {
    const { auth } = await fixtureGrant({ store: new SqliteStore({ database: database.db, sweepIntervalMs: 0 }), discovery: false });
    const app = express().use('/oauth2', auth.router);
    const lines: string[] = [];
    const processWarnings: unknown[] = [];
    const errorSpy = jest.spyOn(console, 'error').mockImplementation((line: unknown) => void lines.push(String(line)));
    const warnSpy = jest.spyOn(process, 'emitWarning').mockImplementation((message, options) => void processWarnings.push([message, options]));
    try {
      expect((await token(app)).status).toBe(503);
      expect((await token(app)).status).toBe(503);
    } finally {
      errorSpy.mockRestore();
      warnSpy.mockRestore();
    }
    expect(processWarnings).toEqual([[`express-password-grant: ${warningText('no such table: epg_counters')}`, { code: 'EPG_MIGRATE_DUE' }]]);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain(`internal error temporarily_unavailable: store hitBelow failed: ${FIX}; caused by StoreError`);
    expect(lines[0]).toContain('caused by SqliteError: no such table: epg_counters');
    expect(lines[1]).not.toContain('migrate');
  });

  it('names nothing for a store failure of another kind (the database closed under it)', async () => {
    const store = new SqliteStore({ database: database.db, sweepIntervalMs: 0 });
    await store.migrate();
    database.db.close();
    const { statuses, details, warnings } = await twoRequests(store);
    expect(statuses).toEqual([503, 503]);
    expect(details).toEqual(['store hitBelow failed', 'store hitBelow failed']);
    expect(warnings).toEqual([]);
  });
});

describeWithPostgres('PostgresStore', () => {
  const pool = testPool();
  const schemas: string[] = [];
  afterAll(async () => {
    await pool.end();
    for (const schema of schemas) await dropSchema(schema);
  });
  const fresh = (): string => {
    const schema = uniqueSchema('migrate_due');
    schemas.push(schema);
    return schema;
  };

  it('never migrated (no schema at all): 503 each time, the fix named once (3F000 invalid_schema_name)', async () => {
    const schema = fresh();
    const store = new PostgresStore({ pool, schema, sweepIntervalMs: 0 });
    try {
      const { statuses, details, warnings } = await twoRequests(store);
      expect(statuses).toEqual([503, 503]);
      // The throttle's first call is its counter batch, a function of the schema (step 003).
      expect(details).toEqual([`store hitBelowMany failed: ${FIX}`, 'store hitBelowMany failed']);
      expect(warnings).toEqual([{ code: 'EPG_MIGRATE_DUE', message: warningText(`schema "${schema}" does not exist`) }]);
    } finally {
      await store.close();
    }
  });

  it('migrated by an older version (step 001 only): the fix is named at the first write (42P01 or 42703)', async () => {
    const schema = fresh();
    await pool.query(PG_MIGRATIONS[0].sql(schema));
    const store = new PostgresStore({ pool, schema, sweepIntervalMs: 0 });
    try {
      const { statuses, details, warnings } = await twoRequests(store);
      expect(statuses).toEqual([503, 503]);
      // A login writes its session with its refresh token: the first write the later steps' tables and columns need.
      expect(details).toEqual([`store saveSession failed: ${FIX}`, 'store saveSession failed']);
      expect(warnings).toHaveLength(1);
      expect(warnings[0].code).toBe('EPG_MIGRATE_DUE');
      expect(warnings[0].message).toMatch(/\((relation "\w+\.sessions" does not exist|column "\w+" of relation "refresh_tokens" does not exist)\)/);
    } finally {
      await store.close();
    }
  });
});

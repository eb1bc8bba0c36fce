// __tests__/stores/sqlite/sqlite-store.test.ts
// SqliteStore beyond the contract: what it is for (an app restarted on the same file keeps its logins, revocations
// and throttles, over HTTP through the real router), explicit migration, sweeping, option checks.

import request from 'supertest';
import { ConfigError, SqliteStore, SqlStoreError } from '../../../lib';
import { loginCli } from '../../helpers/login';
import { createServer, form } from '../../helpers/server';
import { tempDatabase, type TestDatabase } from '../../helpers/sqlite';

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

// eslint-disable-next-line @typescript-eslint/no-require-imports
const Database = require('better-sqlite3') as new (file: string) => TestDatabase;

describe('SqliteStore', () => {
  const removals: Array<() => void> = [];
  afterEach(() => {
    for (const remove of removals.splice(0)) remove();
  });
  const database = (label: string) => {
    const temp = tempDatabase(label);
    removals.push(temp.remove);
    return temp;
  };

  it('refuses a database without prepare/exec/transaction, prefixes that are not plain identifiers, and bad numbers', () => {
    const { db } = database('options');
    expect(() => new SqliteStore({ database: {} as never })).toThrow(/options.database/);
    for (const tablePrefix of ['A_', 'a"', 'x;drop', '']) expect(() => new SqliteStore({ database: db, tablePrefix })).toThrow(/tablePrefix/);
    expect(() => new SqliteStore({ database: db, sweepBatchSize: 0 })).toThrow(/sweepBatchSize/);
  });

  it('reports each wrong option as a ConfigError with a code, like passwordGrant() does', () => {
    const { db } = database('config-errors');
    for (const [options, code, message] of [
      [undefined, 'ERR_EPG_INVALID_OPTION', /^SqliteStore: options must be an object/],
      [{ database: {} }, 'ERR_EPG_INVALID_OPTION', /^SqliteStore: options\.database must be a better-sqlite3 Database/],
      // Rotation needs BEGIN IMMEDIATE (sqlite-lock-wait.test.ts): a transaction() without `immediate` is not one.
      [
        { database: { prepare() {}, exec() {}, transaction: (fn: unknown) => fn } },
        'ERR_EPG_INVALID_OPTION',
        /^SqliteStore: options\.database must be a better-sqlite3 Database \(transaction\(fn\)\.immediate\)$/,
      ],
      [{ database: db, tablePrefix: 'A_' }, 'ERR_EPG_INVALID_OPTION', /^SqliteStore: options\.tablePrefix must match/],
      [{ database: db, sweepIntervalMs: -1 }, 'ERR_EPG_INVALID_OPTION', /^SqliteStore: options\.sweepIntervalMs must be a positive number/],
      [{ database: db, prefix: 'x_' }, 'ERR_EPG_UNKNOWN_OPTION', /^SqliteStore: options\.prefix is not a known option; did you mean tablePrefix\?$/],
    ] as const) {
      let thrown: unknown;
      try {
        new SqliteStore(options as never);
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(ConfigError);
      expect(thrown).toMatchObject({ code, message: expect.stringMatching(message) });
    }
  });

  it('keeps refresh tokens, revocations and counters across a restart of the app on the same file (over HTTP)', async () => {
    const { db, file } = database('restart');
    const first = new SqliteStore({ database: db, sweepIntervalMs: 0 });
    await first.migrate();
    const before = await createServer({ store: first });
    const kept = await loginCli(before.app);
    const revoked = await loginCli(before.app);
    expect(
      (
        await request(before.app)
          .post('/oauth2/revoke')
          .type('form')
          .send(form({ token: revoked.refresh_token!, client_id: 'cli' }))
      ).status,
    ).toBe(200);
    const wrong = await request(before.app)
      .post('/oauth2/token')
      .type('form')
      .send(form({ grant_type: 'password', client_id: 'cli', username: 'bob', password: 'nope', scope: 'orders' }));
    expect(wrong.status).toBe(400);
    const counted = db.prepare(`SELECT count(*) AS n FROM epg_counters`).get() as { n: number };
    expect(counted.n).toBeGreaterThan(0);
    await first.close();

    // A new process: a new connection to the file, a new store and router; nothing in memory survives.
    const reopened = new Database(file);
    removals.push(() => reopened.close());
    const second = new SqliteStore({ database: reopened, sweepIntervalMs: 0 });
    const after = await createServer({ store: second });
    expect((await request(after.app).get('/api/orders').set('Authorization', `Bearer ${kept.access_token}`)).status).toBe(200);
    const refreshed = await request(after.app)
      .post('/oauth2/token')
      .type('form')
      .send(form({ grant_type: 'refresh_token', client_id: 'cli', refresh_token: kept.refresh_token! }));
    expect(refreshed.status).toBe(200);
    const dead = await request(after.app)
      .post('/oauth2/token')
      .type('form')
      .send(form({ grant_type: 'refresh_token', client_id: 'cli', refresh_token: revoked.refresh_token! }));
    expect(dead.status).toBe(400);
    expect(dead.body.error).toBe('invalid_grant');
    // The revocation of the grant covers its access token too (sid), after the restart as before it.
    expect((await request(after.app).get('/api/orders').set('Authorization', `Bearer ${revoked.access_token}`)).status).toBe(401);
    expect((reopened.prepare(`SELECT count(*) AS n FROM epg_counters`).get() as { n: number }).n).toBe(counted.n);
    await second.close();
  });

  it('runs no DDL until migrate(): before it a call rejects and no table exists; migrate() is idempotent', async () => {
    const { db } = database('migrate');
    const store = new SqliteStore({ database: db, tablePrefix: 'auth_', sweepIntervalMs: 0 });
    await expect(store.hit('k', 60)).rejects.toBeInstanceOf(SqlStoreError);
    expect(db.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE name LIKE 'auth_%'`).get()).toEqual({ n: 0 });
    await store.migrate();
    await store.migrate();
    expect((await store.hit('k', 60)).count).toBe(1);
    expect((db.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name LIKE 'auth_%'`).get() as { n: number }).n).toBe(6);
    await store.close();
  });

  it('lists a page of sessions by two walks of the (sub, last_used_at) index, the page bound computed once', async () => {
    const { db } = database('plan');
    const prepared: string[] = [];
    // The store's statements as it prepares them, each then explained.
    const spy = new Proxy(db, {
      get: (target, prop) =>
        prop === 'prepare'
          ? (source: string) => {
              prepared.push(source);
              return target.prepare(source);
            }
          : (Reflect.get(target, prop, target) as unknown),
    });
    const store = new SqliteStore({ database: spy, sweepIntervalMs: 0 });
    await store.migrate();
    await store.listSessions('u-bob', { limit: 2 });
    const list = prepared.filter((source) => source.includes('@before'));
    expect(list).toHaveLength(1);
    const plan = db.prepare(`EXPLAIN QUERY PLAN ${list[0]}`).all({ sub: 'u', before: 1e12, limit: 2, now: Date.now() }) as Array<{
      id: number;
      parent: number;
      detail: string;
    }>;
    const byId = new Map(plan.map((row) => [row.id, row]));
    const ancestors = (row: { parent: number }): string[] => {
      const parent = byId.get(row.parent);
      return parent === undefined ? [] : [parent.detail, ...ancestors(parent)];
    };
    const sessions = plan.filter((row) => /^(SCAN|SEARCH) s\b/.test(row.detail));
    expect(sessions.map((row) => row.detail).sort()).toEqual([
      'SEARCH s USING INDEX epg_sessions_sub_last_used_at (sub=? AND last_used_at<?)',
      'SEARCH s USING INDEX epg_sessions_sub_last_used_at (sub=? AND last_used_at>? AND last_used_at<?)',
    ]);
    // Neither walk sits under a correlated subquery (rerun per row).
    for (const row of sessions) expect(ancestors(row).filter((detail) => detail.startsWith('CORRELATED'))).toEqual([]);
    await store.close();
  });

  it('sweeps expired rows of every table in bounded batches and leaves live ones', async () => {
    const { db } = database('sweep');
    const store = new SqliteStore({ database: db, sweepIntervalMs: 0, sweepBatchSize: 7 });
    await store.migrate();
    const now = nowSeconds();
    const record = (id: string, expiresAt: number) => ({
      id,
      familyId: `f-${id}`,
      clientId: 'c',
      sub: 'u',
      scope: ['a'],
      authTime: now,
      issuedAt: now,
      expiresAt,
    });
    // Expiries 2-3 s ahead and the wait measured from when the writes ended, as in the PostgresStore test: a write
    // that lands after an absolute expiry is not stored at all, so a 0-1 s margin races the machine's load.
    for (let i = 0; i < 23; i += 1) await store.saveRefreshToken(record(`old-${i}`, now + 3));
    await store.saveRefreshToken(record('live', now + 3600));
    await Promise.all([store.hit('c', 2), store.claimOnce('o', 2), store.put('v', 'x', 2), store.revokeAccessToken('j', now + 3), store.revokeFamily('f', 2)]);
    const written = Date.now();
    expect(db.prepare('SELECT count(*) AS n FROM epg_refresh_tokens').get()).toEqual({ n: 24 });
    await new Promise((r) => setTimeout(r, Math.max((now + 3) * 1000, written + 2000) + 250 - Date.now()));
    expect(await store.sweep()).toBe(23 + 5);
    expect(db.prepare('SELECT count(*) AS n FROM epg_refresh_tokens').get()).toEqual({ n: 1 });
    expect(await store.sweep()).toBe(0);
    await store.close();
  });
});

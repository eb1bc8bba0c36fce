// __tests__/stores/postgres/postgres-store.test.ts
// PostgresStore beyond the contract: explicit migration, the shipped SQL, sweeping, timeouts when the database is
// unreachable, and the LISTEN connection: re-opened after a drop (with flushes), released by close().

import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, PostgresStore, SqlStoreError } from '../../../lib';
import type { Revocation } from '../../../lib';
import { postgresStatements } from '../../../lib/stores/postgres/postgres-statements';
import { eventually } from '../../helpers/eventually';
import { DATABASE_URL, describeWithPostgres, dropSchema, migratedStore, testPool, uniqueSchema } from '../../helpers/postgres';
import { sparePort } from '../../helpers/spare-port';
import { TcpProxy } from '../../helpers/tcp-proxy';

const nowSeconds = (): number => Math.floor(Date.now() / 1000);
const record = (id: string, expiresAt: number) => ({
  id,
  familyId: `fam-${id}`,
  clientId: 'c',
  sub: 'u',
  scope: ['a'],
  authTime: nowSeconds(),
  issuedAt: nowSeconds(),
  expiresAt,
});

/** A node of `EXPLAIN (ANALYZE, FORMAT JSON)`. */
interface PlanNode {
  readonly 'Node Type': string;
  readonly 'Relation Name'?: string;
  readonly 'Index Name'?: string;
  readonly 'Actual Loops': number;
  readonly 'Actual Rows': number;
  readonly Plans?: readonly PlanNode[];
}
const planNodes = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(planNodes)];

describe('PostgresStore options', () => {
  it('refuses a pool without connect(), schema names that are not plain identifiers, and bad numbers', () => {
    const pool = {
      connect: async () => {
        throw new Error('unused');
      },
    };
    expect(() => new PostgresStore({ pool: {} as never })).toThrow(/options.pool/);
    for (const schema of ['Epg', 'a"b', 'x;drop', '', '1abc']) {
      expect(() => new PostgresStore({ pool, schema })).toThrow(/options.schema/);
    }
    expect(() => new PostgresStore({ pool, queryTimeoutMs: 0 })).toThrow(/queryTimeoutMs/);
    expect(() => new PostgresStore({ pool, sweepIntervalMs: -1 })).toThrow(/sweepIntervalMs/);
  });

  it('reports each wrong option as a ConfigError with a code, like passwordGrant() does', () => {
    const pool = {
      connect: async () => {
        throw new Error('unused');
      },
    };
    for (const [options, code, message] of [
      [undefined, 'ERR_EPG_INVALID_OPTION', /^PostgresStore: options must be an object/],
      [{ pool: {} }, 'ERR_EPG_INVALID_OPTION', /^PostgresStore: options\.pool must be a pg\.Pool/],
      [{ pool, schema: 'A' }, 'ERR_EPG_INVALID_OPTION', /^PostgresStore: options\.schema must match/],
      [{ pool, queryTimeoutMs: 0 }, 'ERR_EPG_INVALID_OPTION', /^PostgresStore: options\.queryTimeoutMs must be a positive number/],
      [{ pool, shema: 'epg' }, 'ERR_EPG_UNKNOWN_OPTION', /^PostgresStore: options\.shema is not a known option; did you mean schema\?$/],
      [{ pool, preparedStatements: 'yes' }, 'ERR_EPG_INVALID_OPTION', /^PostgresStore: options\.preparedStatements must be a boolean/],
    ] as const) {
      let thrown: unknown;
      try {
        new PostgresStore(options as never);
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(ConfigError);
      expect(thrown).toMatchObject({ code, message: expect.stringMatching(message) });
    }
  });

  it('leaves both drivers out of the built package: no pg/better-sqlite3 import in any .d.ts, no require of them in any .js', () => {
    const dist = path.join(__dirname, '..', '..', '..', 'dist');
    if (!fs.existsSync(path.join(dist, 'index.js'))) throw new Error('dist/ is missing: run `npm run build` (npm test does it first)');
    const files = fs.readdirSync(dist, { recursive: true, encoding: 'utf8' }).filter((f) => /\.(d\.ts|js|mjs)$/.test(f));
    expect(files).toContain(path.join('stores', 'postgres', 'postgres-store.d.ts'));
    // Doc comments show how an app imports its driver; code must not.
    const code = (f: string): string =>
      fs
        .readFileSync(path.join(dist, f), 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/^\s*\/\/.*$/gm, '');
    const offenders = files.filter((f) => /(from\s+|require\(|import\()['"](pg|better-sqlite3)['"]/.test(code(f)));
    expect(offenders).toEqual([]);
  });
});

describeWithPostgres('PostgresStore (real PostgreSQL)', () => {
  const schemas: string[] = [];
  const cleanups: Array<() => Promise<void>> = [];
  const schema = (label: string): string => {
    const name = uniqueSchema(label);
    schemas.push(name);
    return name;
  };
  afterEach(async () => {
    for (const done of cleanups.splice(0)) await done();
    for (const name of schemas.splice(0)) await dropSchema(name);
  });

  it('runs no DDL until migrate(): before it a call rejects, after it works; migrate() is idempotent and concurrent-safe', async () => {
    const name = schema('migrate');
    const pool = testPool();
    const store = new PostgresStore({ pool, schema: name });
    cleanups.push(async () => {
      await store.close();
      await pool.end();
    });
    await expect(store.hit('k', 60)).rejects.toBeInstanceOf(SqlStoreError);
    const exists = await pool.query('SELECT 1 FROM information_schema.schemata WHERE schema_name = $1', [name]);
    expect(exists.rowCount).toBe(0);
    await Promise.all([store.migrate(), store.migrate(), new PostgresStore({ pool, schema: name, sweepIntervalMs: 0 }).migrate()]);
    await store.migrate();
    expect((await store.hit('k', 60)).count).toBe(1);
  });

  it('names each statement by its text: stores of two schemas on one connection never share a prepared statement', async () => {
    const pool = testPool({ max: 1 });
    const [a, b] = [schema('prep_a'), schema('prep_b')].map((name) => new PostgresStore({ pool, schema: name, sweepIntervalMs: 0 }));
    cleanups.push(async () => {
      await Promise.all([a.close(), b.close()]);
      await pool.end();
    });
    await a.migrate();
    await b.migrate();
    for (const store of [a, b, a, b]) await store.hit('k', 60);
    expect([(await a.peek('k'))?.count, (await b.peek('k'))?.count]).toEqual([2, 2]);
    expect((await a.hitBelowMany([{ key: 'k', max: 5, windowSeconds: 60 }], ['k'])).peeks[0]?.count).toBe(3);
    expect((await b.hitBelowMany([{ key: 'k', max: 5, windowSeconds: 60 }], ['k'])).peeks[0]?.count).toBe(3);
  });

  it('lists a page of sessions by two runs of the (sub, last_used_at) index, none repeated per row, on a table never analyzed', async () => {
    const name = schema('plan');
    const { pool, done } = await migratedStore(name, { sweepIntervalMs: 0 });
    cleanups.push(done);
    const at = nowSeconds();
    // 999 sessions of one user in one second and 2 in the second before, never analyzed (a fresh install): the planner
    // guesses one row per scan, which once made it rerun the first scan for each row of the second (1001 loops).
    await pool.query(
      `INSERT INTO "${name}".sessions (id, sub, client_id, created_at, last_used_at, expires_at, data, format)
      SELECT 'sid-' || g, 'u-bob', 'c', $1::float8, CASE WHEN g <= 999 THEN $1::float8 ELSE $1::float8 - 1 END, now() + interval '1 hour', '{}', 1
      FROM generate_series(1, 1001) g`,
      [at],
    );
    const sql = postgresStatements(name).listSessions;
    // A page cut before the older pair (999 of limit 1000), a group that starts the page (999 for limit 2), the pair.
    for (const [before, limit, rows] of [
      [Infinity, 1000, 999],
      [Infinity, 2, 999],
      [at, 1, 2],
    ]) {
      const [
        {
          'QUERY PLAN': [{ Plan }],
        },
      ] = (await pool.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, ['u-bob', before, limit])).rows;
      const nodes = planNodes(Plan as PlanNode);
      expect(Plan['Actual Rows']).toBe(rows);
      const scans = nodes.filter((node) => node['Relation Name'] === 'sessions');
      expect(scans.map((scan) => ({ type: scan['Node Type'], loops: scan['Actual Loops'] }))).toEqual([
        { type: expect.stringMatching(/^(Index Scan|Index Only Scan|Bitmap Heap Scan)$/), loops: 1 },
        { type: expect.stringMatching(/^(Index Scan|Index Only Scan|Bitmap Heap Scan)$/), loops: 1 },
      ]);
      for (const scan of scans)
        expect(
          planNodes(scan)
            .map((node) => node['Index Name'])
            .filter(Boolean),
        ).toEqual(['sessions_sub_last_used_at']);
    }
  });

  it('sweeps expired rows of every table in bounded batches and leaves live ones', async () => {
    const name = schema('sweep');
    const { store, pool, done } = await migratedStore(name, { sweepIntervalMs: 0, sweepBatchSize: 7 });
    cleanups.push(done);
    // Expiries 2-3 s ahead, and the wait measured from when the writes ended: on a loaded machine a write that lands
    // after an absolute expiry is not stored at all (a 1 s margin made this test flaky in CI).
    const now = nowSeconds();
    await Promise.all(Array.from({ length: 23 }, (_, i) => store.saveRefreshToken(record(`old-${i}`, now + 3))));
    await store.saveRefreshToken(record('live', now + 3600));
    await Promise.all([store.hit('c', 2), store.claimOnce('o', 2), store.put('v', 'x', 2), store.revokeAccessToken('j', now + 3), store.revokeFamily('f', 2)]);
    await store.hit('c-live', 600);
    const written = Date.now();
    const stored = await pool.query(`SELECT (SELECT count(*) FROM "${name}".refresh_tokens) AS rt, (SELECT count(*) FROM "${name}".counters) AS ctr`);
    expect(stored.rows[0]).toEqual({ rt: '24', ctr: '2' });
    await new Promise((r) => setTimeout(r, Math.max((now + 3) * 1000, written + 2000) + 250 - Date.now()));
    expect(await store.sweep()).toBe(23 + 5);
    const counts = await pool.query(`SELECT (SELECT count(*) FROM "${name}".refresh_tokens) AS rt, (SELECT count(*) FROM "${name}".counters) AS ctr,
      (SELECT count(*) FROM "${name}".claims) + (SELECT count(*) FROM "${name}".one_shot_values) + (SELECT count(*) FROM "${name}".revocations) AS rest`);
    expect(counts.rows[0]).toEqual({ rt: '1', ctr: '1', rest: '0' });
    expect(await store.sweep()).toBe(0);
  });

  it('rejects with SqlStoreError, not a hang, when the database refuses connections or never answers', async () => {
    const refused = new PostgresStore({
      pool: testPool({ port: await sparePort(), host: '127.0.0.1', connectionString: undefined, user: 'root', database: 'test' }),
      schema: 'epg',
      queryTimeoutMs: 1000,
    });
    await expect(refused.findRefreshToken('x')).rejects.toThrow(SqlStoreError);
    const proxy = new TcpProxy({ host: '127.0.0.1', port: Number(new URL(DATABASE_URL as string).port || 5432) });
    await proxy.start();
    await proxy.blackHole();
    // No connection timeout on this pool: only the store's own deadline can end the wait.
    const pool = testPool({ connectionString: DATABASE_URL!.replace(/:\d+\//, `:${proxy.port}/`), connectionTimeoutMillis: 0 });
    const hanging = new PostgresStore({ pool, schema: 'epg', queryTimeoutMs: 300 });
    cleanups.push(async () => {
      await proxy.stop();
      await Promise.all([refused.close(), hanging.close()]);
    });
    await expect(hanging.take('x')).rejects.toThrow(/timed out after 300 ms/);
  });

  it('recovers without a restart once the database is reachable again', async () => {
    const name = schema('recover');
    const proxy = new TcpProxy({ host: '127.0.0.1', port: Number(new URL(DATABASE_URL as string).port || 5432) });
    await proxy.start();
    const pool = testPool({ connectionString: DATABASE_URL!.replace(/:\d+\//, `:${proxy.port}/`), connectionTimeoutMillis: 500 });
    const { store, done } = await migratedStore(name, { queryTimeoutMs: 1000 }, pool);
    cleanups.push(async () => {
      await done();
      await proxy.stop();
    });
    expect((await store.hit('k', 60)).count).toBe(1);
    await proxy.cut();
    await expect(store.hit('k', 60)).rejects.toThrow(SqlStoreError);
    await expect(store.hit('k', 60)).rejects.toThrow(SqlStoreError);
    await proxy.restore();
    await eventually(async () => (await store.hit('k', 60).catch(() => undefined)) !== undefined, 'the store to answer again');
    expect((await store.peek('k'))?.count).toBe(2);
  });

  it('re-opens a dropped LISTEN connection, flushing listeners when it drops and when it is back', async () => {
    const name = schema('listen');
    const [a, b] = await Promise.all([migratedStore(name), migratedStore(name)]);
    cleanups.push(a.done, b.done);
    const seen: Array<Revocation | undefined> = [];
    b.store.onRevocation((r) => seen.push(r));
    const heard = (id: string): boolean => seen.some((r) => r?.id === id);
    await eventually(async () => {
      await a.store.revokeAccessToken('probe-1', nowSeconds() + 60);
      return heard('probe-1');
    }, 'the first notification');
    // The server ends the listening session, as a restart or a network cut would.
    const killed = await a.pool.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = $1`, [`LISTEN "${name}_revocations"`]);
    expect(killed.rowCount).toBe(1);
    await eventually(() => seen.filter((r) => r === undefined).length >= 2, 'a flush on the drop and one on the way back');
    await a.store.revokeFamily('after-reconnect', 60);
    await eventually(() => heard('after-reconnect'), 'a notification after the reconnect');
  });

  it('announces a revocation whose id is too long for a NOTIFY payload as "flush everything"', async () => {
    const name = schema('long');
    const { store, done } = await migratedStore(name);
    cleanups.push(done);
    const seen: Array<Revocation | undefined> = [];
    store.onRevocation((r) => seen.push(r));
    await eventually(async () => {
      await store.revokeAccessToken('probe', nowSeconds() + 60);
      return seen.length > 0;
    }, 'listening');
    const long = 'j'.repeat(9000);
    await store.revokeAccessToken(long, nowSeconds() + 60);
    await store.revokeAccessToken('barrier', nowSeconds() + 60); // notifications arrive in commit order
    await eventually(() => seen.some((r) => r?.id === 'barrier'), 'the notification after it');
    // Late probes from the wait above may arrive too; the long id itself never does, a flush does instead.
    expect(seen.filter((r) => r?.id !== 'probe' && r?.id !== 'barrier')).toEqual([undefined]);
    expect(await store.isAccessTokenRevoked(long, undefined)).toBe(true);
  });
});

describeWithPostgres('PostgresStore: endSession racing a rotation (review, 2026-12-07)', () => {
  it.each(['rotateRefreshToken', 'rotateIfCurrent'] as const)(
    'leaves no refresh token of the family when a %s in flight commits while endSession runs',
    async (rotation) => {
      const schema = uniqueSchema('endrace');
      const { store, pool, done } = await migratedStore(schema);
      const holder = testPool({ max: 1 });
      const lockClient = await holder.connect();
      try {
        const now = nowSeconds();
        const sid = 'sess-1';
        const a = { id: 'tok-a', familyId: sid, clientId: 'app', sub: 'u1', scope: ['x'], authTime: now, issuedAt: now, expiresAt: now + 3600 };
        await store.saveSession(
          { id: sid, sub: 'u1', clientId: 'app', scope: ['x'], createdAt: now, lastUsedAt: now, expiresAt: now + 7200, refreshTokenId: 'tok-a' },
          { refreshToken: a, maxPerUser: 10 },
        );
        // Hold the session row: the rotation spends tok-a, then waits at its session touch, uncommitted.
        await lockClient.query('BEGIN');
        await lockClient.query(`SELECT 1 FROM "${schema}".sessions WHERE id = $1 FOR UPDATE`, [sid]);
        const rotated =
          rotation === 'rotateRefreshToken'
            ? store.rotateRefreshToken('tok-a', { ...a, id: 'tok-b', issuedAt: now + 1 }, now + 1, {}).then((r) => r.outcome)
            : store.rotateIfCurrent('tok-a', { clientId: 'app', idleTTL: 3600, absoluteTTL: 7200 }, 'tok-b', now + 1).then((r) => (r ? 'rotated' : 'invalid'));
        await new Promise((resolve) => setTimeout(resolve, 200));
        // endSession queues behind the rotation on the session row; once the rotation commits tok-b, it ends the session.
        const ending = store.endSession(sid);
        await new Promise((resolve) => setTimeout(resolve, 200));
        await lockClient.query('COMMIT');
        expect(await rotated).toBe('rotated');
        expect(await ending).toBe(true);
        const left = await pool.query(`SELECT id FROM "${schema}".refresh_tokens WHERE family_id = $1`, [sid]);
        expect(left.rows).toEqual([]);
        expect((await pool.query(`SELECT id FROM "${schema}".sessions`)).rows).toEqual([]);
        expect(await store.findRefreshToken('tok-b')).toBeUndefined();
      } finally {
        lockClient.release();
        await holder.end();
        await done();
        await dropSchema(schema);
      }
    },
  );

  it('a session the per-user cap meets while a rotation holds it: skipped, then ended by the next login with every token of it', async () => {
    const schema = uniqueSchema('caprace');
    const { store, pool, done } = await migratedStore(schema);
    const holder = testPool({ max: 1 });
    const lockClient = await holder.connect();
    try {
      const now = nowSeconds();
      const a = { id: 'tok-a', familyId: 'sess-1', clientId: 'app', sub: 'u1', scope: ['x'], authTime: now, issuedAt: now, expiresAt: now + 3600 };
      const session = (id: string, lastUsedAt: number, refreshTokenId: string) => ({
        id,
        sub: 'u1',
        clientId: 'app',
        scope: ['x'],
        createdAt: lastUsedAt,
        lastUsedAt,
        expiresAt: now + 7200,
        refreshTokenId,
      });
      await store.saveSession(session('sess-1', now, 'tok-a'), { refreshToken: a, maxPerUser: 10 });
      await lockClient.query('BEGIN');
      await lockClient.query(`SELECT 1 FROM "${schema}".sessions WHERE id = 'sess-1' FOR UPDATE`);
      const rotated = store.rotateRefreshToken('tok-a', { ...a, id: 'tok-b', issuedAt: now + 1 }, now + 1, {});
      await new Promise((resolve) => setTimeout(resolve, 200));
      // A second login of u1 with a cap of 1, while sess-1's row is held: it skips sess-1 rather than wait (waiting on
      // rows in plan order deadlocked parallel logins of one user at the cap), and does not wait for the rotation.
      const second = { ...a, id: 'tok-c', familyId: 'sess-2' };
      await store.saveSession(session('sess-2', now + 2, 'tok-c'), { refreshToken: second, maxPerUser: 1 });
      await lockClient.query('COMMIT');
      expect((await rotated).outcome).toBe('rotated');
      // The next login ends it, and every refresh token of it, tok-b included.
      const third = { ...a, id: 'tok-d', familyId: 'sess-3' };
      await store.saveSession(session('sess-3', now + 3, 'tok-d'), { refreshToken: third, maxPerUser: 1 });
      const left = await pool.query(`SELECT id FROM "${schema}".refresh_tokens WHERE family_id IN ('sess-1', 'sess-2')`);
      expect(left.rows).toEqual([]);
      expect((await pool.query(`SELECT id FROM "${schema}".sessions ORDER BY id`)).rows).toEqual([{ id: 'sess-3' }]);
    } finally {
      lockClient.release();
      await holder.end();
      await done();
      await dropSchema(schema);
    }
  });
});

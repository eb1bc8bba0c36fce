// __tests__/stores/sqlite-lock-wait.test.ts
// SqliteStore while another process holds the database's write lock: the event loop keeps serving other routes, the
// waiting call completes once the lock is free, or answers 503 after lockWaitMs having changed nothing.

import request from 'supertest';
import { ConfigError, SqliteStore, SqlStoreError } from '../../../lib';
import { createServer, form, type TestServer } from '../../helpers/server';
import { holdWriteLock, tempDatabase, whileLocked, type LockHolder } from '../../helpers/sqlite';

const login = (app: TestServer['app']) =>
  request(app)
    .post('/oauth2/token')
    .type('form')
    .send(form({ grant_type: 'password', client_id: 'cli', username: 'alice', password: 'correct horse', scope: 'orders' }));
const refresh = (app: TestServer['app'], token: string) =>
  request(app)
    .post('/oauth2/token')
    .type('form')
    .send(form({ grant_type: 'refresh_token', client_id: 'cli', refresh_token: token }));

describe('SqliteStore while another process holds the write lock', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** A store on a fresh file whose connection has the app's own 5 s busy_timeout (better-sqlite3's default too). */
  async function setUp(lockWaitMs: number) {
    const temp = tempDatabase('lock');
    cleanups.push(temp.remove);
    temp.db.pragma('busy_timeout = 5000');
    const sqlite = new SqliteStore({ database: temp.db, sweepIntervalMs: 0, lockWaitMs });
    cleanups.push(() => sqlite.close());
    await sqlite.migrate();
    const server = await createServer({ store: sqlite });
    server.app.get('/ping', (_req, res) => {
      res.json({ pong: true });
    });
    const hold = async (): Promise<LockHolder> => {
      const holder = await holdWriteLock(temp.file);
      cleanups.push(() => holder.release());
      return holder;
    };
    return { ...server, db: temp.db, sqlite, hold };
  }

  it('answers another route while a token request waits for the lock; the token request then completes', async () => {
    // A limit no loaded machine reaches: only the order of events matters here.
    const { app, sqlite, hold, db } = await setUp(60_000);
    const {
      otherStatus,
      otherFirst,
      waited: res,
    } = await whileLocked(
      sqlite,
      await hold(),
      () => login(app),
      () => request(app).get('/ping'),
    );
    expect(otherStatus).toBe(200);
    // The token request was in the store, waiting for the lock, yet /ping got through: the loop was not held.
    expect(otherFirst).toBe(true);
    expect(res.status).toBe(200);
    expect(res.body.refresh_token).toEqual(expect.any(String));
    // The app's own busy_timeout is as it set it: the store only lowers it around its own statements.
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
  });

  it('answers 503 temporarily_unavailable with an error event once lockWaitMs has passed, having spent nothing', async () => {
    const { app, events, hold } = await setUp(50);
    const first = await login(app);
    expect(first.status).toBe(200);
    const holder = await hold();

    const refused = await refresh(app, first.body.refresh_token);
    expect(refused.status).toBe(503);
    expect(refused.body).toEqual({ error: 'temporarily_unavailable', error_description: 'The service is temporarily unavailable; try again shortly' });
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.headers['cache-control']).toBe('no-store');
    const error = events.find((e) => e.name === 'error')?.payload as Error | undefined;
    const causes: string[] = [];
    for (let e: unknown = error; e instanceof Error; e = e.cause) causes.push(e.message);
    expect(causes.join(' / ')).toMatch(/stayed locked for lockWaitMs \(50 ms\)/);
    // Still locked, and the refresh token still unspent: the rotation is all or nothing.
    await holder.release();
    const rotated = await refresh(app, first.body.refresh_token);
    expect(rotated.status).toBe(200);
  });

  it('rejects each kind of call with a SqlStoreError after lockWaitMs, sweeping included, and works once the lock is free', async () => {
    const { sqlite, hold } = await setUp(20);
    const now = Math.floor(Date.now() / 1000);
    const record = { id: 'r1', familyId: 'f1', clientId: 'cli', sub: 'u', scope: ['orders'], authTime: now, issuedAt: now, expiresAt: now + 600 };
    await sqlite.saveRefreshToken(record);
    const holder = await hold();
    const next = { ...record, id: 'r2' };
    for (const call of [
      () => sqlite.rotateRefreshToken('r1', next, Date.now()),
      () => sqlite.hitBelow('k', 5, 60),
      () => sqlite.revokeFamily('f1', 60),
      () => sqlite.put('v', 'x', 60),
      () => sqlite.sweep(),
    ]) {
      await expect(call()).rejects.toBeInstanceOf(SqlStoreError);
    }
    // Reads go on: in WAL mode a writer never blocks them.
    expect((await sqlite.findRefreshToken('r1'))?.spentAt).toBeUndefined();
    await holder.release();
    expect(await sqlite.rotateRefreshToken('r1', next, Date.now())).toMatchObject({ outcome: 'rotated' });
    expect(await sqlite.findRefreshToken('r2')).toMatchObject({ id: 'r2' });
    expect(await sqlite.sweep()).toBe(0);
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY, '2000'])('refuses lockWaitMs %p with a ConfigError naming it', (lockWaitMs) => {
    const temp = tempDatabase('lock-options');
    cleanups.push(temp.remove);
    let thrown: unknown;
    try {
      new SqliteStore({ database: temp.db, lockWaitMs: lockWaitMs as number });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect(thrown).toMatchObject({ code: 'ERR_EPG_INVALID_OPTION', message: 'SqliteStore: options.lockWaitMs must be a positive number' });
  });
});

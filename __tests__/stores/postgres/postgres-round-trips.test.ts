// __tests__/stores/postgres/postgres-round-trips.test.ts
// Round trips to PostgreSQL per request, counted on the store's pool: a password login costs at most 3 (reserve,
// settle, insert), and a common refresh 1,
// so a regression shows here without a benchmark.

import request from 'supertest';
import type { Pool } from 'pg';
import { PostgresStore, type PgClientLike, type PgPoolLike } from '../../../lib';
import { basic, createServer, form, WEB_SECRET, type TestServer } from '../../helpers/server';
import { describeWithPostgres, dropSchema, testPool, uniqueSchema } from '../../helpers/postgres';

/** The app's pool, seen through a wrapper that names every statement run on it (pool.query and checked-out clients). */
class CountingPool implements PgPoolLike {
  readonly statements: string[] = [];
  /** How many of them came with a name (prepared once per connection by node-postgres). */
  named = 0;

  constructor(private readonly pool: Pool) {}

  get ending(): boolean {
    return this.pool.ending;
  }

  async connect(): Promise<PgClientLike> {
    const client = await this.pool.connect();
    const record = (text: string): void => {
      // The revocation feed's LISTEN is one statement per process, not per request.
      if (!/^LISTEN /.test(text)) this.statements.push(text);
    };
    return new Proxy(client, {
      get: (target, prop) => {
        if (prop === 'query') {
          return (query: string | { name?: string; text: string }, values?: unknown[]) => {
            record(typeof query === 'string' ? query : query.text);
            if (typeof query !== 'string' && query.name !== undefined) this.named += 1;
            return target.query(query as never, values);
          };
        }
        const value = Reflect.get(target, prop, target) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }

  query(text: string, values?: unknown[]): Promise<unknown> {
    this.statements.push(text);
    return this.pool.query(text, values);
  }

  /** What ran since the last call, each statement named by what it does. */
  take(): string[] {
    this.named = 0;
    return this.statements.splice(0).map(kind);
  }
}

/** A statement of PostgresStore, by what it does: the counter batches, single counter steps, refresh-token steps. */
function kind(text: string): string {
  if (text.includes('counters_hit_below_many')) return 'hitBelowMany';
  if (text.includes('counters_change_many')) return 'changeMany';
  if (/\.counters\b/.test(text)) return /^SELECT/.test(text.trim()) ? 'counter read' : 'counter write';
  if (/\.sessions\b/.test(text) && !/\.refresh_tokens\b/.test(text)) return /^\s*SELECT/.test(text) ? 'session read' : 'session write';
  if (/\.refresh_tokens\b/.test(text) && /t\.client_id = \$4/.test(text)) return 'rotateIfCurrent';
  if (/\.refresh_tokens\b/.test(text)) return /spent_at = \$2/.test(text) ? 'rotate' : /^\s*SELECT/.test(text) ? 'find' : 'save';
  return text.trim().slice(0, 40);
}

describeWithPostgres('round trips to PostgreSQL per request', () => {
  const schema = uniqueSchema('trips');
  let pool: Pool;
  let counting: CountingPool;
  let store: PostgresStore;
  let s: TestServer;

  beforeAll(async () => {
    pool = testPool();
    counting = new CountingPool(pool);
    store = new PostgresStore({ pool: counting, schema, sweepIntervalMs: 0 });
    await store.migrate();
    s = await createServer({ store });
  });

  afterAll(async () => {
    await store.close();
    await pool.end();
    await dropSchema(schema);
  });

  const login = async (username: string, password: string, client: { id: string } | { basic: string } = { id: 'cli' }, on = s) => {
    counting.take();
    const req = request(on.app).post('/oauth2/token').type('form');
    if ('basic' in client) req.set('Authorization', client.basic);
    const res = await req.send(form({ grant_type: 'password', username, password, ...('id' in client ? { client_id: client.id } : {}) }));
    const named = counting.named;
    return { res, named, statements: counting.take() };
  };

  const refresh = (token: string, extra: Record<string, string> = {}, on = s) =>
    request(on.app)
      .post('/oauth2/token')
      .set('Authorization', basic('web', WEB_SECRET))
      .type('form')
      .send(form({ grant_type: 'refresh_token', refresh_token: token, ...extra }));

  it('a password login with no earlier failure costs 3: one reservation, one settlement, one insert', async () => {
    const first = await login('alice', 'correct horse');
    expect(first.res.status).toBe(200);
    // The first success also writes the "succeeded here" marker: inside the same settlement.
    expect(first.statements).toEqual(['hitBelowMany', 'changeMany', 'save']);
    const again = await login('alice', 'correct horse');
    expect(again.res.status).toBe(200);
    expect(again.statements).toEqual(['hitBelowMany', 'changeMany', 'save']);
    // Each one a named statement, which PostgreSQL parses and plans once per connection rather than per call.
    expect(again.named).toBe(3);
  });

  it('sends statement text only with preparedStatements: false (for a pooler that cannot keep them), at the same count', async () => {
    const unprepared = new PostgresStore({ pool: counting, schema, sweepIntervalMs: 0, preparedStatements: false });
    const other = await createServer({ store: unprepared });
    try {
      const plain = await login('alice', 'correct horse', { id: 'cli' }, other);
      expect(plain.res.status).toBe(200);
      expect(plain.statements).toEqual(['hitBelowMany', 'changeMany', 'save']);
      expect(plain.named).toBe(0);
    } finally {
      await unprepared.close();
    }
  });

  it('a failed login costs 1 (its tally reserved with the place); the next success at the place 3 (the tally read in that reservation)', async () => {
    const failed = await login('bob', 'wrong');
    expect(failed.res.status).toBe(400);
    expect(failed.statements).toEqual(['hitBelowMany']);
    const after = await login('bob', 'hunter2');
    expect(after.res.status).toBe(200);
    expect(after.statements).toEqual(['hitBelowMany', 'changeMany', 'save']);
  });

  it('a refresh costs 1 (rotateIfCurrent: find and rotate in one statement); a confidential client adds its reservation and settlement until its secret is remembered', async () => {
    const viaWeb = await login('alice', 'correct horse', { basic: basic('web', WEB_SECRET) });
    expect(viaWeb.res.status).toBe(200);
    expect(viaWeb.statements).toEqual(['hitBelowMany', 'changeMany', 'hitBelowMany', 'changeMany', 'save']);
    counting.take();
    const refreshed = await refresh(viaWeb.res.body.refresh_token as string);
    expect(refreshed.status).toBe(200);
    expect(counting.take()).toEqual(['rotateIfCurrent']);
  });

  it('a refresh with a scope parameter, or with findUser, costs 2 (find, rotate): the checks run between them', async () => {
    const scoped = await login('alice', 'correct horse', { basic: basic('web', WEB_SECRET) });
    counting.take();
    expect((await refresh(scoped.res.body.refresh_token as string, { scope: 'orders' })).status).toBe(200);
    expect(counting.take()).toEqual(['find', 'rotate']);
    const withUser = await createServer({ store, findUser: (sub) => ({ id: sub }) });
    const viaUser = await login('alice', 'correct horse', { basic: basic('web', WEB_SECRET) }, withUser);
    counting.take();
    expect((await refresh(viaUser.res.body.refresh_token as string, {}, withUser)).status).toBe(200);
    expect(counting.take()).toEqual(['find', 'rotate']);
  });

  it('a refresh the one statement does not rotate (reuse) falls back to the usual steps: rotateIfCurrent, then find', async () => {
    const first = await login('alice', 'correct horse', { basic: basic('web', WEB_SECRET) });
    const token = first.res.body.refresh_token as string;
    expect((await refresh(token)).status).toBe(200);
    counting.take();
    expect((await refresh(token)).status).toBe(400);
    expect(counting.take().slice(0, 2)).toEqual(['rotateIfCurrent', 'find']);
  });

  it('a refused attempt at a locked place costs 5: the reservation, the lock read, the release of the other buckets, and the unlock marks (auth.unlock) read only on a refusal', async () => {
    for (let i = 0; i < 5; i++) expect((await login('testuser1@example.com', 'wrong')).res.status).toBe(400);
    const refused = await login('testuser1@example.com', 'wrong');
    expect(refused.res.status).toBe(429);
    expect(refused.statements).toEqual(['hitBelowMany', 'hitBelowMany', 'changeMany', 'counter read', 'counter read']);
  });

  it('single-key hitBelow (refused too) and release cost one statement each', async () => {
    counting.take();
    await store.hitBelow('trips-single', 1, 60);
    expect(await store.hitBelow('trips-single', 1, 60)).toMatchObject({ count: 1, added: false });
    await store.release('trips-single');
    expect(await store.peek('trips-single')).toBeUndefined();
    expect(counting.take()).toEqual(['hitBelowMany', 'hitBelowMany', 'changeMany', 'counter read']);
  });

  it('a schema without the batch functions (step 003 not applied) still throttles, by single statements, until migrate()', async () => {
    await pool.query(`DROP FUNCTION "${schema}".counters_hit_below_many, "${schema}".counters_change_many`);
    const fallback = await login('alice', 'correct horse');
    expect(fallback.res.status).toBe(200);
    // One try of the function, refused as undefined; then single statements only, for a while.
    expect(fallback.statements.filter((k) => k === 'hitBelowMany' || k === 'changeMany')).toEqual(['hitBelowMany']);
    expect(fallback.statements).toContain('counter write');
    await store.migrate();
    const restored = await login('alice', 'correct horse');
    expect(restored.res.status).toBe(200);
    expect(restored.statements).toEqual(['hitBelowMany', 'changeMany', 'save']);
  });
});

// __tests__/stores/postgres/postgres-round-trips.test.ts
// Round trips to PostgreSQL per request, counted on the store's pool: a password login costs at most 3 (reserve,
// settle, insert), so a regression shows here without a benchmark.

import request from 'supertest';
import type { Pool } from 'pg';
import { PostgresStore, type PgClientLike, type PgPoolLike } from '../../../lib';
import { basic, createServer, form, WEB_SECRET, type TestServer } from '../../helpers/server';
import { describeWithPostgres, dropSchema, testPool, uniqueSchema } from '../../helpers/postgres';

/** The app's pool, seen through a wrapper that names every statement run on it (pool.query and checked-out clients). */
class CountingPool implements PgPoolLike {
  readonly statements: string[] = [];

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
          return (text: string, values?: unknown[]) => {
            record(text);
            return target.query(text, values);
          };
        }
        const value = Reflect.get(target, prop, target) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as unknown as PgClientLike;
  }

  query(text: string, values?: unknown[]): Promise<unknown> {
    this.statements.push(text);
    return this.pool.query(text, values);
  }

  /** What ran since the last call, each statement named by what it does. */
  take(): string[] {
    return this.statements.splice(0).map(kind);
  }
}

/** A statement of PostgresStore, by what it does: the counter batches, single counter steps, refresh-token steps. */
function kind(text: string): string {
  if (text.includes('epg_hit_below_many')) return 'hitBelowMany';
  if (text.includes('epg_change_many')) return 'changeMany';
  if (/\.counters\b/.test(text)) return /^SELECT/.test(text.trim()) ? 'counter read' : 'counter write';
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

  const login = async (username: string, password: string, client: { id: string } | { basic: string } = { id: 'cli' }) => {
    counting.take();
    const req = request(s.app).post('/oauth2/token').type('form');
    if ('basic' in client) req.set('Authorization', client.basic);
    const res = await req.send(form({ grant_type: 'password', username, password, ...('id' in client ? { client_id: client.id } : {}) }));
    return { res, statements: counting.take() };
  };

  it('a password login with no earlier failure costs 3: one reservation, one settlement, one insert', async () => {
    const first = await login('alice', 'correct horse');
    expect(first.res.status).toBe(200);
    // The first success also writes the "succeeded here" marker: inside the same settlement.
    expect(first.statements).toEqual(['hitBelowMany', 'changeMany', 'save']);
    const again = await login('alice', 'correct horse');
    expect(again.res.status).toBe(200);
    expect(again.statements).toEqual(['hitBelowMany', 'changeMany', 'save']);
  });

  it('a failed login costs 2 (its tally counted in one call); the next success at the place 4 (the tally read first)', async () => {
    const failed = await login('bob', 'wrong');
    expect(failed.res.status).toBe(400);
    expect(failed.statements).toEqual(['hitBelowMany', 'changeMany']);
    const after = await login('bob', 'hunter2');
    expect(after.res.status).toBe(200);
    expect(after.statements).toEqual(['hitBelowMany', 'counter read', 'changeMany', 'save']);
  });

  it('a refresh costs 2 (find, rotate); a confidential client adds its reservation and settlement until its secret is remembered', async () => {
    const viaWeb = await login('alice', 'correct horse', { basic: basic('web', WEB_SECRET) });
    expect(viaWeb.res.status).toBe(200);
    expect(viaWeb.statements).toEqual(['hitBelowMany', 'changeMany', 'hitBelowMany', 'changeMany', 'save']);
    counting.take();
    const refreshed = await request(s.app).post('/oauth2/token').set('Authorization', basic('web', WEB_SECRET)).type('form')
      .send(form({ grant_type: 'refresh_token', refresh_token: viaWeb.res.body.refresh_token as string }));
    expect(refreshed.status).toBe(200);
    expect(counting.take()).toEqual(['find', 'rotate']);
  });

  it('a schema without the batch functions (step 003 not applied) still throttles, by single statements, until migrate()', async () => {
    await pool.query(`DROP FUNCTION "${schema}".epg_hit_below_many, "${schema}".epg_change_many`);
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

// __tests__/stores/postgres/postgres-session-races.test.ts
// Sessions under concurrency on real PostgreSQL: parallel logins of one user at the per-user cap, and a session ended
// while its refresh token rotates. Both once deadlocked (40P01 after deadlock_timeout, past the store's 1 s query
// deadline: a 503), and the second could leave a successor refresh token behind the session's end.

import { createHash, randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import type { PostgresStore, RefreshTokenRecord, SessionRecord } from '../../../lib';
import { describeWithPostgres, dropSchema, migratedStore, testPool, uniqueSchema } from '../../helpers/postgres';
import { capRace, endRace, type RaceTarget } from '../../helpers/session-races';
import { postgresContents } from '../../helpers/store-contents';
import { postgresStatements } from '../../../lib/stores/postgres/postgres-statements';

const CAP = 20;
const hash = (value: string): string => createHash('sha256').update(value).digest('base64url');
const now = (): number => Date.now() / 1000;

function login(sub: string): { session: SessionRecord; token: RefreshTokenRecord } {
  const sid = randomUUID();
  const t = now();
  const token: RefreshTokenRecord = {
    id: hash(`${sid}:0`),
    familyId: sid,
    clientId: 'cli',
    sub,
    scope: ['profile'],
    authTime: t,
    issuedAt: t,
    expiresAt: t + 86_400,
  };
  const session: SessionRecord = {
    id: sid,
    sub,
    clientId: 'cli',
    scope: ['profile'],
    createdAt: t,
    lastUsedAt: t,
    expiresAt: t + 30 * 86_400,
    refreshTokenId: token.id,
  };
  return { session, token };
}

/** Runs `tasks` `width` at a time; every rejection is collected, none stops the others. */
async function inParallel(count: number, width: number, task: (i: number) => Promise<unknown>): Promise<unknown[]> {
  const errors: unknown[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < count) {
        const i = next++;
        await task(i).catch((err: unknown) => errors.push(err));
      }
    }),
  );
  return errors;
}

const count = async (pool: Pool, sql: string, values: unknown[]): Promise<number> => Number((await pool.query(sql, values)).rows[0].n);

describeWithPostgres('PostgresStore sessions under concurrency', () => {
  const schema = uniqueSchema('races');
  let store: PostgresStore;
  let pool: Pool;
  let done: () => Promise<void>;

  beforeAll(async () => {
    ({ store, pool, done } = await migratedStore(schema, {}, undefined));
  });

  afterAll(async () => {
    await done();
    await dropSchema(schema);
  });

  /** Rotates `token` (the first of its session) by `method`; `done` settles with what the store answered. */
  const rotate = (method: 'rotateRefreshToken' | 'rotateIfCurrent', token: RefreshTokenRecord): { done: Promise<unknown>; nextId: string } => {
    const t = now();
    const nextId = hash(`${token.familyId}:1`);
    const done =
      method === 'rotateIfCurrent'
        ? store.rotateIfCurrent(token.id, { clientId: 'cli', idleTTL: 3600, absoluteTTL: 86_400 }, nextId, t)
        : store.rotateRefreshToken(token.id, { ...token, id: nextId, issuedAt: t }, t);
    return { done, nextId };
  };

  it('parallel logins of one user at the cap all succeed, and the next login trims the excess', async () => {
    const save = async (): Promise<void> => {
      const { session, token } = login('alice');
      await store.saveSession(session, { refreshToken: token, maxPerUser: CAP });
    };
    for (let i = 0; i < CAP; i += 1) await save();
    const errors = await inParallel(400, 10, save);
    expect(errors).toEqual([]);
    await save();
    expect(await count(pool, `SELECT count(*) AS n FROM "${schema}".sessions WHERE sub = $1`, ['alice'])).toBe(CAP);
    // Every ended session's refresh tokens are gone: none is left without its session.
    const orphans = `SELECT count(*) AS n FROM "${schema}".refresh_tokens t WHERE t.sub = $1
      AND NOT EXISTS (SELECT 1 FROM "${schema}".sessions s WHERE s.id = t.family_id)`;
    expect(await count(pool, orphans, ['alice'])).toBe(0);
  });

  it.each([
    ['rotateRefreshToken', 'usual'],
    ['rotateIfCurrent', 'one statement'],
  ] as const)('a session ended while %s (%s) runs: no error, and no refresh token of it is left', async (method, _path) => {
    const sids: string[] = [];
    const errors = await inParallel(150, 10, async () => {
      const { session, token } = login(`bob-${method}`);
      await store.saveSession(session, { refreshToken: token, maxPerUser: 100 });
      sids.push(session.id);
      await Promise.all([rotate(method, token).done, store.endSession(session.id)]);
    });
    expect(errors).toEqual([]);
    expect(await count(pool, `SELECT count(*) AS n FROM "${schema}".refresh_tokens WHERE family_id = ANY($1::text[])`, [sids])).toBe(0);
    expect(await count(pool, `SELECT count(*) AS n FROM "${schema}".sessions WHERE id = ANY($1::text[])`, [sids])).toBe(0);
    expect(await count(pool, `SELECT count(*) AS n FROM "${schema}".revocations WHERE key = ANY($1::text[])`, [sids.map((sid) => `fam:${sid}`)])).toBe(
      sids.length,
    );
  });

  it.each(['rotateRefreshToken', 'rotateIfCurrent'] as const)(
    'a %s that waited at its session while the session was deleted stores no successor',
    async (method) => {
      const { session, token } = login('carol');
      await store.saveSession(session, { refreshToken: token, maxPerUser: 100 });
      const holder = testPool({ max: 1 });
      const ender = await holder.connect();
      try {
        // Another transaction deletes the session row and holds it: the rotation spends the token, then waits.
        await ender.query('BEGIN');
        await ender.query(`DELETE FROM "${schema}".sessions WHERE id = $1`, [session.id]);
        const { done: rotation, nextId } = rotate(method, token);
        await new Promise((resolve) => setTimeout(resolve, 200));
        await ender.query('COMMIT');
        // It spent the token and answers with it; its tokens die with the session (the ender's mark refuses them).
        expect(await rotation).toBeTruthy();
        expect(await count(pool, `SELECT count(*) AS n FROM "${schema}".refresh_tokens WHERE id = $1`, [nextId])).toBe(0);
      } finally {
        ender.release();
        await holder.end();
      }
    },
  );

  it('endSession while a rotation holds the token and waits at the session: no deadlock, and the follow-up delete takes the skipped token', async () => {
    const { session, token } = login('dave');
    await store.saveSession(session, { refreshToken: token, maxPerUser: 100 });
    const statements = postgresStatements(schema);
    const tokensLeft = () => count(pool, `SELECT count(*) AS n FROM "${schema}".refresh_tokens WHERE family_id = $1`, [session.id]);
    const holder = testPool({ max: 1 });
    const ender = await holder.connect();
    try {
      await ender.query('BEGIN');
      await ender.query(`SELECT 1 FROM "${schema}".sessions WHERE id = $1 FOR UPDATE`, [session.id]);
      const t = now();
      const rotation = store.rotateRefreshToken(token.id, { ...token, id: hash(`${session.id}:1`), issuedAt: t }, t);
      await new Promise((resolve) => setTimeout(resolve, 200));
      // The rotation holds the token it spent and waits for the session row. endSession's statement, in the
      // transaction holding that row, skips the token (it waited for it: a deadlock cycle, 40P01).
      expect((await ender.query(statements.endSession, [session.id, 'epg_test_races'])).rowCount).toBe(1);
      await ender.query('COMMIT');
      expect((await rotation).outcome).toBe('rotated');
      expect(await tokensLeft()).toBe(1); // the spent token, skipped; no successor (its session was gone)
      await pool.query(statements.dropFamilies, [[session.id]]);
      expect(await tokensLeft()).toBe(0);
    } finally {
      ender.release();
      await holder.end();
    }
  });

  describe('the shared session-race workloads, on two stores with pools of their own (two instances)', () => {
    const target = async (): Promise<RaceTarget> => {
      const second = await migratedStore(schema);
      cleanups.push(second.done);
      return {
        stores: [store, second.store],
        contents: () => postgresContents(pool, schema),
        isToken: (line) => line.startsWith('refresh_tokens: '),
        isSession: (line) => line.startsWith('sessions: '),
      };
    };
    const cleanups: Array<() => Promise<void>> = [];
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0)) await cleanup();
    });

    it('a user at the cap logs in 10 at a time while old sessions rotate: all succeed, the cap holds, ended sessions keep no token', async () => {
      await capRace(await target(), { maxPerUser: 100, parallel: 10, rounds: 20 });
    });

    it('endSession racing chains of rotations of the same sessions: nothing of them is left', async () => {
      await endRace(await target(), { times: 200, parallel: 10, steps: 6 });
    });
  });
});

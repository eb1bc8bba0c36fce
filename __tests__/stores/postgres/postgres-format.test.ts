// __tests__/stores/postgres/postgres-format.test.ts
// PostgresStore's stored format v1, pinned by exact rows (golden rows), and the upgrade from the schema and rows
// 7c18849 wrote (fixed values): migrate() adds, never rewrites; old rows are found, rotated, reported as reused,
// revoked and swept by the new code.

import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { PostgresStore, SqlStoreError, type RefreshTokenRecord } from '../../../lib';
import { PG_MIGRATIONS } from '../../../lib/stores/postgres/postgres-schema';
import { AUTH, DETAILS_CASES, FAMILY, FAR, FULL, LOGIN, SESSION, SESSION_TOKEN, v0SqlRecord } from '../../helpers/golden-records';
import { V0_ROWS, v0UpgradeCases } from '../../helpers/sql-upgrade-cases';
import { describeWithPostgres, dropSchema, testPool, uniqueSchema } from '../../helpers/postgres';

/** Every column of a refresh_tokens row, expiry in epoch seconds. */
const ROW = `SELECT id, family_id, format, sub, client_id, auth_time, issued_at, extract(epoch FROM expires_at)::float8 AS expires_at,
  spent_at, successor_id, record, data FROM %s.refresh_tokens WHERE id = $1`;

const LOGIN_ROW = {
  id: 'golden-login',
  family_id: FAMILY,
  format: 1,
  sub: 'u-1234',
  client_id: 'web',
  auth_time: AUTH,
  issued_at: AUTH,
  expires_at: FAR,
  spent_at: null,
  successor_id: null,
  record: '[0]',
  data: '{"scope":"openid profile orders","user":"user1234@example.com"}',
};

describeWithPostgres('PostgresStore stored format', () => {
  const schema = uniqueSchema('format');
  let pool: Pool;
  let store: PostgresStore;
  const row = async (id: string): Promise<Record<string, unknown> | undefined> => (await pool.query(ROW.replace('%s', `"${schema}"`), [id])).rows[0];
  const successor = (record: RefreshTokenRecord, id: string): RefreshTokenRecord => ({ ...record, id, issuedAt: AUTH + 200 });

  beforeAll(async () => {
    pool = testPool();
    // The schema exactly as 7c18849 created it (step 001), holding rows as 7c18849 wrote them; then the upgrade.
    await pool.query(PG_MIGRATIONS[0].sql(schema));
    const insert = `INSERT INTO "${schema}".refresh_tokens (id, family_id, record, spent_at, successor_id, expires_at) VALUES ($1, $2, $3, $4, $5, to_timestamp($6))`;
    for (const [id, family, spentAt, successorId, expiresAt] of V0_ROWS) {
      await pool.query(insert, [id, family, v0SqlRecord(family), spentAt, successorId, expiresAt]);
    }
    store = new PostgresStore({ pool, schema, sweepIntervalMs: 0 });
    await store.migrate();
  });

  afterAll(async () => {
    await store.close();
    await pool.end();
    await dropSchema(schema);
  });

  describe('v1, written', () => {
    it('writes a login record as exactly this row', async () => {
      await store.saveRefreshToken(LOGIN);
      expect(await row(LOGIN.id)).toEqual(LOGIN_ROW);
    });

    it('writes the fields without a column by their v1 names, one it does not know under x', async () => {
      await store.saveRefreshToken(FULL);
      expect(await row(FULL.id)).toEqual({
        ...LOGIN_ROW,
        id: 'golden-full',
        issued_at: AUTH + 100,
        data: '{"scope":"openid profile orders","user":"user1234@example.com","jkt":"thumb","claims":{"tenant":"ä"},"x":{"note":"kept"}}',
      });
    });

    it('rotation sets spent_at and successor_id on the spent row only; the successor is a v1 row', async () => {
      const previous = { ...LOGIN, id: 'golden-rotated' };
      await store.saveRefreshToken(previous);
      expect(await store.rotateRefreshToken(previous.id, successor(previous, 'golden-successor'), AUTH + 200)).toEqual({ outcome: 'rotated', previous });
      expect(await row(previous.id)).toEqual({ ...LOGIN_ROW, id: 'golden-rotated', spent_at: AUTH + 200, successor_id: 'golden-successor' });
      expect(await row('golden-successor')).toEqual({ ...LOGIN_ROW, id: 'golden-successor', issued_at: AUTH + 200 });
    });
  });

  describe('v1, read from fixed rows', () => {
    it('finds the record a fixed v1 row holds', async () => {
      await pool.query(
        `INSERT INTO "${schema}".refresh_tokens (id, family_id, format, sub, client_id, auth_time, issued_at, expires_at, record, data)
         VALUES ('fixed-full', $1, 1, 'u-1234', 'web', $2, $3, to_timestamp($4), '[0]', $5)`,
        [
          FAMILY,
          AUTH,
          AUTH + 100,
          FAR,
          '{"scope":"openid profile orders","user":"user1234@example.com","jkt":"thumb","claims":{"tenant":"ä"},"x":{"note":"kept"}}',
        ],
      );
      expect(await store.findRefreshToken('fixed-full')).toEqual({ ...FULL, id: 'fixed-full' });
    });

    it('refuses a row of a format it does not know (a newer one, after a rollback)', async () => {
      await pool.query(
        `INSERT INTO "${schema}".refresh_tokens (id, family_id, format, sub, client_id, auth_time, issued_at, expires_at, record, data)
         VALUES ('from-the-future', $1, 2, 'u-1234', 'web', $2, $2, to_timestamp($3), '[0]', '{}')`,
        [FAMILY, AUTH, FAR],
      );
      await expect(store.findRefreshToken('from-the-future')).rejects.toThrow(SqlStoreError);
    });
  });

  describe('sessions, v1', () => {
    const SESSION_ROW = {
      id: SESSION.id,
      sub: 'u-1234',
      client_id: 'web',
      created_at: AUTH,
      last_used_at: AUTH,
      expires_at: FAR,
      refresh_token_id: 'golden-session-token',
      format: 1,
      data: '{"scope":"openid profile orders"}',
    };
    const sessionRow = async (id: string): Promise<Record<string, unknown> | undefined> =>
      (
        await pool.query(
          `SELECT id, sub, client_id, created_at, last_used_at, extract(epoch FROM expires_at)::float8 AS expires_at,
        refresh_token_id, format, data FROM "${schema}".sessions WHERE id = $1`,
          [id],
        )
      ).rows[0];

    it('writes a session and its first refresh token in one call as exactly these rows; rotation touches the session', async () => {
      await store.saveSession(SESSION, { refreshToken: SESSION_TOKEN, maxPerUser: 100 });
      expect(await sessionRow(SESSION.id)).toEqual(SESSION_ROW);
      expect(await row(SESSION_TOKEN.id)).toEqual({ ...LOGIN_ROW, id: SESSION_TOKEN.id, family_id: SESSION.id });
      await store.rotateRefreshToken(SESSION_TOKEN.id, successor(SESSION_TOKEN, 'golden-session-next'), AUTH + 200);
      expect(await sessionRow(SESSION.id)).toEqual({ ...SESSION_ROW, last_used_at: AUTH + 200, refresh_token_id: 'golden-session-next' });
    });

    it('finds the session a fixed row holds', async () => {
      await pool.query(
        `INSERT INTO "${schema}".sessions (id, sub, client_id, created_at, last_used_at, expires_at, refresh_token_id, format, data)
         VALUES ('fixed-session', 'u-1234', 'web', $1, $1, to_timestamp($2), NULL, 1, '{"scope":"openid profile orders","ip":"2001:db8::1","ua":"Zoë/1.0"}')`,
        [AUTH, FAR],
      );
      const { refreshTokenId: _none, ...withoutToken } = SESSION;
      expect(await store.findSession('fixed-session')).toEqual({ ...withoutToken, id: 'fixed-session', ip: '2001:db8::1', userAgent: 'Zoë/1.0' });
    });

    it('ending it deletes the session row and every refresh token row of its family, spent ones included, and marks the family until the session end', async () => {
      const session = { ...SESSION, id: 'golden-ended', refreshTokenId: 'golden-ended-token' };
      const first = { ...SESSION_TOKEN, id: 'golden-ended-token', familyId: 'golden-ended' };
      await store.saveSession(session, { refreshToken: first, maxPerUser: 100 });
      await store.rotateRefreshToken(first.id, successor(first, 'golden-ended-2'), AUTH + 200);
      await store.rotateRefreshToken('golden-ended-2', successor(first, 'golden-ended-3'), AUTH + 300);
      expect(await row('golden-ended-2')).toMatchObject({ family_id: 'golden-ended', sub: 'u-1234', spent_at: AUTH + 300 });
      expect(await store.endSession(session.id)).toBe(true);
      expect(await sessionRow(session.id)).toBeUndefined();
      expect((await pool.query(`SELECT count(*)::int AS n FROM "${schema}".refresh_tokens WHERE family_id = 'golden-ended'`)).rows).toEqual([{ n: 0 }]);
      const mark = await pool.query(`SELECT extract(epoch FROM expires_at)::float8 AS until FROM "${schema}".revocations WHERE key = 'fam:golden-ended'`);
      expect(mark.rows).toEqual([{ until: FAR }]);
    });

    it('finds the refresh tokens of a family by an index, not a scan', async () => {
      const client = await pool.connect();
      try {
        // A table this small would be scanned anyway: ask whether an index could serve it at all.
        await client.query('SET enable_seqscan = off');
        const plan = await client.query(`EXPLAIN DELETE FROM "${schema}".refresh_tokens WHERE family_id = 'f'`);
        expect(plan.rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n')).toMatch(/Index Scan (using|on) refresh_tokens_family_id/);
      } finally {
        client.release(true);
      }
    });

    describe('a rotation with session details rewrites ip and ua in data, in place, as exactly these bytes', () => {
      const rotatedData = async (before: string, details: Parameters<PostgresStore['rotateRefreshToken']>[3]): Promise<unknown> => {
        const id = `details-${randomUUID()}`;
        const token = { ...SESSION_TOKEN, id: `${id}-token`, familyId: id };
        await store.saveSession({ ...SESSION, id, refreshTokenId: token.id }, { refreshToken: token, maxPerUser: 100 });
        await pool.query(`UPDATE "${schema}".sessions SET data = $2 WHERE id = $1`, [id, before]);
        await store.rotateRefreshToken(token.id, successor(token, `${id}-next`), AUTH + 200, details);
        return (await sessionRow(id))?.data;
      };

      it.each(DETAILS_CASES)('%s', async (_name, before, details, after) => {
        expect(await rotatedData(`{"scope":"openid profile orders"${before}}`, details)).toBe(`{"scope":"openid profile orders"${after}}`);
      });

      it.each([
        ['an object with no other member', '{}', { ip: '192.0.2.1' }, '{"ip":"192.0.2.1"}'],
        ['an object of x alone', '{"x":{"a":1}}', { userAgent: 'A/1' }, '{"ua":"A/1","x":{"a":1}}'],
        ['nothing left but braces', '{"ip":"192.0.2.1"}', {}, '{}'],
      ])('in %s too', async (_name, before, details, after) => {
        expect(await rotatedData(before, details)).toBe(after);
      });

      it('leaves data as it is without details', async () => {
        const before = '{"scope":"openid profile orders","ip":"192.0.2.1","ua":"A/1"}';
        expect(await rotatedData(before, undefined)).toBe(before);
      });
    });
  });

  const insertV1 = async (id: string, familyId: string, data: string): Promise<void> => {
    await pool.query(
      `INSERT INTO "${schema}".refresh_tokens (id, family_id, format, sub, client_id, auth_time, issued_at, expires_at, record, data)
       VALUES ($1, $2, 1, 'u-1234', 'web', $3, $3, to_timestamp($4), '[0]', $5)`,
      [id, familyId, AUTH, FAR, data],
    );
  };

  describe('v0, what 7c18849 wrote, after migrate()', () => v0UpgradeCases(() => ({ store, row, far: FAR, insertV1 })));
});

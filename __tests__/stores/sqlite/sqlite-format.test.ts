// __tests__/stores/sqlite/sqlite-format.test.ts
// SqliteStore's stored format v1, pinned by exact rows (golden rows), and the upgrade from the tables and rows
// 7c18849 wrote (fixed values): migrate() adds, never rewrites; old rows are found, rotated, reported as reused,
// revoked and swept by the new code.

import { randomUUID } from 'node:crypto';
import { SqliteStore, SqlStoreError, type RefreshTokenRecord } from '../../../lib';
import { decodeRecord } from '../../../lib/stores/shared/compact-record';
import { SQLITE_MIGRATIONS } from '../../../lib/stores/sqlite/sqlite-schema';
import { AUTH, DETAILS_CASES, FAMILY, FAR, FULL, LOGIN, SESSION, SESSION_TOKEN, v0SqlRecord } from '../../helpers/golden-records';
import { V0_ROWS, v0UpgradeCases } from '../../helpers/sql-upgrade-cases';
import { tempDatabase, type TestDatabase } from '../../helpers/sqlite';

/** Every column of a refresh_tokens row (expiry in epoch ms, as every SqliteStore table keeps it). */
const ROW = `SELECT id, family_id, format, sub, client_id, auth_time, issued_at, expires_at, spent_at, successor_id, record, data
  FROM epg_refresh_tokens WHERE id = @id`;

const LOGIN_ROW = {
  id: 'golden-login',
  family_id: FAMILY,
  format: 1,
  sub: 'u-1234',
  client_id: 'web',
  auth_time: AUTH,
  issued_at: AUTH,
  expires_at: FAR * 1000,
  spent_at: null,
  successor_id: null,
  record: '[0]',
  data: '{"scope":"openid profile orders","user":"user1234@example.com"}',
};

describe('SqliteStore stored format', () => {
  let db: TestDatabase;
  let remove: () => void;
  let store: SqliteStore;
  const row = async (id: string): Promise<Record<string, unknown> | undefined> => db.prepare(ROW).get({ id }) as Record<string, unknown> | undefined;
  const insertV1 = (values: Record<string, unknown>): void => {
    db.prepare(
      `INSERT INTO epg_refresh_tokens (id, family_id, format, sub, client_id, auth_time, issued_at, expires_at, record, data)
      VALUES (@id, @family, @format, 'u-1234', 'web', @auth, @iat, @expires, '[0]', @data)`,
    ).run(values);
  };
  const successor = (record: RefreshTokenRecord, id: string): RefreshTokenRecord => ({ ...record, id, issuedAt: AUTH + 200 });

  beforeAll(async () => {
    ({ db, remove } = tempDatabase('format'));
    // The tables exactly as 7c18849 created them (step 001), holding rows as 7c18849 wrote them; then the upgrade.
    db.exec(SQLITE_MIGRATIONS[0].sql('epg_'));
    const insert = db.prepare(`INSERT INTO epg_refresh_tokens (id, family_id, record, spent_at, successor_id, expires_at)
      VALUES (@id, @family, @record, @spentAt, @successorId, @expires)`);
    for (const [id, family, spentAt, successorId, expiresAt] of V0_ROWS) {
      insert.run({ id, family, record: v0SqlRecord(family), spentAt, successorId, expires: expiresAt * 1000 });
    }
    store = new SqliteStore({ database: db, sweepIntervalMs: 0 });
    await store.migrate();
  });

  afterAll(async () => {
    await store.close();
    remove();
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

    it('holds in the v0 column what code before v1 reads as a token expired in 1970 (so it answers invalid_grant)', async () => {
      const { record } = (await row(LOGIN.id)) as { record: string };
      expect(decodeRecord(LOGIN.id, record).expiresAt).toBe(0);
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
      insertV1({
        id: 'fixed-full',
        family: FAMILY,
        format: 1,
        auth: AUTH,
        iat: AUTH + 100,
        expires: FAR * 1000,
        data: '{"scope":"openid profile orders","user":"user1234@example.com","jkt":"thumb","claims":{"tenant":"ä"},"x":{"note":"kept"}}',
      });
      expect(await store.findRefreshToken('fixed-full')).toEqual({ ...FULL, id: 'fixed-full' });
    });

    it('refuses a row of a format it does not know (a newer one, after a rollback)', async () => {
      insertV1({ id: 'from-the-future', family: FAMILY, format: 2, auth: AUTH, iat: AUTH, expires: FAR * 1000, data: '{}' });
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
      expires_at: FAR * 1000,
      refresh_token_id: 'golden-session-token',
      format: 1,
      data: '{"scope":"openid profile orders"}',
    };
    const sessionRow = async (id: string): Promise<Record<string, unknown> | undefined> =>
      db
        .prepare(`SELECT id, sub, client_id, created_at, last_used_at, expires_at, refresh_token_id, format, data FROM epg_sessions WHERE id = @id`)
        .get({ id }) as Record<string, unknown> | undefined;

    it('writes a session and its first refresh token in one call as exactly these rows; rotation touches the session', async () => {
      await store.saveSession(SESSION, { refreshToken: SESSION_TOKEN, maxPerUser: 100 });
      expect(await sessionRow(SESSION.id)).toEqual(SESSION_ROW);
      expect(await row(SESSION_TOKEN.id)).toEqual({ ...LOGIN_ROW, id: SESSION_TOKEN.id, family_id: SESSION.id });
      await store.rotateRefreshToken(SESSION_TOKEN.id, successor(SESSION_TOKEN, 'golden-session-next'), AUTH + 200);
      expect(await sessionRow(SESSION.id)).toEqual({ ...SESSION_ROW, last_used_at: AUTH + 200, refresh_token_id: 'golden-session-next' });
    });

    it('finds the session a fixed row holds', async () => {
      db.prepare(
        `INSERT INTO epg_sessions (id, sub, client_id, created_at, last_used_at, expires_at, refresh_token_id, format, data)
        VALUES ('fixed-session', 'u-1234', 'web', @at, @at, @until, NULL, 1, '{"scope":"openid profile orders","ip":"2001:db8::1","ua":"Zoë/1.0"}')`,
      ).run({ at: AUTH, until: FAR * 1000 });
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
      expect(db.prepare(`SELECT count(*) AS n FROM epg_refresh_tokens WHERE family_id = 'golden-ended'`).get()).toEqual({ n: 0 });
      expect(db.prepare(`SELECT expires_at FROM epg_revocations WHERE key = 'fam:golden-ended'`).get()).toEqual({ expires_at: FAR * 1000 });
    });

    it('finds the refresh tokens of a family by an index, not a scan', () => {
      const plan = db.prepare(`EXPLAIN QUERY PLAN DELETE FROM epg_refresh_tokens WHERE family_id = 'f'`).all() as Array<{ detail: string }>;
      expect(plan.map((step) => step.detail).join('; ')).toMatch(/USING (COVERING )?INDEX epg_refresh_tokens_family_id/);
    });

    describe('a rotation with session details rewrites ip and ua in data, in place, as exactly these bytes', () => {
      it.each(DETAILS_CASES)('%s', async (_name, before, details, after) => {
        const id = `details-${randomUUID()}`;
        const token = { ...SESSION_TOKEN, id: `${id}-token`, familyId: id };
        await store.saveSession({ ...SESSION, id, refreshTokenId: token.id }, { refreshToken: token, maxPerUser: 100 });
        db.prepare(`UPDATE epg_sessions SET data = @data WHERE id = @id`).run({ id, data: `{"scope":"openid profile orders"${before}}` });
        await store.rotateRefreshToken(token.id, successor(token, `${id}-next`), AUTH + 200, details);
        expect((await sessionRow(id))?.data).toBe(`{"scope":"openid profile orders"${after}}`);
      });

      it.each([
        ['an object with no other member', '{}', { ip: '192.0.2.1' }, '{"ip":"192.0.2.1"}'],
        ['an object of x alone', '{"x":{"a":1}}', { userAgent: 'A/1' }, '{"ua":"A/1","x":{"a":1}}'],
        ['nothing left but braces', '{"ip":"192.0.2.1"}', {}, '{}'],
      ])('in %s too', async (_name, before, details, after) => {
        const id = `details-${randomUUID()}`;
        const token = { ...SESSION_TOKEN, id: `${id}-token`, familyId: id };
        await store.saveSession({ ...SESSION, id, refreshTokenId: token.id }, { refreshToken: token, maxPerUser: 100 });
        db.prepare(`UPDATE epg_sessions SET data = @data WHERE id = @id`).run({ id, data: before });
        await store.rotateRefreshToken(token.id, successor(token, `${id}-next`), AUTH + 200, details);
        expect((await sessionRow(id))?.data).toBe(after);
      });

      it('leaves data as it is without details', async () => {
        const id = `details-${randomUUID()}`;
        const token = { ...SESSION_TOKEN, id: `${id}-token`, familyId: id };
        await store.saveSession({ ...SESSION, id, refreshTokenId: token.id, ip: '192.0.2.1', userAgent: 'A/1' }, { refreshToken: token, maxPerUser: 100 });
        await store.rotateRefreshToken(token.id, successor(token, `${id}-next`), AUTH + 200);
        expect((await sessionRow(id))?.data).toBe('{"scope":"openid profile orders","ip":"192.0.2.1","ua":"A/1"}');
      });
    });
  });

  const insertSql = async (id: string, family: string, data: string): Promise<void> => {
    insertV1({ id, family, format: 1, auth: AUTH, iat: AUTH, expires: FAR * 1000, data });
  };

  describe('v0, what 7c18849 wrote, after migrate()', () => v0UpgradeCases(() => ({ store, row, far: FAR * 1000, insertV1: insertSql })));
});

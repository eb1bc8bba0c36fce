// __tests__/helpers/sql-upgrade-cases.ts
// The upgrade cases both SQL stores pass: rows exactly as 7c18849 wrote them (format v0), read, rotated, reported as
// reused, revoked and swept by the new code after migrate().

import type { RefreshTokenRecord } from '../../lib';
import { AUTH, FAMILY, FAR, LOGIN, loginAs, v0SqlRecord, V0_SQL_RECORD } from './golden-records';

/** A record as a store reads it from a row 7c18849 wrote: flagged as older than session records. */
const readAsV0 = <R extends object>(record: R): R & { predatesSessions: true } => ({ ...record, predatesSessions: true });

/** The v0 rows each test database starts with: id, family, spentAt, successorId, expiresAt (epoch s). */
export const V0_ROWS = [
  ['v0-find', FAMILY, null, null, FAR],
  ['v0-rotate', 'c0ffee00-0000-4000-8000-000000000002', null, null, FAR],
  ['v0-spent', 'c0ffee00-0000-4000-8000-000000000003', 1765000500, 'old-successor', FAR],
  ['v0-revoked', 'c0ffee00-0000-4000-8000-000000000004', null, null, FAR],
  ['v0-expired', 'c0ffee00-0000-4000-8000-000000000005', null, null, AUTH],
  ['v0-legacy', 'c0ffee00-0000-4000-8000-000000000006', null, null, FAR],
] as const;

/** The v1 `data` of LOGIN's fields in a record read from a row older than session records, and of its successors. */
export const PREDATES_SESSIONS_DATA = '{"scope":"openid profile orders","user":"user1234@example.com","x":{"predatesSessions":true}}';

/** What the cases need of a migrated store holding V0_ROWS, and of its refresh_tokens table. */
export interface UpgradeSubject {
  readonly store: {
    findRefreshToken(id: string): Promise<RefreshTokenRecord | undefined>;
    rotateRefreshToken(id: string, next: RefreshTokenRecord, now: number): ReturnType<import('../../lib').TokenStore['rotateRefreshToken']>;
    revokeFamily(familyId: string, ttlSeconds: number): Promise<void>;
    sweep(): Promise<number>;
  };
  /** Every column of a refresh_tokens row, as the store's golden tests select it. */
  readonly row: (id: string) => Promise<Record<string, unknown> | undefined>;
  /** `expires_at` of FAR as the table holds it (seconds for PostgreSQL, ms for SQLite). */
  readonly far: number;
  /** Inserts a v1 row (format 1) of LOGIN's columns, issued at AUTH, with `data` as given: fixed bytes. */
  insertV1: (id: string, familyId: string, data: string) => Promise<void>;
}

const nowSeconds = (): number => Math.floor(Date.now() / 1000);
const successor = (record: RefreshTokenRecord, id: string): RefreshTokenRecord => ({ ...record, id, issuedAt: AUTH + 200 });

/** The successor the refresh grant makes of a record it found (lib/grants/refresh-token.ts): its fields kept, spent ones dropped. */
function grantSuccessor(found: RefreshTokenRecord, id: string, issuedAt: number): RefreshTokenRecord {
  const { spentAt: _spentAt, successorId: _successorId, ...kept } = found;
  return { ...kept, id, issuedAt };
}

/** Declares the cases; `subject` is read when they run (after the suite's beforeAll). */
export function v0UpgradeCases(subject: () => UpgradeSubject): void {
  it('migrate() only added columns: the v0 rows are as they were written', async () => {
    const { row, far } = subject();
    expect(await row('v0-find')).toEqual({
      id: 'v0-find',
      family_id: FAMILY,
      format: null,
      sub: null,
      client_id: null,
      auth_time: null,
      issued_at: null,
      expires_at: far,
      spent_at: null,
      successor_id: null,
      record: V0_SQL_RECORD,
      data: null,
    });
  });

  it('finds one as the record it was written as', async () => {
    expect(await subject().store.findRefreshToken('v0-find')).toEqual(readAsV0(loginAs('v0-find', FAMILY)));
  });

  it('rotates one: spent in place, the successor written as v1, reuse reported', async () => {
    const { store, row } = subject();
    const record = loginAs('v0-rotate', 'c0ffee00-0000-4000-8000-000000000002');
    const next = successor(record, 'v0-successor');
    const now = nowSeconds();
    expect(await store.rotateRefreshToken(record.id, next, now)).toEqual({ outcome: 'rotated', previous: readAsV0(record) });
    expect(await row(record.id)).toMatchObject({ format: null, record: v0SqlRecord(record.familyId), spent_at: now, successor_id: next.id });
    expect(await row(next.id)).toMatchObject({ format: 1, record: '[0]' });
    expect(await store.findRefreshToken(next.id)).toEqual(next);
    const spent = readAsV0({ ...record, spentAt: now, successorId: next.id });
    expect(await store.rotateRefreshToken(record.id, successor(record, 'v0-second'), now + 1)).toEqual({ outcome: 'reused', previous: spent });
  });

  it("rotated as the refresh grant rotates it, its successor's v1 data carries predatesSessions as exactly these bytes, and the next successor's too", async () => {
    const { store, row, far } = subject();
    const family = 'c0ffee00-0000-4000-8000-000000000006';
    const found = await store.findRefreshToken('v0-legacy');
    expect(found).toEqual(readAsV0(loginAs('v0-legacy', family)));
    const next = grantSuccessor(found!, 'v0-legacy-next', AUTH + 200);
    expect(await store.rotateRefreshToken('v0-legacy', next, AUTH + 200)).toEqual({ outcome: 'rotated', previous: found });
    const v1Row = {
      id: 'v0-legacy-next',
      family_id: family,
      format: 1,
      sub: 'u-1234',
      client_id: 'web',
      auth_time: AUTH,
      issued_at: AUTH + 200,
      expires_at: far,
      spent_at: null,
      successor_id: null,
      record: '[0]',
      data: PREDATES_SESSIONS_DATA,
    };
    expect(await row('v0-legacy-next')).toEqual(v1Row);
    const again = await store.findRefreshToken('v0-legacy-next');
    expect(again).toEqual({ ...next, predatesSessions: true });
    await store.rotateRefreshToken('v0-legacy-next', grantSuccessor(again!, 'v0-legacy-third', AUTH + 300), AUTH + 300);
    expect(await row('v0-legacy-third')).toEqual({ ...v1Row, id: 'v0-legacy-third', issued_at: AUTH + 300 });
  });

  it('reads predatesSessions from fixed v1 bytes', async () => {
    const { store, insertV1 } = subject();
    await insertV1('fixed-predates', FAMILY, PREDATES_SESSIONS_DATA);
    expect(await store.findRefreshToken('fixed-predates')).toEqual(readAsV0(loginAs('fixed-predates', FAMILY)));
  });

  it('reports reuse of one 7c18849 had already rotated', async () => {
    const { store, row } = subject();
    const spent = readAsV0({ ...loginAs('v0-spent', 'c0ffee00-0000-4000-8000-000000000003'), spentAt: 1765000500, successorId: 'old-successor' });
    expect(await store.findRefreshToken('v0-spent')).toEqual(spent);
    expect(await store.rotateRefreshToken('v0-spent', successor(spent, 'v0-never'), nowSeconds())).toEqual({ outcome: 'reused', previous: spent });
    expect(await row('v0-never')).toBeUndefined();
  });

  it('hides one whose family is revoked, and refuses to rotate it', async () => {
    const { store } = subject();
    await store.revokeFamily('c0ffee00-0000-4000-8000-000000000004', 600);
    expect(await store.findRefreshToken('v0-revoked')).toBeUndefined();
    expect(await store.rotateRefreshToken('v0-revoked', successor(LOGIN, 'v0-none'), nowSeconds())).toEqual({ outcome: 'invalid' });
  });

  it('sweeps an expired one', async () => {
    const { store, row } = subject();
    expect(await row('v0-expired')).toBeDefined();
    expect(await store.sweep()).toBeGreaterThanOrEqual(1);
    expect(await row('v0-expired')).toBeUndefined();
    expect(await row('v0-find')).toBeDefined();
  });
}

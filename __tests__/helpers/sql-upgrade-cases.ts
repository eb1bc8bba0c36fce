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
] as const;

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
}

const nowSeconds = (): number => Math.floor(Date.now() / 1000);
const successor = (record: RefreshTokenRecord, id: string): RefreshTokenRecord => ({ ...record, id, issuedAt: AUTH + 200 });

/** Declares the cases; `subject` is read when they run (after the suite's beforeAll). */
export function v0UpgradeCases(subject: () => UpgradeSubject): void {
  it('migrate() only added columns: the v0 rows are as they were written', async () => {
    const { row, far } = subject();
    expect(await row('v0-find')).toEqual({
      id: 'v0-find', family_id: FAMILY, format: null, sub: null, client_id: null, auth_time: null, issued_at: null,
      expires_at: far, spent_at: null, successor_id: null, record: V0_SQL_RECORD, data: null,
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

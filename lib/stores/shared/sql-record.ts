// lib/stores/shared/sql-record.ts
// Refresh tokens and sessions as rows of the SQL stores: v1 columns and named data written; v1 and, for refresh
// tokens, v0 (compact) rows read.

import { decodeRecord } from './compact-record';
import { decodeNamed, encodeNamed, FORMAT_VERSION, SESSION_NAMES, TOKEN_NAMES } from './record-v1';
import type { RefreshTokenRecord } from './refresh-token-store';
import type { SessionRecord } from './session-store';
import { SqlStoreError } from './sql-store-error';

/** Fields a v1 row keeps in columns of their own (what is queried, or read by the atomic steps); the rest is `data`. */
const COLUMNS = new Set<keyof RefreshTokenRecord>(['id', 'familyId', 'clientId', 'sub', 'authTime', 'issuedAt', 'expiresAt', 'spentAt', 'successorId']);

/**
 * What a v1 row holds in the `record` column, which rows of format v0 (7c18849) filled with the compact record: a
 * compact record expired at the epoch, so code of that version reads a v1 row as an expired token (the user signs in
 * again; never an error).
 */
export const V0_PLACEHOLDER = '[0]';

/** The columns of a new v1 row, in the order the statements take them after the id. */
export interface TokenColumns {
  readonly familyId: string;
  readonly expiresAt: number;
  readonly sub: string;
  readonly clientId: string;
  readonly authTime: number;
  readonly issuedAt: number;
  /** The named fields that have no column of their own (`scope`, `user`, `jkt`, `claims`, `x`), as JSON. */
  readonly data: string;
}

/** The v1 columns of `record` (spentAt and successorId are set by rotation, never on insert). */
export function tokenColumns(record: RefreshTokenRecord): TokenColumns {
  const { familyId, expiresAt, sub, clientId, authTime, issuedAt } = record;
  return { familyId, expiresAt, sub, clientId, authTime, issuedAt, data: encodeNamed(TOKEN_NAMES, record, COLUMNS) };
}

/** `tokenColumns` as statement parameters: family, expiresAt, sub, client id, authTime, issuedAt, data. */
export function tokenValues(record: RefreshTokenRecord): unknown[] {
  const c = tokenColumns(record);
  return [c.familyId, c.expiresAt, c.sub, c.clientId, c.authTime, c.issuedAt, c.data];
}

/**
 * The record of row `row` of token `id`, whatever version wrote it: `format` 1 (columns and named `data`), or none
 * (v0: the compact record of 7c18849 in `record`). Columns: format, record, data, family_id, sub, client_id,
 * auth_time, issued_at, spent_at, successor_id; `expiresAt` is the row's expiry in seconds. An unknown version (a
 * newer writer, then a rollback) is refused, never guessed at.
 */
export function recordFromRow(store: string, id: string, row: Record<string, unknown>, expiresAt: number): RefreshTokenRecord {
  const record = row.format === null || row.format === undefined ? v0Record(store, id, row) : v1Record(store, id, row, expiresAt);
  if (row.spent_at === null || row.spent_at === undefined) return record;
  return { ...record, spentAt: Number(row.spent_at), successorId: typeof row.successor_id === 'string' ? row.successor_id : undefined };
}

function v0Record(store: string, id: string, row: Record<string, unknown>): RefreshTokenRecord {
  if (typeof row.record !== 'string') throw new SqlStoreError(`${store} refresh token record is unreadable`);
  return { ...decodeRecord(id, row.record), predatesSessions: true };
}

function v1Record(store: string, id: string, row: Record<string, unknown>, expiresAt: number): RefreshTokenRecord {
  if (Number(row.format) !== FORMAT_VERSION) throw new SqlStoreError(`${store} refresh token has format ${String(row.format)}, unknown to this version`);
  let named: Partial<Record<string, unknown>>;
  try {
    named = decodeNamed(TOKEN_NAMES, String(row.data));
  } catch (err) {
    throw new SqlStoreError(`${store} refresh token record is unreadable`, err);
  }
  return {
    ...named,
    id,
    familyId: String(row.family_id),
    clientId: String(row.client_id),
    sub: String(row.sub),
    scope: (named.scope as readonly string[] | undefined) ?? [],
    authTime: Number(row.auth_time),
    issuedAt: Number(row.issued_at),
    expiresAt,
  };
}

/** Session fields a v1 row keeps in columns of their own; the rest (`scope`, `ip`, `ua`, `x`) is `data`. */
const SESSION_COLUMNS = new Set<keyof SessionRecord>(['id', 'sub', 'clientId', 'createdAt', 'lastUsedAt', 'expiresAt', 'refreshTokenId']);

/** The columns of a session row as statement parameters: id, sub, client id, createdAt, lastUsedAt, expiresAt, refresh token id, data. */
export function sessionValues(session: SessionRecord): unknown[] {
  const { id, sub, clientId, createdAt, lastUsedAt, expiresAt, refreshTokenId } = session;
  return [id, sub, clientId, createdAt, lastUsedAt, expiresAt, refreshTokenId ?? null, encodeNamed(SESSION_NAMES, session, SESSION_COLUMNS)];
}

/**
 * The session of row `row` (columns id, format, sub, client_id, created_at, last_used_at, refresh_token_id, data;
 * `expiresAt` the row's expiry in seconds). An unknown format is refused.
 */
export function sessionFromRow(store: string, row: Record<string, unknown>, expiresAt: number): SessionRecord {
  if (Number(row.format) !== FORMAT_VERSION) throw new SqlStoreError(`${store} session has format ${String(row.format)}, unknown to this version`);
  let named: Partial<Record<string, unknown>>;
  try {
    named = decodeNamed(SESSION_NAMES, String(row.data));
  } catch (err) {
    throw new SqlStoreError(`${store} session is unreadable`, err);
  }
  const session = {
    ...named,
    id: String(row.id),
    sub: String(row.sub),
    clientId: String(row.client_id),
    scope: (named.scope as readonly string[] | undefined) ?? [],
    createdAt: Number(row.created_at),
    lastUsedAt: Number(row.last_used_at),
    expiresAt,
  };
  return typeof row.refresh_token_id === 'string' ? { ...session, refreshTokenId: row.refresh_token_id } : session;
}

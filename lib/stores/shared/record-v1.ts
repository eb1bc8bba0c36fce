// lib/stores/shared/record-v1.ts
// Format v1 of what the durable stores write: a record's fields by name (a JSON object), those a store keeps in its
// own columns or header left out. docs/stores.md ("Stored format, v1") is its specification.

import type { RefreshTokenRecord, SessionDetails } from './refresh-token-store';
import type { SessionRecord } from './session-store';

/** The version the durable stores write; a reader accepts it and every earlier one still in the wild (v0, compact). */
export const FORMAT_VERSION = 1;

/** The v1 name of each known field of a kind of record, in the order they are written. */
interface Names<R> {
  readonly names: Readonly<Partial<Record<keyof R, string>>>;
  /** Fields never in the named object: the key, and what a store's atomic steps read or write in place. */
  readonly header: readonly (keyof R)[];
  /** A field left out when equal to another (`issuedAt` = `authTime` for a login's first token). */
  readonly defaults?: Readonly<Partial<Record<keyof R, keyof R>>>;
}

export const TOKEN_NAMES: Names<RefreshTokenRecord> = {
  names: {
    sub: 'sub',
    clientId: 'cid',
    scope: 'scope',
    authTime: 'auth',
    issuedAt: 'iat',
    expiresAt: 'exp',
    username: 'user',
    jkt: 'jkt',
    extraClaims: 'claims',
  },
  header: ['id', 'familyId', 'spentAt', 'successorId'],
  defaults: { issuedAt: 'authTime' },
};

/** `ip` and `ua` stay the last names (a new field goes before them, or under `x`): see sessionDetailsMembers. */
export const SESSION_NAMES: Names<SessionRecord> = {
  names: { sub: 'sub', clientId: 'cid', scope: 'scope', createdAt: 'created', expiresAt: 'exp', ip: 'ip', userAgent: 'ua' },
  header: ['id', 'lastUsedAt', 'refreshTokenId'],
};

/**
 * The members of a session's named object that hold `details`, as encodeNamed writes them (`"ip":"…","ua":"…"`, no
 * braces; '' when both are absent): what a rotation puts in place of the session's own. Because `ip` and `ua` come
 * last, followed only by `x`, a store replaces them without parsing the object: everything from the first `,"ip":`,
 * `,"ua":` or `,"x":` (none of which a JSON string or a list of strings can hold: a `"` inside one is escaped) up to
 * the `,"x":` member, or to the closing brace, is theirs.
 */
export function sessionDetailsMembers(details: SessionDetails): string {
  const { ip, userAgent } = details;
  return JSON.stringify({ [SESSION_NAMES.names.ip as string]: ip, [SESSION_NAMES.names.userAgent as string]: userAgent }).slice(1, -1);
}

// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ), delimited by spaces: a list of them joins and splits back.
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/**
 * The named object of `record` as one JSON string, fields in the order of `kind.names`: `scope` as the
 * space-delimited string of RFC 6749 §3.3 (an array when an entry is not a scope token), a field equal to its
 * default left out (when that default is written too), absent optional fields left out, and `expiresAt` left out
 * when `expiryOutside` says the store keeps whole-second expiries itself (Redis: the key's EXAT). Fields in
 * `outside` are the store's own columns; fields `kind` does not know travel under `x` by their own names.
 */
export function encodeNamed<R extends object>(kind: Names<R>, record: R, outside: ReadonlySet<keyof R>, expiryOutside = false): string {
  const named: Record<string, unknown> = {};
  const fields = record as Record<string, unknown>;
  for (const [field, name] of Object.entries(kind.names) as [keyof R & string, string][]) {
    const value = fields[field];
    if (value === undefined || outside.has(field)) continue;
    const fallback = kind.defaults?.[field];
    if (fallback !== undefined && !outside.has(fallback) && value === fields[fallback as string]) continue;
    if (field === 'expiresAt' && expiryOutside && Number.isInteger(value)) continue;
    named[name] = field === 'scope' ? scopeValue(value as readonly string[]) : value;
  }
  const extra: Record<string, unknown> = {};
  let hasExtra = false;
  for (const [field, value] of Object.entries(record)) {
    if (!known(kind, field) && value !== undefined) {
      extra[field] = value;
      hasExtra = true;
    }
  }
  if (hasExtra) named.x = extra;
  return JSON.stringify(named);
}

/**
 * The fields a named object of `kind` holds, read back (a field left out for its default gets the default's value
 * when that is in the object). Throws a TypeError when it is not a JSON object; the caller turns that into its
 * store's error.
 */
export function decodeNamed<R extends object>(kind: Names<R>, json: string): Partial<Record<string, unknown>> {
  const named = JSON.parse(json) as unknown;
  if (typeof named !== 'object' || named === null || Array.isArray(named)) throw new TypeError('a v1 record is a JSON object');
  const source = named as Record<string, unknown>;
  const fields: Record<string, unknown> = {};
  for (const [field, name] of Object.entries(kind.names) as [string, string][]) {
    const value = source[name];
    if (value === undefined) continue;
    fields[field] = field === 'scope' && typeof value === 'string' ? (value === '' ? [] : value.split(' ')) : value;
  }
  for (const [field, fallback] of Object.entries(kind.defaults ?? {}) as [string, string][]) {
    if (fields[field] === undefined && fields[fallback] !== undefined) fields[field] = fields[fallback];
  }
  const extra = source.x;
  if (typeof extra === 'object' && extra !== null) {
    for (const [field, value] of Object.entries(extra)) if (!known(kind, field)) fields[field] = value;
  }
  return fields;
}

function known<R extends object>(kind: Names<R>, field: string): boolean {
  return Object.hasOwn(kind.names, field) || kind.header.includes(field as keyof R);
}

function scopeValue(scope: readonly string[]): string | readonly string[] {
  return scope.every((token) => SCOPE_TOKEN.test(token)) ? scope.join(' ') : scope;
}

// lib/stores/shared/record-v1.ts
// Format v1 of what the durable stores write: a record's fields by name (a JSON object), those a store keeps in its
// own columns or header left out. docs/stores.md ("Stored format, v1") is its specification.

import type { RefreshTokenRecord } from './refresh-token-store';

/** The version the durable stores write; a reader accepts it and every earlier one still in the wild (v0, compact). */
export const FORMAT_VERSION = 1;

/** The v1 name of each known record field; any other field travels under `x`, by its own name. */
const NAMES = {
  sub: 'sub',
  clientId: 'cid',
  scope: 'scope',
  authTime: 'auth',
  issuedAt: 'iat',
  expiresAt: 'exp',
  username: 'user',
  jkt: 'jkt',
  extraClaims: 'claims',
} as const satisfies Partial<Record<keyof RefreshTokenRecord, string>>;

type Named = keyof typeof NAMES;
/** Record fields a store may keep in a column or header of its own rather than in the named object. */
export type OutsideField = Named | 'id' | 'familyId' | 'spentAt' | 'successorId';

/** The fields that are never in the named object: the key, and the family and spend a store's atomic steps read. */
const ALWAYS_OUTSIDE: readonly OutsideField[] = ['id', 'familyId', 'spentAt', 'successorId'];
const FIELDS = Object.keys(NAMES) as Named[];
const KNOWN = new Set<string>([...FIELDS, ...ALWAYS_OUTSIDE]);

// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ), delimited by spaces: a list of them joins and splits back.
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/**
 * The named object of `record` as one JSON string, fields in a fixed order: `scope` as the space-delimited string of
 * RFC 6749 §3.3 (an array when an entry is not a scope token), `iat` left out when equal to `auth`, absent optional
 * fields left out, and `exp` left out when `expiryOutside` says the store keeps whole-second expiries itself (Redis:
 * the key's EXAT). Fields in `outside` are the store's own columns.
 */
export function encodeNamed(record: RefreshTokenRecord, outside: ReadonlySet<OutsideField>, expiryOutside = false): string {
  const named: Record<string, unknown> = {};
  for (const field of FIELDS) {
    const value = record[field];
    if (value === undefined || outside.has(field)) continue;
    if (field === 'issuedAt' && !outside.has('authTime') && value === record.authTime) continue;
    if (field === 'expiresAt' && expiryOutside && Number.isInteger(value)) continue;
    named[NAMES[field]] = field === 'scope' ? scopeValue(record.scope) : value;
  }
  const extra: Record<string, unknown> = {};
  let hasExtra = false;
  for (const [name, value] of Object.entries(record)) {
    if (!KNOWN.has(name) && value !== undefined) {
      extra[name] = value;
      hasExtra = true;
    }
  }
  if (hasExtra) named.x = extra;
  return JSON.stringify(named);
}

/**
 * The record fields a named object holds, read back (a missing `iat` is `auth`'s value when `auth` is in it). Throws
 * a TypeError when it is not a JSON object; the caller turns that into its store's error.
 */
export function decodeNamed(json: string): Partial<Record<string, unknown>> {
  const named = JSON.parse(json) as unknown;
  if (typeof named !== 'object' || named === null || Array.isArray(named)) throw new TypeError('a v1 record is a JSON object');
  const source = named as Record<string, unknown>;
  const fields: Record<string, unknown> = {};
  for (const field of FIELDS) {
    const value = source[NAMES[field]];
    if (value === undefined) continue;
    fields[field] = field === 'scope' && typeof value === 'string' ? (value === '' ? [] : value.split(' ')) : value;
  }
  if (fields.issuedAt === undefined && fields.authTime !== undefined) fields.issuedAt = fields.authTime;
  const extra = source.x;
  if (typeof extra === 'object' && extra !== null) {
    for (const [name, value] of Object.entries(extra)) if (!KNOWN.has(name)) fields[name] = value;
  }
  return fields;
}

function scopeValue(scope: readonly string[]): string | readonly string[] {
  return scope.every((token) => SCOPE_TOKEN.test(token)) ? scope.join(' ') : scope;
}

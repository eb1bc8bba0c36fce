// lib/client-auth/record-snapshot.ts
// Frozen copies of what a client record held when it was checked, and whether it still holds the same.

import { KeyObject } from 'node:crypto';

/** Deeper than any Client field (a JWK's `x5c` sits at depth 4): below it, values are kept and compared by identity. */
const MAX_DEPTH = 8;

/** An object read as data (its own enumerable fields); a KeyObject is immutable and kept whole. */
const isData = (value: object): boolean => !(value instanceof KeyObject);

/**
 * A frozen copy of `value`: arrays and objects (their own enumerable fields) copied all the way down, anything else
 * (strings, numbers, a KeyObject) as is. What validation checked is then what the library uses, whatever the app
 * later does to its own object.
 */
export function snapshot(value: unknown, depth = 0): unknown {
  if (typeof value !== 'object' || value === null || depth >= MAX_DEPTH) return value;
  if (Array.isArray(value)) return Object.freeze(value.map((item) => snapshot(item, depth + 1)));
  if (!isData(value)) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) copy[key] = snapshot(item, depth + 1);
  return Object.freeze(copy);
}

/** Whether `value` holds what `copy` (its `snapshot` once) holds: arrays and objects compared field by field. */
export function sameAsSnapshot(value: unknown, copy: unknown, depth = 0): boolean {
  if (value === copy) return true;
  if (typeof value !== 'object' || value === null || typeof copy !== 'object' || copy === null || depth >= MAX_DEPTH) return false;
  if (Array.isArray(value)) {
    if (!Array.isArray(copy) || value.length !== copy.length) return false;
    for (let i = 0; i < value.length; i += 1) if (!sameAsSnapshot(value[i], copy[i], depth + 1)) return false;
    return true;
  }
  if (Array.isArray(copy) || !isData(value)) return false;
  const keys = Object.keys(value);
  if (keys.length !== Object.keys(copy).length) return false;
  const theirs = copy as Record<string, unknown>;
  return keys.every((key) => Object.hasOwn(theirs, key) && sameAsSnapshot((value as Record<string, unknown>)[key], theirs[key], depth + 1));
}

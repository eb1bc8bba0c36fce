// lib/options/values.ts
// Plain option values with a default: the default when undefined, otherwise checked and kept as given.

import { assertBoolean, assertPositiveInteger, fail } from '../util/assert';

export function positiveInteger(value: unknown, fallback: number, path: string): number {
  if (value === undefined) return fallback;
  assertPositiveInteger(value, path);
  return value;
}

export function nonNegative(value: unknown, fallback: number, path: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) fail(path, 'a non-negative number');
  return value;
}

export function flag(value: unknown, fallback: boolean, path: string): boolean {
  if (value === undefined) return fallback;
  assertBoolean(value, path);
  return value;
}

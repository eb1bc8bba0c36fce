// lib/util/assert.ts
// Assertion helpers for options: each throws a ConfigError naming the option path.

import { ConfigError } from '../errors/config-error';

export function fail(path: string, expected: string): never {
  throw new ConfigError('ERR_EPG_INVALID_OPTION', `${path} must be ${expected}`);
}

export function assertString(value: unknown, path: string): asserts value is string {
  if (typeof value !== 'string' || value.length === 0) fail(path, 'a non-empty string');
}

export function assertPositiveInteger(value: unknown, path: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) fail(path, 'a positive integer');
}

export function assertFunction(value: unknown, path: string): asserts value is (...args: never[]) => unknown {
  if (typeof value !== 'function') fail(path, 'a function');
}

export function assertBoolean(value: unknown, path: string): asserts value is boolean {
  if (typeof value !== 'boolean') fail(path, 'a boolean');
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// lib/stores/shared/sql-store-error.ts
// The error PostgresStore and SqliteStore reject with, and the checks of their names and numeric options.

import { ConfigError } from '../../errors/config-error';

/** A SQL store operation that failed, timed out, or was refused (e.g. the database is unreachable). */
export class SqlStoreError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'SqlStoreError';
  }
}

/** A lower-case SQL identifier we can splice into statements unquoted-safe (then quote it anyway). */
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,39}$/;

/** Throws a ConfigError (a TypeError) naming `option` unless `value` is a plain lower-case identifier (no quoting tricks). */
export function checkIdentifier(store: string, option: string, value: string): string {
  if (typeof value !== 'string' || !IDENTIFIER.test(value)) {
    throw new ConfigError('ERR_EPG_INVALID_OPTION', `${store}: options.${option} must match ${IDENTIFIER} (got ${JSON.stringify(value)})`);
  }
  return value;
}

/** Throws a ConfigError (a TypeError) naming `option` unless `value` is a positive finite number (or, with `zeroOk`, 0). */
export function checkPositive(store: string, option: string, value: number, zeroOk = false): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (value === 0 && !zeroOk)) {
    throw new ConfigError('ERR_EPG_INVALID_OPTION', `${store}: options.${option} must be a positive number${zeroOk ? ' (or 0 to turn it off)' : ''}`);
  }
  return value;
}

/** TTLs in whole seconds, at least one (as RedisStore's `SET ... EX`). */
export function wholeSeconds(seconds: number): number {
  return Math.max(1, Math.ceil(seconds));
}

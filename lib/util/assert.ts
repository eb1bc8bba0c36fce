// lib/util/assert.ts
// Assertion helpers for options: each throws a ConfigError naming the option path.

import { ConfigError } from '../errors/config-error';
import { didYouMean } from './did-you-mean';

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

/**
 * Refuses a member of `value` that `known` does not list, naming it and the known name it most likely meant: a
 * misspelt option is never silently ignored.
 */
export function assertKnownKeys(value: Readonly<Record<string, unknown>>, known: Iterable<string>, path: string): void {
  const names = new Set(known);
  for (const key of Object.keys(value)) {
    if (names.has(key)) continue;
    const meant = didYouMean(key, names);
    throw new ConfigError('ERR_EPG_UNKNOWN_OPTION', `${path}.${key} is not a known option${meant === undefined ? '' : `; did you mean ${meant}?`}`);
  }
}

/**
 * An absolute https URL without query or fragment; http only for a loopback host (RFC 8414 §2 for the issuer,
 * RFC 6749 §3.1 and §10.9: endpoints need TLS).
 */
export function assertHttpsUrl(value: unknown, path: string, withoutQuery = 'a URL without query or fragment'): asserts value is string {
  assertString(value, path);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    fail(path, 'an absolute URL');
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    fail(path, 'an https URL (http is allowed for localhost only)');
  }
  if (url.search !== '' || url.hash !== '' || value.includes('?') || value.includes('#')) fail(path, withoutQuery);
}

/** A secret given as a string (UTF-8) or Buffer, as a copy of at least `minBytes` bytes (ERR_EPG_WEAK_KEY otherwise). */
export function secretBytes(value: unknown, path: string, minBytes = 32): Buffer {
  if (typeof value !== 'string' && !Buffer.isBuffer(value)) fail(path, 'a string or Buffer');
  const secret = Buffer.from(value);
  if (secret.length < minBytes) throw new ConfigError('ERR_EPG_WEAK_KEY', `${path} must be at least ${minBytes} bytes`);
  return secret;
}

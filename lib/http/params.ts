// lib/http/params.ts
// Required-parameter, length and character checks that name exactly what is wrong, never echoing the value.

import { invalidRequest } from '../errors/oauth-error';
import type { FormParams } from '../types';

/** Names every missing (or empty) parameter at once. */
export function requireParams<K extends string>(params: FormParams, names: readonly K[]): Record<K, string> {
  const missing = names.filter((n) => params[n] === undefined || params[n] === '');
  if (missing.length > 0) {
    throw invalidRequest(`Missing required parameter${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`);
  }
  return Object.fromEntries(names.map((n) => [n, params[n]])) as Record<K, string>;
}

export function assertMaxLength(name: string, value: string | undefined, max: number): void {
  if (value !== undefined && value.length > max) throw invalidRequest(`Parameter ${name} is too long (max ${max})`);
}

/** C0 controls (U+0000-U+001F) and DEL (U+007F): one class, so linear on any input. */
// eslint-disable-next-line no-control-regex -- matching control characters, to refuse them, is this pattern's job
const CONTROL = /[\x00-\x1f\x7f]/;

export const hasControlCharacter = (value: string): boolean => CONTROL.test(value);

/**
 * Refuses a value with a control character before it reaches an app callback (verifyUser, findClient): a NUL makes
 * PostgreSQL throw ("invalid byte sequence") and C-string code stop early, so the app would answer strangers a 500.
 * The description names the parameter only: the value may be a password.
 */
export function assertNoControlCharacters(name: string, value: string | undefined): void {
  if (value !== undefined && hasControlCharacter(value)) {
    throw invalidRequest(`Parameter ${name} contains a control character`, `control character in ${name}`);
  }
}

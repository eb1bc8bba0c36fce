// lib/http/params.ts
// Required-parameter and length checks that name exactly what is wrong.

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

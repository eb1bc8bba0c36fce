// lib/options/limits.ts
// Size limits on what a request may carry: the public option, its defaults, and its checks.

import { assertKnownKeys, assertPositiveInteger, fail, isObject } from '../util/assert';

/** Size limits on what a request may carry; each excess is a clear 4xx JSON error. */
export interface RequestLimits {
  /** Form body bytes. Default 16384 (413 past it). */
  readonly bodyBytes?: number;
  /** Form parameters. Default 32. */
  readonly parameters?: number;
  readonly username?: number;
  readonly password?: number;
  readonly scope?: number;
}

const DEFAULT_LIMITS: Required<RequestLimits> = {
  bodyBytes: 16_384,
  parameters: 32,
  username: 256,
  password: 1024,
  scope: 1024,
};

/** Each limit given replaces its default; unknown keys are refused rather than silently ignored. */
export function resolveLimits(value: unknown): Required<RequestLimits> {
  if (value === undefined) return DEFAULT_LIMITS;
  if (!isObject(value)) fail('options.limits', 'an object');
  assertKnownKeys(value, Object.keys(DEFAULT_LIMITS), 'options.limits');
  const limits: Record<string, number> = { ...DEFAULT_LIMITS };
  for (const [key, limit] of Object.entries(value)) {
    if (limit === undefined) continue;
    assertPositiveInteger(limit, `options.limits.${key}`);
    limits[key] = limit;
  }
  return limits as Required<RequestLimits>;
}

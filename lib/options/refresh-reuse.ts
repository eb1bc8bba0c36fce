// lib/options/refresh-reuse.ts
// The refresh-token reuse grace and the secret its successors are derived from (see grants/successor.ts).

import { ConfigError } from '../errors/config-error';
import { fail } from '../util/assert';

/** Seconds; 0 (the default) turns the grace off; at most 300. */
export function resolveReuseGrace(value: unknown): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || value > 300) {
    fail('options.refreshReuseGrace', 'an integer number of seconds from 0 (off) to 300');
  }
  return value;
}

/** Undefined means "derive it from the first signing key"; a given secret must be at least 32 bytes. */
export function resolveRefreshTokenSecret(value: unknown): Buffer | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' && !Buffer.isBuffer(value)) fail('options.refreshTokenSecret', 'a string or Buffer');
  const secret = Buffer.from(value);
  if (secret.length < 32) throw new ConfigError('ERR_EPG_WEAK_KEY', 'options.refreshTokenSecret must be at least 32 bytes');
  return secret;
}

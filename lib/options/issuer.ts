// lib/options/issuer.ts
// Who the tokens say issued them and whom they are for: issuer, audience and the challenge realm.

import { ConfigError } from '../errors/config-error';
import { assertHttpsUrl, assertString, fail } from '../util/assert';

/** The issuer is required and becomes the `iss` of every token exactly as given. */
export function resolveIssuer(value: unknown): string {
  if (value === undefined) throw new ConfigError('ERR_EPG_MISSING_OPTION', 'options.issuer is required');
  assertHttpsUrl(value, 'options.issuer', 'a URL without query or fragment (RFC 8414 §2)');
  return value;
}

export function resolveAudience(value: unknown, path: string): string | readonly string[] {
  if (typeof value === 'string' && value.length > 0) return value;
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string' && v.length > 0)) {
    return [...(value as string[])];
  }
  fail(path, 'a non-empty string or array of strings');
}

/** `realm` of `WWW-Authenticate` challenges (RFC 6750 §3). */
export function resolveRealm(value: unknown): string {
  assertString(value, 'options.realm');
  return value;
}

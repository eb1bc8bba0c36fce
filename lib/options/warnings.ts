// lib/options/warnings.ts
// The `warnings` option: which one-time warnings (events.ts WarningCode) the app does not want, checked by name.

import type { WarningCode } from '../events';
import { ConfigError } from '../errors/config-error';
import { didYouMean } from '../util/did-you-mean';
import { assertKnownKeys, fail, isObject } from '../util/assert';

/** Public form of the `warnings` option. */
export interface WarningOptions {
  /**
   * Codes of the warnings this app does not want: neither a `warning` event nor a process warning is given for them.
   * @example warnings: { silence: ['EPG_NO_DISCOVERY'] }
   */
  readonly silence?: readonly WarningCode[];
}

/** Every warning code, as a value: the compiler keeps it complete. */
export const WARNING_CODES: Record<WarningCode, true> = {
  EPG_REQUIRE_TLS: true,
  EPG_TRUST_PROXY: true,
  EPG_MOUNT_PATH: true,
  EPG_MIGRATE_DUE: true,
  EPG_NO_DISCOVERY: true,
  EPG_BODY_PARSED_BEFORE: true,
  EPG_MEMORY_STORE_CLUSTER: true,
};

/** The silenced codes; throws a ConfigError naming the field, and the code a misspelt one most likely meant. */
export function resolveWarnings(value: unknown): ReadonlySet<WarningCode> {
  if (value === undefined) return new Set();
  if (!isObject(value)) fail('options.warnings', 'an object { silence? }');
  assertKnownKeys(value, ['silence'], 'options.warnings');
  const { silence } = value;
  if (silence === undefined) return new Set();
  if (!Array.isArray(silence)) fail('options.warnings.silence', 'an array of warning codes');
  const codes = Object.keys(WARNING_CODES);
  silence.forEach((code: unknown, i) => {
    if (typeof code === 'string' && codes.includes(code)) return;
    const meant = typeof code === 'string' ? didYouMean(code, codes) : undefined;
    const path = `options.warnings.silence[${i}]`;
    if (meant === undefined) fail(path, `one of ${codes.join(', ')}`);
    throw new ConfigError('ERR_EPG_INVALID_OPTION', `${path} is not a warning code; did you mean ${meant}?`);
  });
  return new Set(silence as WarningCode[]);
}

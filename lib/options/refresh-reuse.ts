// lib/options/refresh-reuse.ts
// The refresh-token reuse grace and the key its successors are derived with (see grants/successor.ts).

import { hkdfSync } from 'node:crypto';
import type { Keyring } from '../tokens/keyring';
import { fail, secretBytes } from '../util/assert';

/** Seconds; 0 (the default) turns the grace off; at most 300. */
export function resolveReuseGrace(value: unknown): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || value > 300) {
    fail('options.refreshReuseGrace', 'an integer number of seconds from 0 (off) to 300');
  }
  return value;
}

/**
 * The successor key: `refreshTokenSecret` (at least 32 bytes), or by default a key derived (HKDF, RFC 5869) from the
 * first signing key, which every instance already shares. Resolved once, with the rest of the config.
 */
export function resolveSuccessorKey(value: unknown, keyring: Keyring): Buffer {
  if (value === undefined) return deriveFromSigningKey(keyring);
  return secretBytes(value, 'options.refreshTokenSecret');
}

function deriveFromSigningKey(keyring: Keyring): Buffer {
  const { signer } = keyring;
  const signing = signer.signingKey!;
  const material = signing.type === 'secret' ? signing.export() : signing.export({ type: 'pkcs8', format: 'der' });
  const info = `express-password-grant refresh successor v1 ${signer.kid}`;
  return Buffer.from(hkdfSync('sha256', material, 'express-password-grant', info, 32));
}

// lib/grants/successor.ts
// Refresh-token successors derived from the presented token, so a retry within the reuse grace gets the same one back.

import { createHmac, hkdfSync } from 'node:crypto';
import type { Config } from '../options';

const keys = new WeakMap<Config, Buffer>();

/**
 * Only a hash of each refresh token is stored, so a successor handed out once can be handed out again only if it
 * can be computed again: successor = HMAC-SHA256(key, presented token). Unguessable without both the server key
 * and the presented token (256 bits, RFC 9700 §4.14), and the same on every instance that shares the key.
 */
export function successorToken(config: Config, presented: string): string {
  return createHmac('sha256', successorKey(config)).update(presented).digest('base64url');
}

/** `refreshTokenSecret`, or a key derived (HKDF, RFC 5869) from the signing key every instance already shares. */
function successorKey(config: Config): Buffer {
  let key = keys.get(config);
  if (key === undefined) {
    key = config.refreshTokenSecret ?? deriveFromSigningKey(config);
    keys.set(config, key);
  }
  return key;
}

function deriveFromSigningKey(config: Config): Buffer {
  const { signer } = config.keyring;
  const signing = signer.signingKey!;
  const material = signing.type === 'secret' ? signing.export() : signing.export({ type: 'pkcs8', format: 'der' });
  const info = `express-password-grant refresh successor v1 ${signer.kid}`;
  return Buffer.from(hkdfSync('sha256', material, 'express-password-grant', info, 32));
}

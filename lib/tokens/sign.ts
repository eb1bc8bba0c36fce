// lib/tokens/sign.ts
// Signs a JWT with the keyring's current key; every header carries `kid` (clients pick keys by it).

import jwt from 'jsonwebtoken';
import type { Keyring } from './keyring';

export function signJwt(keyring: Keyring, payload: Record<string, unknown>, typ: string): string {
  const { signer } = keyring;
  return jwt.sign(payload, signer.signingKey!, {
    algorithm: signer.alg,
    keyid: signer.kid,
    header: { alg: signer.alg, typ, kid: signer.kid },
  });
}

// lib/tokens/keyring.ts
// Signing keys parsed into KeyObjects (see options/signing-keys.ts): the first signs, all verify; algorithms pinned per kid.

import type { KeyObject } from 'node:crypto';
import type { SigningAlgorithm } from '../jose/algorithms';

export interface Key {
  readonly kid: string;
  readonly alg: SigningAlgorithm;
  /** Private (or secret) key; undefined for a verify-only public key. */
  readonly signingKey: KeyObject | undefined;
  /** Public key, or the secret for HS256. */
  readonly verifyKey: KeyObject;
  readonly symmetric: boolean;
}

export interface Keyring {
  readonly signer: Key;
  readonly byKid: ReadonlyMap<string, Key>;
  readonly algorithms: readonly SigningAlgorithm[];
}

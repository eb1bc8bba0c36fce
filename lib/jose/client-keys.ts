// lib/jose/client-keys.ts
// The public keys a private_key_jwt client registered (`Client.jwks` or `Client.publicKey`), parsed once per object.

import { createPublicKey, KeyObject, type JsonWebKey } from 'node:crypto';
import { foreignKeyProblem } from './key-bounds';
import type { Client } from '../types';
import { isObject } from '../util/assert';

/** One registered verification key. */
export interface ClientKey {
  readonly kid?: string;
  /** The JWK's `alg`, when it pins one. */
  readonly alg?: string;
  readonly key: KeyObject;
}

/** A registered key refused for its size, exponent or curve (see jose/key-bounds.ts), and why. */
export interface RejectedClientKey {
  readonly kid?: string;
  readonly reason: string;
}

/** The usable keys of a client, and the ones refused by the key bounds. */
export interface ClientKeySet {
  readonly keys: readonly ClientKey[];
  readonly rejected: readonly RejectedClientKey[];
}

const parsed = new WeakMap<object, ClientKeySet>();
const NONE: ClientKeySet = { keys: [], rejected: [] };

/**
 * The client's usable public keys. JWKs meant for encryption (`use` other than "sig"), symmetric (`oct`) or
 * unreadable ones are skipped, so a JWKS may carry keys for other purposes. Private parts are never kept.
 */
export function clientPublicKeys(client: Client): readonly ClientKey[] {
  return clientKeySet(client).keys;
}

/**
 * The client's keys split into usable and refused. The client registered them, not the application's operator
 * (think dynamic registration or a self-service portal), so they get the same bounds as a DPoP proof's key:
 * RSA of 2048..8192 bits with e = 65537, EC on P-256/P-384/P-521, or Ed25519.
 */
export function clientKeySet(client: Client): ClientKeySet {
  const source: unknown = client.jwks ?? client.publicKey;
  if (source === undefined || source === null) return NONE;
  if (typeof source === 'object') {
    const cached = parsed.get(source);
    if (cached !== undefined) return cached;
  }
  const set = bounded(client.jwks !== undefined ? fromJwks(client.jwks) : fromPublicKey(client.publicKey));
  if (typeof source === 'object') parsed.set(source, set);
  return set;
}

function bounded(candidates: readonly ClientKey[]): ClientKeySet {
  const keys: ClientKey[] = [];
  const rejected: RejectedClientKey[] = [];
  for (const candidate of candidates) {
    const reason = foreignKeyProblem(candidate.key);
    if (reason === undefined) keys.push(candidate);
    else rejected.push({ kid: candidate.kid, reason });
  }
  return { keys, rejected };
}

function fromJwks(jwks: unknown): ClientKey[] {
  if (!isObject(jwks) || !Array.isArray(jwks.keys)) return [];
  const keys: ClientKey[] = [];
  for (const jwk of jwks.keys as unknown[]) {
    if (!isObject(jwk) || typeof jwk.kty !== 'string' || jwk.kty === 'oct') continue;
    if (jwk.use !== undefined && jwk.use !== 'sig') continue;
    if (Array.isArray(jwk.key_ops) && !jwk.key_ops.includes('verify')) continue;
    try {
      const key = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
      keys.push({ key, kid: typeof jwk.kid === 'string' ? jwk.kid : undefined, alg: typeof jwk.alg === 'string' ? jwk.alg : undefined });
    } catch {
      // An unsupported or malformed JWK is not a key we can verify with.
    }
  }
  return keys;
}

function fromPublicKey(value: unknown): ClientKey[] {
  try {
    if (value instanceof KeyObject) {
      if (value.type === 'secret') return [];
      return [{ key: value.type === 'public' ? value : createPublicKey(value) }];
    }
    if (typeof value === 'string' || Buffer.isBuffer(value)) return [{ key: createPublicKey(value) }];
  } catch {
    // fall through: no usable key
  }
  return [];
}

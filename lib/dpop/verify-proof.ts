// lib/dpop/verify-proof.ts
// Checks a DPoP proof JWT (RFC 9449 §4.3) and returns the thumbprint of its key; the jti is then spent.

import { createHash, createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { Context } from '../context';
import { claimMarker } from '../stores/shared/claim-marker';
import { decodeJws } from '../jose/decode';
import type { AsymmetricAlgorithm } from '../jose/algorithms';
import { critProblem } from '../jose/crit';
import { foreignKeyProblem } from '../jose/key-bounds';
import { keyFitsAlgorithm, verifyAsymmetric } from '../jose/verify-signature';
import { isObject } from '../util/assert';
import { epochSeconds } from '../util/clock';
import { sha256 } from '../util/crypto';
import { normalizeUrl } from '../http/endpoint-url';
import { jwkThumbprint } from '../jose/jwk-thumbprint';
import { invalidDpopProof } from './read-proof';
import { isValidNonce, useDpopNonce } from './nonce';

/** What the proof must match. */
export interface ProofExpectation {
  /** The `DPoP` header value. */
  readonly proof: string;
  /** The request's HTTP method (`htm`). */
  readonly method: string;
  /** The URLs `htu` may name (compared without query and fragment). */
  readonly urls: readonly string[];
  /** At a resource: the access token the proof must hash in `ath` (RFC 9449 §4.3 point 12). */
  readonly accessToken?: string;
  /** HTTP status of a failure: 400 at the token endpoint, 401 at a resource. */
  readonly status: number;
}

/** A proof that passed every check. */
export interface VerifiedProof {
  /** RFC 7638 thumbprint of the proof's public key. */
  readonly jkt: string;
  readonly jti: string;
}

// RFC 9449 §4.2: the jwk "MUST NOT contain a private key".
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/**
 * Verifies a DPoP proof, cheapest checks first so a proof that fails one costs no public-key operation: typ
 * `dpop+jwt`, an allowed asymmetric alg, no `crit`, the `jti` shape, `htm`, `htu`, a fresh `iat`, `ath` when a
 * token is presented, the nonce when nonces are on; then the `jwk` (public, within the key bounds, fitting alg);
 * then the signature; and last the `jti`, spent only by a proof that verified (store.claimOnce), so a badly signed
 * proof cannot burn the jti of a genuine one. Throws `invalid_dpop_proof`, `use_dpop_nonce` (nonces on and none
 * current, or a bounded store that cannot tell whether the proof is a replay), or `temporarily_unavailable` when the
 * store fails.
 */
export async function verifyDpopProof(ctx: Context, expected: ProofExpectation): Promise<VerifiedProof> {
  const { config } = ctx;
  const fail = (detail: string) => invalidDpopProof(detail, expected.status);
  const jws = decodeJws(expected.proof);
  if (jws === undefined) throw fail('proof is not a JWT');
  const { header, payload } = jws;
  if (header.typ !== 'dpop+jwt') throw fail('typ is not dpop+jwt');
  if (!config.dpop.algorithms.includes(header.alg as AsymmetricAlgorithm)) throw fail('alg is not an allowed asymmetric algorithm');
  const alg = header.alg as AsymmetricAlgorithm;
  const crit = critProblem(header);
  if (crit !== undefined) throw fail(crit);
  const jti = payload.jti;
  if (typeof jti !== 'string' || jti === '' || jti.length > 256) throw fail('missing or oversized jti');
  if (payload.htm !== expected.method) throw fail('htm does not match the request method');
  const htu = normalizeUrl(payload.htu);
  if (htu === undefined || !expected.urls.some((u) => normalizeUrl(u) === htu)) throw fail('htu does not match the request URL');
  const now = epochSeconds(config.now);
  const iat = payload.iat;
  if (typeof iat !== 'number' || !Number.isFinite(iat)) throw fail('missing iat');
  // RFC 9449 §11.1: a proof is accepted only within a short window around its creation.
  if (iat > now + config.clockTolerance) throw fail('iat is in the future');
  if (now - iat > config.dpop.proofMaxAge + config.clockTolerance) throw fail('iat is too old');
  if (expected.accessToken !== undefined) {
    // RFC 9449 §4.2: ath = base64url(SHA-256(ASCII access token)).
    const ath = createHash('sha256').update(expected.accessToken, 'ascii').digest('base64url');
    if (payload.ath !== ath) throw fail('ath does not match the access token');
  }

  // RFC 9449 §8/§9: when nonces are on, a proof without a current one is answered with a fresh nonce.
  const nonce = config.dpop.nonce;
  if (nonce !== undefined && !isValidNonce(nonce, payload.nonce, now)) {
    throw useDpopNonce(nonce, now, payload.nonce === undefined ? 'proof has no nonce' : 'proof nonce is stale or unknown', expected.status);
  }

  const key = publicKeyOf(header.jwk, fail);
  if (!keyFitsAlgorithm(key, alg)) throw fail('jwk does not fit alg');
  if (!verifyAsymmetric(alg, key, jws.signingInput, jws.signature)) throw fail('signature does not verify with the jwk');

  const jkt = jwkThumbprint(key);
  // RFC 9449 §11.1: a proof is used once; remember its jti until its iat stops it being accepted (one instant for
  // every presentation of the proof, plus a second for rounding).
  const ttl = Math.max(1, Math.ceil(iat + config.dpop.proofMaxAge + config.clockTolerance - now) + 1);
  const claim = await claimMarker(config.store, `dpop:${sha256(`${jkt}\0${jti}`)}`, ttl);
  if (claim === 'seen') throw fail('jti was already used');
  // A bounded store that had to forget proofs as old as this one cannot tell whether it is a replay: refuse it, and
  // ask for a fresh proof the RFC 9449 §8 way (a fresh one is remembered as usual).
  if (claim === 'full') throw useDpopNonce(nonce, now, 'replay cache full: proof too old to check for reuse', expected.status);
  return { jkt, jti };
}

function publicKeyOf(jwk: unknown, fail: (detail: string) => Error): KeyObject {
  if (!isObject(jwk) || typeof jwk.kty !== 'string') throw fail('missing jwk header');
  if (PRIVATE_MEMBERS.some((m) => jwk[m] !== undefined)) throw fail('jwk carries private key material');
  let key: KeyObject;
  try {
    key = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
  } catch {
    throw fail('jwk is not a usable public key');
  }
  const why = foreignKeyProblem(key);
  if (why !== undefined) throw fail(`jwk ${why}`);
  return key;
}

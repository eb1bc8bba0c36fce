// lib/dpop/nonce.ts
// Server-provided DPoP nonces (RFC 9449 §8, §9): stateless, an HMAC over a time slot, so any process holding the
// same secret accepts them without a store round trip.

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context } from '../context';
import { OAuthError } from '../errors/oauth-error';
import type { NonceConfig } from '../options/dpop';
import { epochSeconds } from '../util/clock';

const SLOT_BYTES = 6;
const MAC_BYTES = 16;

function mac(config: NonceConfig, slot: number): Buffer {
  const bytes = Buffer.alloc(SLOT_BYTES);
  bytes.writeUIntBE(slot, 0, SLOT_BYTES);
  return Buffer.concat([bytes, createHmac('sha256', config.secret).update('dpop-nonce\0').update(bytes).digest().subarray(0, MAC_BYTES)]);
}

/** A fresh nonce for `now` (seconds since the epoch). */
export function issueNonce(config: NonceConfig, now: number): string {
  return mac(config, Math.floor(now / config.lifetime)).toString('base64url');
}

/** True when `nonce` was issued by this secret in the current or the previous slot. */
export function isValidNonce(config: NonceConfig, nonce: unknown, now: number): boolean {
  if (typeof nonce !== 'string' || nonce.length > 64) return false;
  const given = Buffer.from(nonce, 'base64url');
  if (given.length !== SLOT_BYTES + MAC_BYTES) return false;
  const slot = given.readUIntBE(0, SLOT_BYTES);
  const current = Math.floor(now / config.lifetime);
  if (slot !== current && slot !== current - 1) return false;
  return timingSafeEqual(given, mac(config, slot));
}

/**
 * RFC 9449 §8: "use_dpop_nonce" with a fresh nonce in the `DPoP-Nonce` header; 400 at the token endpoint,
 * turned into a 401 DPoP challenge at resources (§9). With nonces off (`config` undefined) it still asks for a fresh
 * proof (a full replay cache): the nonce is then random and not checked, the retry is judged by its fresh `iat`.
 */
export function useDpopNonce(config: NonceConfig | undefined, now: number, detail: string, status: number): OAuthError {
  const nonce = config === undefined ? randomBytes(SLOT_BYTES + MAC_BYTES).toString('base64url') : issueNonce(config, now);
  return new OAuthError('use_dpop_nonce', 'Authorization server requires nonce in DPoP proof', {
    detail,
    status,
    headers: { 'DPoP-Nonce': nonce },
  });
}

/**
 * Headers for a successful response to a request that carried a DPoP proof: a current nonce when nonces are on.
 * RFC 9449 §8.2: the server "MAY supply the new nonce value to the client ... in the DPoP-Nonce HTTP header in a
 * successful response"; a client that keeps using it never meets a use_dpop_nonce round trip, however long it runs.
 */
export function freshNonceHeaders(ctx: Context): Record<string, string> {
  const nonce = ctx.config.dpop.nonce;
  return nonce === undefined ? {} : { 'DPoP-Nonce': issueNonce(nonce, epochSeconds(ctx.config.now)) };
}

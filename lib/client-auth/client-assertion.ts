// lib/client-auth/client-assertion.ts
// JWT client authentication: private_key_jwt and client_secret_jwt (RFC 7521 §4.2, RFC 7523 §2.2 and §3, OIDC Core §9).

import type { Request } from 'express';
import type { Context } from '../context';
import { invalidRequest, OAuthError } from '../errors/oauth-error';
import { claimMarker } from '../stores/shared/claim-marker';
import { critProblem } from '../jose/crit';
import { decodeJws, type DecodedJws } from '../jose/decode';
import { isAsymmetricAlgorithm, isHmacAlgorithm } from '../jose/algorithms';
import { verifyAsymmetric, verifyHmac } from '../jose/verify-signature';
import type { Client, FormParams } from '../types';
import { epochSeconds } from '../util/clock';
import { sha256 } from '../util/crypto';
import { normalizeUrl, tokenEndpointUrl } from '../http/endpoint-url';
import { hasControlCharacter } from '../http/params';
import { clientKeySet } from '../jose/client-keys';
import { registeredAuthMethod } from './registered-method';

/** RFC 7523 §2.2: the `client_assertion_type` of a JWT client assertion. */
export const JWT_BEARER_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** A client assertion as presented: decoded, not yet verified. */
export interface PresentedAssertion {
  readonly method: 'private_key_jwt' | 'client_secret_jwt';
  readonly clientId: string;
  readonly jws: DecodedJws;
}

const invalidClient = (detail: string): OAuthError => new OAuthError('invalid_client', 'Client authentication failed', { detail });

/**
 * The assertion in the form, or undefined when the request carries neither `client_assertion` nor
 * `client_assertion_type`. The client is `client_id` when sent, else the assertion's `sub` (RFC 7521 §4.2:
 * client_id is optional); which method it is follows from the algorithm (HS* is client_secret_jwt).
 */
export function readClientAssertion(params: FormParams): PresentedAssertion | undefined {
  const type = params.client_assertion_type;
  const assertion = params.client_assertion;
  if (type === undefined && assertion === undefined) return undefined;
  // RFC 7521 §4.2: both parameters are REQUIRED together.
  if (type === undefined || assertion === undefined || type === '' || assertion === '') {
    throw invalidRequest('client_assertion and client_assertion_type must be sent together', 'incomplete client assertion');
  }
  if (type !== JWT_BEARER_ASSERTION) throw invalidRequest('Unsupported client_assertion_type', 'unsupported client_assertion_type');
  const jws = decodeJws(assertion);
  if (jws === undefined) throw invalidClient('client_assertion is not a JWT');
  const sub = jws.payload.sub;
  if (typeof sub !== 'string' || sub === '') throw invalidClient('client_assertion has no sub');
  // The sub is the client id findClient gets, read before any signature check (see authenticate-client.ts).
  if (hasControlCharacter(sub)) throw invalidClient('control character in client_assertion sub');
  // RFC 7523 §3: "For client authentication, the subject MUST be the "client_id" of the OAuth client."
  if (params.client_id !== undefined && params.client_id !== sub) throw invalidClient('client_id differs from the assertion sub');
  const method = isHmacAlgorithm(jws.header.alg) ? 'client_secret_jwt' : 'private_key_jwt';
  return { method, clientId: sub, jws };
}

/**
 * Verifies a presented assertion for `client`, then records its `jti` so it works once; throws `invalid_client`
 * otherwise. Order: method and alg pin, `crit`, the claims, the registered keys' bounds, the signature, and the
 * `jti` last, so a badly signed assertion neither costs a public-key operation early nor burns a jti. Algorithms are pinned by the client's registered method: an HMAC assertion never meets a public key,
 * an asymmetric one never meets a secret, and `none` is never accepted.
 */
export async function verifyClientAssertion(ctx: Context, req: Request, client: Client, presented: PresentedAssertion): Promise<void> {
  const { header, payload } = presented.jws;
  if (registeredAuthMethod(client) !== presented.method) throw invalidClient(`client does not use ${presented.method}`);
  if (client.tokenEndpointAuthSigningAlg !== undefined && header.alg !== client.tokenEndpointAuthSigningAlg) {
    throw invalidClient('assertion alg differs from the registered one');
  }
  // RFC 7515 §4.1.11: a JWS with a critical extension we do not understand MUST be rejected.
  const crit = critProblem(header);
  if (crit !== undefined) throw invalidClient(`assertion ${crit}`);
  // The claims first: they cost no public-key operation, so a stale or misaddressed assertion costs none either.
  const exp = checkClaims(ctx, req, client, payload);
  if (!verifySignature(client, presented)) throw invalidClient('assertion signature does not verify');
  const jti = payload.jti as string;
  // RFC 7523 §3 point 7 / OIDC Core §9: the jti is used once; remember it as long as the assertion is accepted
  // (until exp + clockTolerance, which may have a fraction), plus a second for rounding.
  const now = epochSeconds(ctx.config.now);
  const ttl = Math.max(1, Math.ceil(exp + ctx.config.clockTolerance) - now + 1);
  // The client's own prefix gives it its own budget in a bounded store (marker-set.ts): one client flooding
  // assertions with the longest exp cannot make another's shorter ones 'full'.
  const key = `client_assertion/${sha256(client.id).slice(0, 22)}:${sha256(`${client.id}\0${jti}`)}`;
  const claim = await claimMarker(ctx.config.store, key, ttl);
  if (claim === 'seen') throw invalidClient('assertion jti was already used');
  // A bounded store that had to forget assertions expiring as late as this one cannot tell whether it is a replay:
  // refused, and a client that signs a new assertion (a later exp) is remembered as usual.
  if (claim === 'full') throw invalidClient('replay cache full: assertion expires too soon to check for reuse');
}

function verifySignature(client: Client, presented: PresentedAssertion): boolean {
  const { header, signingInput, signature } = presented.jws;
  const alg = header.alg;
  if (presented.method === 'client_secret_jwt') {
    if (!isHmacAlgorithm(alg)) return false;
    const secret = client.jwtSecret;
    // RFC 7518 §3.2: HS256 needs at least 256 bits of key; a shorter registration is refused outright.
    if (typeof secret !== 'string' || Buffer.byteLength(secret) < 32) throw invalidClient('client has no usable jwtSecret');
    return verifyHmac(alg, Buffer.from(secret, 'utf8'), signingInput, signature);
  }
  if (!isAsymmetricAlgorithm(alg)) return false;
  const kid = typeof header.kid === 'string' ? header.kid : undefined;
  const { keys, rejected } = clientKeySet(client);
  const refused = rejected.find((k) => kid === undefined || k.kid === kid);
  if (keys.length === 0) throw invalidClient(refused === undefined ? 'client has no usable public key' : `registered key refused: ${refused.reason}`);
  const candidates = keys.filter((k) => (kid === undefined || k.kid === kid) && (k.alg === undefined || k.alg === alg));
  if (candidates.length === 0) {
    throw invalidClient(refused === undefined ? 'no registered key matches the assertion kid/alg' : `registered key refused: ${refused.reason}`);
  }
  return candidates.slice(0, 10).some((k) => verifyAsymmetric(alg, k.key, signingInput, signature));
}

/** RFC 7523 §3 claims; returns `exp`. */
function checkClaims(ctx: Context, req: Request, client: Client, payload: Readonly<Record<string, unknown>>): number {
  const { config } = ctx;
  const now = epochSeconds(config.now);
  const skew = config.clockTolerance;
  // §3 points 1 and 2: iss and sub are the client_id.
  if (payload.iss !== client.id) throw invalidClient('assertion iss is not the client_id');
  if (payload.sub !== client.id) throw invalidClient('assertion sub is not the client_id');
  // §3 point 3: aud identifies this authorization server: its issuer or its token endpoint URL.
  const accepted = new Set([config.issuer, tokenEndpointUrl(ctx, req), ...config.clientAssertion.audiences]);
  const acceptedUrls = new Set([...accepted].map(normalizeUrl));
  acceptedUrls.delete(undefined);
  const audiences: unknown[] = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  const audOk = audiences.some((a) => typeof a === 'string' && (accepted.has(a) || acceptedUrls.has(normalizeUrl(a))));
  if (!audOk) throw invalidClient('assertion aud does not name this server');
  // §3 point 4: exp is required and in the future; we also cap how far (a long-lived assertion is a reusable credential).
  const exp = payload.exp;
  if (typeof exp !== 'number' || !Number.isFinite(exp)) throw invalidClient('assertion has no exp');
  if (exp + skew <= now) throw invalidClient('assertion expired');
  if (exp - now > config.clientAssertion.maxLifetime + skew) throw invalidClient('assertion exp too far in the future');
  // §3 points 5 and 6: nbf and iat, when present, are not in the future.
  for (const claim of ['nbf', 'iat'] as const) {
    const value = payload[claim];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidClient(`assertion ${claim} is not a number`);
    if (value > now + skew) throw invalidClient(`assertion ${claim} is in the future`);
  }
  // OIDC Core §9: jti is REQUIRED.
  const jti = payload.jti;
  if (typeof jti !== 'string' || jti === '' || jti.length > 256) throw invalidClient('assertion has no usable jti');
  return exp;
}

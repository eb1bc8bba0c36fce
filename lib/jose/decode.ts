// lib/jose/decode.ts
// Splits a compact JWS (RFC 7515 §7.1) into its parts without trusting them: header and payload as JSON objects.

import { isObject } from '../util/assert';

/** A compact JWS taken apart; nothing in it is verified yet. */
export interface DecodedJws {
  readonly header: Readonly<Record<string, unknown>>;
  readonly payload: Readonly<Record<string, unknown>>;
  /** `base64url(header) + "." + base64url(payload)`: the bytes the signature covers. */
  readonly signingInput: string;
  readonly signature: Buffer;
}

const PART = /^[A-Za-z0-9_-]*$/;

/**
 * The parts of `token`, or undefined when it is not a compact JWS with JSON-object header and payload.
 * @example const jws = decodeJws(params.client_assertion); if (jws === undefined) throw invalidClient('malformed')
 */
export function decodeJws(token: unknown, maxLength = 8192): DecodedJws | undefined {
  if (typeof token !== 'string' || token.length === 0 || token.length > maxLength) return undefined;
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((p) => PART.test(p))) return undefined;
  const header = parseJson(parts[0]);
  const payload = parseJson(parts[1]);
  if (header === undefined || payload === undefined) return undefined;
  return { header, payload, signingInput: `${parts[0]}.${parts[1]}`, signature: Buffer.from(parts[2], 'base64url') };
}

function parseJson(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

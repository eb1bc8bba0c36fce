// lib/bearer/extract-token.ts
// Reads the access token from `Authorization: Bearer` (RFC 6750 §2.1) or `Authorization: DPoP` (RFC 9449 §7.1).

import type { Request } from 'express';

export type Extracted =
  { readonly kind: 'missing' } | { readonly kind: 'malformed' } | { readonly kind: 'token'; readonly scheme: 'Bearer' | 'DPoP'; readonly token: string };

// RFC 6750 §2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
const CREDENTIALS = /^(bearer|dpop) +([A-Za-z0-9\-._~+/]+=*) *$/i;

/**
 * The token of the canonical `Bearer <token>` spelling, without matching the b64token syntax: for the cached fast
 * path only, where a hit means these exact bytes verified before. Any other spelling is left to extractToken.
 */
export function canonicalBearer(header: string | undefined): string | undefined {
  return header !== undefined && header.startsWith('Bearer ') ? header.slice(7) : undefined;
}

export function extractToken(req: Request): Extracted {
  const header = req.headers.authorization;
  if (header === undefined || header === '') return { kind: 'missing' };
  const match = CREDENTIALS.exec(header);
  if (match !== null) {
    return { kind: 'token', scheme: match[1].toLowerCase() === 'dpop' ? 'DPoP' : 'Bearer', token: match[2] };
  }
  // Another scheme (Basic, ...) is not ours: answer as if no token came. A broken Bearer/DPoP header is malformed.
  return /^(bearer|dpop)(\s|$)/i.test(header) ? { kind: 'malformed' } : { kind: 'missing' };
}

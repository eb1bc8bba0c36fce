// lib/dpop/read-proof.ts
// Reads the `DPoP` request header: absent, or exactly one value (RFC 9449 §4.3: "there is not more than one DPoP HTTP request header field").

import type { Request } from 'express';
import { OAuthError } from '../errors/oauth-error';

/** An `invalid_dpop_proof` error; `status` 400 at the token endpoint (RFC 9449 §5), 401 at resources (§7.1). */
export const invalidDpopProof = (detail: string, status = 400): OAuthError =>
  new OAuthError('invalid_dpop_proof', 'The DPoP proof is missing or invalid', { detail, status });

/** The single DPoP header value, or undefined when the request has none. */
export function readDpopHeader(req: Request, status = 400): string | undefined {
  const values = req.headersDistinct?.dpop ?? (req.headers.dpop === undefined ? undefined : [String(req.headers.dpop)]);
  if (values === undefined || values.length === 0) return undefined;
  if (values.length > 1 || values[0].includes(',')) throw invalidDpopProof('more than one DPoP header', status);
  return values[0];
}

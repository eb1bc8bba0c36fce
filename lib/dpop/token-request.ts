// lib/dpop/token-request.ts
// DPoP at the token endpoint (RFC 9449 §5): a valid proof binds the issued tokens to its key.

import type { Request } from 'express';
import type { Context } from '../context';
import type { Client } from '../types';
import { requestUrl, tokenEndpointUrl } from '../http/endpoint-url';
import { invalidDpopProof, readDpopHeader } from './read-proof';
import { verifyDpopProof } from './verify-proof';

/** What a token request is bound to; passed to the grant handlers. */
export interface TokenBinding {
  /** RFC 7638 thumbprint of the DPoP proof's key; undefined for an unbound (Bearer) request. */
  readonly jkt?: string;
}

/**
 * The binding of this token request: the proof's `jkt`, or none. A proof is optional unless `dpop.required` or
 * the client's `dpopBoundAccessTokens` says otherwise (RFC 9449 §5.2). `htu` may be the published token endpoint
 * URL (issuer origin + mount path) or the URL of this request as Express sees it (`trust proxy` applies).
 */
export async function tokenRequestBinding(ctx: Context, req: Request, client: Client): Promise<TokenBinding> {
  const { dpop } = ctx.config;
  if (!dpop.enabled) return {};
  const proof = readDpopHeader(req);
  if (proof === undefined) {
    if (dpop.required || client.dpopBoundAccessTokens === true) throw invalidDpopProof('DPoP proof required');
    return {};
  }
  const { jkt } = await verifyDpopProof(ctx, {
    proof,
    method: 'POST',
    urls: [tokenEndpointUrl(ctx, req), requestUrl(req)],
    status: 400,
  });
  return { jkt };
}

// lib/endpoints/jwks.ts
// GET /jwks: the public keys that verify our tokens (RFC 7517 §5), cacheable, for resource servers and clients.

import type { Request, Response } from 'express';
import type { Context } from '../context';
import { sendJson } from '../http/respond';
import { publicJwks } from '../jose/jwk';
import { PUBLIC_DOCUMENT_HEADERS } from '../http/public-headers';

/**
 * The /jwks handler. The set is computed once: the keyring cannot change while the process runs. Rotation is a
 * restart with a new `signingKeys` list (see docs/endpoints.md "Rotating keys"); the max-age bounds how long a cache may miss a key.
 */
export function jwksHandler(ctx: Context) {
  const body = publicJwks(ctx.config.keyring.byKid.values());
  return function jwks(_req: Request, res: Response): void {
    sendJson(res, 200, body, PUBLIC_DOCUMENT_HEADERS);
  };
}

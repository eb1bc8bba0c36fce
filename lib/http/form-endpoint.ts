// lib/http/form-endpoint.ts
// The frame shared by the form-posting endpoints (/token, /revoke, /introspect): no-store, strict form, JSON errors.

import type { Request, Response } from 'express';
import type { Context } from '../context';
import { invalidRequest } from '../errors/oauth-error';
import { respondWithError } from './handle-errors';
import { readForm } from './parse-form';
import type { FormParams } from '../types';
import { noStore } from './respond';

export type FormHandler = (ctx: Context, req: Request, res: Response, params: FormParams) => Promise<void>;

/**
 * An endpoint taking an application/x-www-form-urlencoded POST: every answer carries no-store (RFC 6749 §5.1),
 * parameters are read from the body only, and any failure becomes an RFC 6749 §5.2 JSON error.
 */
export function formEndpoint(ctx: Context, handle: FormHandler) {
  return function endpoint(req: Request, res: Response): void {
    noStore(res);
    (async () => {
      rejectQueryParameters(req);
      await handle(ctx, req, res, await readForm(req, ctx.config.limits));
    })().catch((err: unknown) => respondWithError(ctx, req, res, err));
  };
}

/** RFC 6749 §3.2: the client MUST use POST; credentials belong in the body, never the URL (RFC 6749 §2.3.1). */
export function rejectQueryParameters(req: Request): void {
  const q = req.url.indexOf('?');
  if (q !== -1 && q < req.url.length - 1) {
    throw invalidRequest('Parameters must be sent in the request body, not the query string', 'query parameters');
  }
}

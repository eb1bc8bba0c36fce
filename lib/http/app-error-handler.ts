// lib/http/app-error-handler.ts
// `auth.errorHandler`: errors the app's own middleware raised before the router (its body parsers, typically)
// answered on the router's endpoints as RFC 6749 §5.2 JSON instead of the app's HTML error page.

import type { ErrorRequestHandler, Router } from 'express';
import type { Context } from '../context';
import { OAuthError } from '../errors/oauth-error';
import { isOwnRoute } from './own-route';
import { respondWithError } from './handle-errors';
import { noStore } from './respond';

/** What http-errors (body-parser, raw-body) put on a client error. */
interface HttpError {
  readonly status?: unknown;
  readonly statusCode?: unknown;
  readonly type?: unknown;
}

/**
 * Express skips a router when an earlier middleware fails (only error handlers run after `next(err)`), so
 * `app.use(express.json())` before `auth.router` answers a malformed body with the app's own error page. Mounted
 * next to the router, this answers those errors for the router's own paths; every other path is left to the app.
 * The error's message is never echoed: a parser's message can quote the body, and the body holds credentials.
 */
export function appErrorHandler(ctx: Context, router: Router): ErrorRequestHandler {
  return function epgErrorHandler(err: unknown, req, res, next): void {
    if (res.headersSent || !isOwnRoute(router, req.path)) {
      next(err);
      return;
    }
    noStore(res);
    respondWithError(ctx, req, res, clientError(err) ?? err);
  };
}

/** A 4xx the app's middleware raised, as invalid_request (413 and 415 kept, else 400); undefined for anything else. */
function clientError(err: unknown): OAuthError | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const { status, statusCode, type } = err as HttpError;
  const code = typeof status === 'number' ? status : statusCode;
  if (typeof code !== 'number' || code < 400 || code > 499) return undefined;
  const detail = `app middleware: ${typeof type === 'string' ? type.slice(0, 64) : code}`;
  if (code === 413) return new OAuthError('invalid_request', 'Request body too large', { status: 413, detail });
  if (code === 415) return new OAuthError('invalid_request', 'The request body encoding is not supported', { status: 415, detail });
  return new OAuthError('invalid_request', 'The request body could not be read', { detail });
}

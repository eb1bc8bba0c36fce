// lib/transport/require-tls.ts
// Refuses plain-HTTP requests to the router's own endpoints when options.requireTLS is on (RFC 6749 §3.2, §10.9).

import type { NextFunction, Request, Response, Router } from 'express';
import type { Context } from '../context';
import { invalidRequest } from '../errors/oauth-error';
import { sendOAuthError } from '../token-endpoint/respond';
import { isOwnRoute } from '../util/own-route';

/**
 * Middleware for the top of `router`. It acts only on paths the router itself routes, so a router mounted at '/'
 * never touches the app's other routes, and every endpoint added to the router later is covered without more code.
 * `req.secure` is Express's: true for TLS, or for `X-Forwarded-Proto: https` when `trust proxy` trusts the sender.
 * The credentials of a plain-HTTP request have already crossed the network in clear; refusing it makes the
 * misconfiguration visible instead of letting it work.
 */
export function requireTls(ctx: Context, router: Router) {
  return function requireTransportSecurity(req: Request, res: Response, next: NextFunction): void {
    if (!ctx.config.requireTLS || req.secure || !isOwnRoute(router, req.path)) {
      next();
      return;
    }
    sendOAuthError(res, invalidRequest('TLS is required: use https', 'plain-HTTP request'));
  };
}

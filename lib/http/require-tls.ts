// lib/http/require-tls.ts
// Refuses plain-HTTP requests to the router's own endpoints when options.requireTLS is on (RFC 6749 §3.2, §10.9).

import type { NextFunction, Request, Response, Router } from 'express';
import type { Context } from '../context';
import { invalidRequest } from '../errors/oauth-error';
import { sendOAuthError } from './respond';
import { isOwnRoute } from './own-route';
import { warnOnce } from '../context/warn';

const BEHIND_A_PROXY =
  "Behind a TLS-terminating proxy, call app.set('trust proxy', ...) with its hop count or address, " +
  "e.g. app.set('trust proxy', 1), so that its X-Forwarded-Proto: https counts.";

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
    if (!forwardedAsHttps(req)) {
      // Once per instance: the operator learns which switch applies; the client's description stays generic.
      warnOnce(
        ctx,
        'EPG_REQUIRE_TLS',
        'requireTLS refused a plain-HTTP request (400 invalid_request "TLS is required: use https"). It is on by ' +
          'default when NODE_ENV=production. For local development over http, pass requireTLS: false to ' +
          `passwordGrant(). ${BEHIND_A_PROXY}`,
      );
      sendOAuthError(res, invalidRequest('TLS is required: use https', 'plain-HTTP request'));
      return;
    }
    // A TLS-terminating proxy said https, but Express does not trust it: every call fails until the app says so.
    const peer = req.socket.remoteAddress ?? 'unknown';
    const error = invalidRequest(
      'TLS is required: use https',
      `plain-HTTP request with X-Forwarded-Proto: https from ${peer}, a proxy Express does not trust; ` + "set app.set('trust proxy', ...) to trust it",
    );
    ctx.emit('error', error);
    warnOnce(
      ctx,
      'EPG_TRUST_PROXY',
      `requireTLS refused a plain-HTTP request that a proxy at ${peer} forwarded as https (X-Forwarded-Proto), ` +
        `because Express does not trust that proxy. ${BEHIND_A_PROXY} requireTLS is on by default when NODE_ENV=production.`,
    );
    sendOAuthError(res, error);
  };
}

/** The first (client-most) proto the proxies name; Express reads the same one when it trusts them. */
function forwardedAsHttps(req: Request): boolean {
  const header = req.get('x-forwarded-proto');
  return header !== undefined && header.split(',', 1)[0].trim().toLowerCase() === 'https';
}

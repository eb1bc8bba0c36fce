// lib/http/body-parsed-before.ts
// Warns once when an app-wide body parser ran before the router and auth.errorHandler is not mounted to answer its
// failures: they would get Express's HTML error page, and Express's default handler logs them, body excerpt included.

import type { NextFunction, Request, Response, Router } from 'express';
import type { Context } from '../context';
import { mountedPath } from '../context/mount-path';
import { warnOnce } from '../context/warn';
import { appMounts } from './app-stack';
import { isOwnRoute } from './own-route';

/**
 * body-parser marks what it saw: 1.x (Express 4) sets `req.body` to `{}` on entry and `req._body` once it parsed,
 * 2.x (Express 5) sets `req.body` (to undefined) on entry; so does any other parser. Either way one ran before us.
 */
function parsedBefore(req: Request): boolean {
  return 'body' in req || (req as { _body?: unknown })._body === true;
}

/**
 * Middleware for the top of `router`: at the first request to one of its own paths that an app-wide parser saw, looks
 * for `errorHandler` in the app's middleware (http/app-stack.ts) and, when it is not there, gives EPG_BODY_PARSED_BEFORE
 * with the one-line fix. Looks once per instance; changes no response.
 */
export function warnOnBodyParsedBefore(ctx: Context, router: Router, errorHandler: object) {
  let looked = false;
  return function bodyParsedBefore(req: Request, _res: Response, next: NextFunction): void {
    if (!looked && parsedBefore(req) && isOwnRoute(router, req.path)) {
      looked = true;
      if (!appMounts(req, errorHandler)) warnOnce(ctx, 'EPG_BODY_PARSED_BEFORE', message(ctx));
    }
    next();
  };
}

function message(ctx: Context): string {
  const path = mountedPath(ctx.mount);
  const mount = path === undefined ? 'path' : `'${path || '/'}'`;
  return (
    'a body parser of the app (express.json(), express.urlencoded(), ...) runs before auth.router, and ' +
    'auth.errorHandler is not mounted: a body it cannot parse (malformed JSON, over its limit) sent to the token ' +
    "endpoint gets Express's HTML error page instead of an RFC 6749 §5.2 JSON error, and Express's default error " +
    "handler writes the parser's error to stderr, where it can quote the body and its password. Mount it next to the " +
    `router: app.use(${mount}, auth.router, auth.errorHandler) (see docs/endpoints.md, "Body parsers").`
  );
}

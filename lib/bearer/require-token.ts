// lib/bearer/require-token.ts
// Express middleware protecting a route with a bearer access token; sets req.auth.

import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Context } from '../context';
import { sendOAuthError } from '../http/respond';
import { authorize, authorizeCached, requiredScopes, type RequireTokenOptions } from './authorize';
import { bearerFailure } from './rejected';

export function requireToken(ctx: Context, options: RequireTokenOptions = {}): RequestHandler {
  const scopes = requiredScopes(options.scope);
  return function requireAccessToken(req: Request, res: Response, next: NextFunction): void {
    const cached = authorizeCached(ctx, req, scopes, options);
    if (cached !== undefined) {
      req.auth = cached;
      next();
      return;
    }
    authorize(ctx, req, scopes, options).then(
      (auth) => {
        req.auth = auth;
        next();
      },
      (err: unknown) => sendOAuthError(res, bearerFailure(ctx, req.ip, err)),
    );
  };
}

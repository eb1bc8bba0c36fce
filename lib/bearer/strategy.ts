// lib/bearer/strategy.ts
// The passport strategy 'oauth2-bearer': a thin adapter over authorize(), ending in success, fail or error.

import type { Request } from 'express';
import type { Context } from '../context';
import type { AuthInfo } from '../types';
import { authorize, authorizeCached, requiredScopes, type RequireTokenOptions } from './authorize';
import { PassportStrategy } from './passport-strategy';
import { bearerFailure } from './rejected';

/** passport.authenticate('oauth2-bearer', { session: false, scope: 'orders' }) */
export class BearerStrategy extends PassportStrategy {
  override name = 'oauth2-bearer';

  constructor(
    private readonly ctx: Context,
    private readonly defaults: RequireTokenOptions = {},
  ) {
    super();
  }

  authenticate(req: Request, options: RequireTokenOptions = {}): void {
    const scopes = requiredScopes(options.scope ?? this.defaults.scope);
    const verifyOptions = { audience: options.audience ?? this.defaults.audience };
    const succeed = (auth: AuthInfo): void => {
      req.auth = auth;
      this.success(auth, { scope: auth.scope.join(' ') });
    };
    const cached = authorizeCached(this.ctx, req, scopes, verifyOptions);
    if (cached !== undefined) return succeed(cached);
    authorize(this.ctx, req, scopes, verifyOptions).then(
      succeed,
      (err: unknown) => {
        const error = bearerFailure(this.ctx, req.ip, err);
        // A store outage fails closed: passport's error path, with status 503 for Express's final handler.
        if (error.status >= 500) return this.error(error);
        const challenge = error.headers['WWW-Authenticate'] ?? 'Bearer';
        // passport sets WWW-Authenticate on 401 only; RFC 6750 §3.1 wants it on 400 and 403 too.
        if (error.status !== 401) req.res?.setHeader('WWW-Authenticate', challenge);
        this.fail(challenge, error.status);
      },
    );
  }
}

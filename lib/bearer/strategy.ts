// lib/bearer/strategy.ts
// The passport strategy 'oauth2-bearer': a thin adapter over authorize(), ending in success, fail or error.

import type { Request } from 'express';
import type { Context } from '../context';
import type { AuthInfo } from '../types';
import { authorize, authorizeCached, requiredScopes, type RequireTokenOptions } from './authorize';
import type { VerifyOptions } from './verify-access-token';
import { PassportStrategy } from './passport-strategy';
import { bearerFailure } from './rejected';

/** What one `passport.authenticate('oauth2-bearer', options)` asks for, worked out once (see `resolve`). */
interface Resolved {
  readonly scope: RequireTokenOptions['scope'];
  readonly audience: RequireTokenOptions['audience'];
  readonly scopes: readonly string[];
  readonly verifyOptions: VerifyOptions;
}

/** passport.authenticate('oauth2-bearer', { session: false, scope: 'orders' }) */
export class BearerStrategy extends PassportStrategy {
  override name = 'oauth2-bearer';
  /**
   * passport hands every request of a route the same options object: its scopes are split once, not per request.
   * An entry is reused only while the object still names the same scope and audience strings; a list (which an app
   * could change in place) is read afresh on every request, as before.
   */
  private readonly resolved = new WeakMap<object, Resolved>();
  private readonly defaultsResolved: Resolved;

  constructor(
    private readonly ctx: Context,
    private readonly defaults: RequireTokenOptions = {},
  ) {
    super();
    this.defaultsResolved = this.resolve({});
  }

  authenticate(req: Request, options?: RequireTokenOptions): void {
    const { scopes, verifyOptions } = options === undefined ? this.defaultsResolved : this.resolve(options);
    const cached = authorizeCached(this.ctx, req, scopes, verifyOptions);
    if (cached !== undefined) return this.succeed(req, cached);
    authorize(this.ctx, req, scopes, verifyOptions).then(
      (auth) => this.succeed(req, auth),
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

  private succeed(req: Request, auth: AuthInfo): void {
    req.auth = auth;
    this.success(auth, { scope: auth.scope.join(' ') });
  }

  private resolve(options: RequireTokenOptions): Resolved {
    const scope = options.scope ?? this.defaults.scope;
    const audience = options.audience ?? this.defaults.audience;
    const known = this.resolved.get(options);
    if (known !== undefined && known.scope === scope && known.audience === audience) return known;
    const fresh: Resolved = { scope, audience, scopes: requiredScopes(scope), verifyOptions: { audience } };
    if (typeof scope !== 'object' && typeof audience !== 'object') this.resolved.set(options, fresh);
    return fresh;
  }
}

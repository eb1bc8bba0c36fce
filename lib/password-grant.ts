// lib/password-grant.ts
// The factory: validate options once, wire the router, middleware and strategy, return the handle.

import { EventEmitter } from 'node:events';
import type { ErrorRequestHandler, RequestHandler, Router } from 'express';
import { authorizeToken, type RequireTokenOptions } from './bearer/authorize';
import { bearerFailure } from './bearer/rejected';
import { requireToken } from './bearer/require-token';
import { BearerStrategy } from './bearer/strategy';
import type { VerifyOptions } from './bearer/verify-access-token';
import { createContext, type Context } from './context';
import { checkMemoryStoreInCluster } from './context/memory-store-cluster';
import { createDiscoveryRouter } from './discovery/router';
import { createRouter } from './endpoints/router';
import type { EventMap, EventName } from './events';
import { listSessions, revokeSession, revokeSessions, type ListSessionsPage, type RevokeSessionsOptions, type SessionInfo } from './grants/app-sessions';
import { resolveConfig, type PasswordGrantOptions } from './options';
import type { TokenStore } from './stores/shared/store';
import { unlockAccount } from './throttle/unlock';
import type { AuthInfo } from './types';

/**
 * What `passwordGrant()` returns: the router to mount, route protection, and audit events
 * (`auth.on('login.failed', ...)`).
 */
export class PasswordGrant extends EventEmitter {
  /** Mount it: `app.use('/oauth2', auth.router)` serves `POST /oauth2/token`. */
  readonly router: Router;
  /**
   * The discovery documents (RFC 8414, OpenID Connect Discovery); mount it at the root: `app.use(auth.discovery)`.
   */
  readonly discovery: Router;
  /** The store in use (the default MemoryStore when none was given). */
  readonly store: TokenStore;
  /**
   * For apps whose own body parsers run before the router: mount it next to the router, and their failures on the
   * router's endpoints (a malformed JSON body, their size limit) become RFC 6749 §5.2 JSON errors.
   * @example app.use(express.json()); app.use('/oauth2', auth.router, auth.errorHandler);
   */
  readonly errorHandler: ErrorRequestHandler;
  readonly #ctx: Context;

  constructor(options: PasswordGrantOptions) {
    super();
    const config = resolveConfig(options);
    this.#ctx = createContext(config, this);
    this.store = config.store;
    ({ router: this.router, errorHandler: this.errorHandler } = createRouter(this.#ctx));
    this.discovery = createDiscoveryRouter(this.#ctx);
    checkMemoryStoreInCluster(this.#ctx);
  }

  /**
   * Middleware that demands a valid access token (with every scope named) and sets `req.auth`.
   * @example app.get('/api/me', auth.requireToken({ scope: 'profile' }), (req, res) => res.json(req.auth))
   */
  requireToken = (options: RequireTokenOptions = {}): RequestHandler => requireToken(this.#ctx, options);

  /**
   * A passport strategy named 'oauth2-bearer'.
   * @example passport.use(auth.strategy()); app.get('/api/orders', passport.authenticate('oauth2-bearer', { session: false }), ...)
   */
  strategy = (options: RequireTokenOptions = {}): BearerStrategy => new BearerStrategy(this.#ctx, options);

  /**
   * The checks of requireToken for non-Express callers; rejects with an OAuthError (`invalid_token`,
   * `invalid_dpop_proof`, or `temporarily_unavailable` when the store is down). A DPoP-bound token needs
   * `options.dpop` (scheme, proof, method, url), as requireToken reads them from the request.
   */
  verifyAccessToken = async (token: string, options: VerifyOptions = {}): Promise<AuthInfo> => {
    try {
      return await authorizeToken(this.#ctx, token, options);
    } catch (err) {
      // The same error (challenge header included) and events as requireToken; no IP outside a request.
      throw bearerFailure(this.#ctx, undefined, err);
    }
  };

  /**
   * The user's live sessions (one per login), most recently used first; pass the last one's `lastUsedAt` as `before`
   * for the next page, until a page is empty. A page never splits sessions that share a `lastUsedAt` second: it may
   * hold fewer than `limit` before the end, or more than `limit` when more than `limit` share its first second
   * (ListSessionsPage). Needs a store that implements SessionStore (every store of the package does).
   * @example const sessions = await auth.listSessions(req.auth.sub, { limit: 20 });
   */
  listSessions = (sub: string, options?: ListSessionsPage): Promise<SessionInfo[]> => listSessions(this.#ctx, sub, options);

  /**
   * Ends one session of `sub`: its refresh tokens are refused, and its access tokens too, on every instance (by the
   * store's broadcast); the store deletes its record and every refresh token of it, spent ones included. False when
   * `sub` has no such session. Emits `session.revoked` (`reason: 'app'`).
   * @example await auth.revokeSession(req.auth.sub, req.params.id, { reason: 'signed_out' })
   */
  revokeSession = (sub: string, sessionId: string, options?: RevokeSessionsOptions): Promise<boolean> => revokeSession(this.#ctx, sub, sessionId, options);

  /**
   * Ends every session of `sub` but `options.except`, as revokeSession ends one, and refuses the user's refresh tokens
   * issued before session records existed. The number of sessions ended. With `unlock`, what erasing a user takes
   * (docs/sessions.md, "A user erased").
   * @example await auth.revokeSessions(req.auth.sub, { except: req.auth.sid, reason: 'password_changed' })
   */
  revokeSessions = (sub: string, options?: RevokeSessionsOptions): Promise<number> => revokeSessions(this.#ctx, sub, options);

  /**
   * Lifts the throttle's locks earned against the account `username` names (per username, and per username and IP),
   * never the per-IP locks. Emits `account.unlocked`.
   * @example await auth.unlock('alice')
   */
  unlock = (username: string): Promise<void> => unlockAccount(this.#ctx, username);

  override on<K extends EventName>(event: K, listener: (payload: EventMap[K]) => void): this {
    return super.on(event, listener);
  }

  override once<K extends EventName>(event: K, listener: (payload: EventMap[K]) => void): this {
    return super.once(event, listener);
  }
}

/**
 * Creates the token endpoint and its companions for an Express app.
 * @example
 * const auth = passwordGrant({ issuer, signingKeys, findClient, verifyUser });
 * app.use('/oauth2', auth.router);
 * app.get('/api/me', auth.requireToken(), (req, res) => res.json(req.auth));
 */
export function passwordGrant(options: PasswordGrantOptions): PasswordGrant {
  return new PasswordGrant(options);
}

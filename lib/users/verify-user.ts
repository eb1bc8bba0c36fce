// lib/users/verify-user.ts
// Runs the app's verifyUser: a plain (a)sync function, or a passport-local Strategy driven by the passport protocol.

import type { Request } from 'express';
import type { Context } from '../context';
import { isOAuthError, serverError } from '../errors/oauth-error';
import type { PassportLikeStrategy, VerifyUserContext } from '../options';
import type { LoginFailureReason } from '../events';
import type { User } from '../types';
import { readUser } from './read-user';

/**
 * verifyUser's answer: the user, or why not (null means an unknown user, false a wrong password), with what a
 * strategy's fail() said as `detail`. Both go to the login.failed event only, never to the client.
 */
export type Verdict = { readonly user: User } | { readonly user?: undefined; readonly reason: LoginFailureReason; readonly detail?: string };

/** Runs verifyUser. Throws server_error when the callback fails, and passes deliberate OAuthErrors through. */
export async function runVerifyUser(ctx: Context, username: string, password: string, context: VerifyUserContext): Promise<Verdict> {
  const verify = ctx.config.verifyUser;
  let result: unknown;
  try {
    result = typeof verify === 'function' ? await verify(username, password, context) : await runStrategy(verify, username, password, context.req);
  } catch (err) {
    // Deliberate protocol errors (account disabled, MFA required...) pass through as the app meant them.
    if (isOAuthError(err)) throw err;
    throw serverError(err, 'verifyUser failed');
  }
  if (result instanceof StrategyFailure) return failureVerdict(result.info);
  if (result === null || result === undefined) return { reason: 'unknown_user' };
  if (result === false) return { reason: 'bad_password' };
  return { user: readUser(result, 'verifyUser') };
}

/** A passport strategy's fail(info), or its pass() or redirect() (no info): no user for this request. */
class StrategyFailure {
  constructor(readonly info?: unknown) {}
}

/** The reasons a strategy's fail info may name: the two the protocol cannot tell apart by itself. */
const STRATEGY_REASONS: ReadonlySet<unknown> = new Set<LoginFailureReason>(['unknown_user', 'bad_password']);

/** How much of a strategy's message the event keeps: a sentence, not whatever a strategy put there. */
const MAX_DETAIL = 200;

/**
 * passport's fail() does not say whether the user was unknown or the password wrong, so the app may: passport-local
 * hands the info of `done(null, false, info)` to fail(), and `info.reason` 'unknown_user' or 'bad_password' becomes
 * the event's reason (docs/options.md#verifyuser). Anything else is 'rejected'. The
 * info's `message` (passport-local's own "Missing credentials", or the app's) or a string challenge is the detail.
 */
function failureVerdict(info: unknown): Verdict {
  const { reason, message } = (typeof info === 'object' && info !== null ? info : {}) as { reason?: unknown; message?: unknown };
  const text = typeof info === 'string' ? info : message;
  return {
    reason: STRATEGY_REASONS.has(reason) ? (reason as LoginFailureReason) : 'rejected',
    ...(typeof text === 'string' && text !== '' ? { detail: text.slice(0, MAX_DETAIL) } : {}),
  };
}

interface StrategyFields {
  _usernameField?: string;
  _passwordField?: string;
}

/**
 * passport's own way of running a strategy (lib/middleware/authenticate.js): a per-request copy whose
 * success/fail/error settle the outcome. The copy sees the token request's credentials under the field names the
 * strategy was configured with (e.g. usernameField: 'email').
 */
function runStrategy(strategy: PassportLikeStrategy, username: string, password: string, req: Request): Promise<unknown> {
  const fields = strategy as unknown as StrategyFields;
  const view = Object.create(req) as Request;
  Object.defineProperty(view, 'body', {
    value: { [fields._usernameField ?? 'username']: username, [fields._passwordField ?? 'password']: password },
  });
  Object.defineProperty(view, 'query', { value: {} });
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (fn: () => void): void => {
      if (!settled) {
        settled = true;
        fn();
      }
    };
    const run = Object.create(strategy) as Record<string, unknown>;
    run.success = (user: unknown) => settle(() => resolve(user));
    run.fail = (info: unknown) => settle(() => resolve(new StrategyFailure(info)));
    run.error = (err: unknown) => settle(() => reject(err));
    run.pass = () => settle(() => resolve(new StrategyFailure()));
    run.redirect = () => settle(() => resolve(new StrategyFailure()));
    try {
      (run as unknown as PassportLikeStrategy).authenticate(view, { session: false });
    } catch (err) {
      settle(() => reject(err));
    }
  });
}

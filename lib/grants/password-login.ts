// lib/grants/password-login.ts
// The user half of the password grant: parameters, throttling, verifyUser, deliberate failures and step-up, events.

import type { Request } from 'express';
import type { Context } from '../context';
import { isLoginError, type LoginError } from '../errors/login-error';
import { invalidGrant, isOAuthError, OAuthError, serverError } from '../errors/oauth-error';
import type { LoginFailureReason } from '../events';
import { assertMaxLength, assertNoControlCharacters, requireParams } from '../http/params';
import { parseScope, requestedScope } from './scope';
import { issueMfaToken } from '../users/pending-mfa';
import { endUserIp } from '../throttle/end-user-ip';
import { loginThrottle, type LoginThrottle } from '../throttle/login-throttle';
import type { Client, FormParams, User } from '../types';
import { readUser } from '../users/read-user';
import { runVerifyUser } from '../users/verify-user';

/** A login whose credentials checked out: whom to issue tokens to, for which requested scope. */
export interface VerifiedLogin {
  readonly user: User;
  readonly username: string;
  readonly scope: readonly string[];
  /** The end user's IP as throttling saw it (see `Client.forwardedIpHeader`). */
  readonly ip: string | undefined;
}

/**
 * Verifies the resource owner's credentials (RFC 6749 §4.3.2). Every ordinary failure is the same invalid_grant,
 * whatever the reason (no enumeration); the reason goes to `login.failed` only. A locked
 * bucket answers 429 before verifyUser runs (RFC 6819 §4.4.3.6, online guessing), so a locked-out guesser learns nothing about the password.
 */
export async function passwordLogin(ctx: Context, req: Request, params: FormParams, client: Client): Promise<VerifiedLogin> {
  const { config } = ctx;
  // RFC 6749 §4.3.2: username and password are REQUIRED.
  const { username, password } = requireParams(params, ['username', 'password']);
  assertMaxLength('username', username, config.limits.username);
  assertMaxLength('password', password, config.limits.password);
  assertMaxLength('scope', params.scope, config.limits.scope);
  // The username is an identifier: PRECIS (RFC 8265 §3.3, UsernameCasePreserved, built on the IdentifierClass)
  // disallows controls. The password gets the same rule, although RFC 6749 §4.3.2 leaves its characters to us:
  // RFC 8265 §4.2 (OpaqueString, the PRECIS profile for passwords, built on the FreeformClass) disallows controls
  // too (RFC 8264 §9.12); nobody types one into a password field (Tab and Enter move on); and a NUL breaks what
  // apps hash with: PostgreSQL text (pgcrypto crypt()) refuses it, C-string hashers stop at it so "secret\0x"
  // would check as "secret" (the bcrypt package we depend on counts it as a byte, others do not). Spaces, symbols
  // and every non-ASCII character stay allowed.
  assertNoControlCharacters('username', username);
  assertNoControlCharacters('password', password);
  const scope = requestedScope(client, parseScope(params.scope));
  const ip = endUserIp(req, client);
  const throttle = loginThrottle(ctx, { clientId: client.id, username, ip });
  await throttle.guard();

  let verdict;
  try {
    verdict = await runVerifyUser(ctx, username, password, { client, scope, req });
  } catch (err) {
    if (!isOAuthError(err) || err.status >= 500) {
      // Not a verdict on the password: the reserved attempt is given back.
      // A store failure while giving it back must not hide the original error.
      await throttle.abandoned().catch(() => undefined);
      throw err;
    }
    throw await deliberateFailure(ctx, err, { client, username, scope, ip, throttle });
  }
  if (verdict.user === undefined) {
    const { reason, detail } = verdict;
    ctx.emit('login.failed', { clientId: client.id, ip, username, reason, ...(detail === undefined ? {} : { detail }) });
    await throttle.failed();
    throw invalidGrant(reason);
  }
  await throttle.succeeded();
  return { user: verdict.user, username, scope, ip };
}

interface FailureContext {
  readonly client: Client;
  readonly username: string;
  readonly scope: readonly string[];
  readonly ip: string | undefined;
  readonly throttle: LoginThrottle;
}

const REASONS: Readonly<Record<LoginError['reason'], LoginFailureReason>> = {
  account_disabled: 'disabled',
  account_locked: 'locked',
  password_expired: 'password_expired',
  mfa_required: 'mfa_required',
};

/**
 * An error verifyUser threw on purpose. Account states count as failed attempts; password_expired and
 * mfa_required mean the password was right, so they give back their own attempt, but clear and remember nothing:
 * no login is finished, and password_expired names no account (what a success gives back belongs to the account
 * that succeeded; the MFA step's success does that for mfa_required).
 */
async function deliberateFailure(ctx: Context, err: OAuthError, f: FailureContext): Promise<OAuthError> {
  const reason: LoginFailureReason = isLoginError(err) ? REASONS[err.reason] : 'rejected';
  ctx.emit('login.failed', { clientId: f.client.id, ip: f.ip, username: f.username, reason, detail: err.detail });
  if (reason === 'mfa_required' || reason === 'password_expired') await f.throttle.passwordAccepted();
  else await f.throttle.failed();
  if (!isLoginError(err) || err.reason !== 'mfa_required') return err;
  if (ctx.config.verifyMfa === undefined) {
    return serverError(new TypeError('verifyUser threw mfa_required but options.verifyMfa is not set'), 'mfa not configured');
  }
  if (err.user === undefined || typeof err.user.id !== 'string') {
    return serverError(new TypeError("loginError('mfa_required') needs { user }"), 'mfa_required without user');
  }
  const user = readUser(err.user, "loginError('mfa_required')");
  const mfaToken = await issueMfaToken(ctx, { clientId: f.client.id, username: f.username, user, scope: f.scope });
  return new OAuthError('mfa_required', err.description, { detail: 'mfa_required', body: { mfa_token: mfaToken } });
}

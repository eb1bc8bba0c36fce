// lib/errors/login-error.ts
// Deliberate login failures: what verifyUser throws on purpose to tell its client more than "invalid_grant".

import type { User } from '../types';
import { OAuthError } from './oauth-error';

/** Why the app refuses a login and wants the client to know. */
export type LoginErrorReason = 'account_disabled' | 'account_locked' | 'password_expired' | 'mfa_required';

/** Options of `loginError()`. */
export interface LoginErrorOptions {
  /** Replaces the default `error_description` (shown to the client: no secrets, no internals). */
  readonly description?: string;
  /**
   * `mfa_required` only, and required there: the user whose password was right. It is kept in the store under the
   * `mfa_token`'s hash until the second factor is verified or the token expires: put no secrets in it.
   */
  readonly user?: User;
}

const DESCRIPTIONS: Readonly<Record<LoginErrorReason, string>> = {
  account_disabled: 'The account is disabled',
  account_locked: 'The account is locked',
  password_expired: 'The password has expired and must be changed',
  mfa_required: 'Multi-factor authentication is required',
};

const BRAND = Symbol.for('express-password-grant.LoginError');

/**
 * A login refused on purpose, with its reason on the wire: `invalid_grant` (400) with `reason` for the account
 * states, `mfa_required` (403) with an `mfa_token` for step-up. Telling a client "disabled" also tells an attacker
 * the username exists (and, for password_expired and mfa_required, that the password was right): throw it only
 * after the password checked out, or where that disclosure is acceptable.
 * @example if (row.disabled) throw loginError('account_disabled');
 */
export class LoginError extends OAuthError {
  readonly reason: LoginErrorReason;
  readonly user: User | undefined;

  constructor(reason: LoginErrorReason, options: LoginErrorOptions = {}) {
    const description = options.description ?? DESCRIPTIONS[reason];
    if (reason === 'mfa_required') {
      super('mfa_required', description, { detail: reason });
    } else {
      super('invalid_grant', description, { detail: reason, body: { reason } });
    }
    this.name = 'LoginError';
    this.reason = reason;
    this.user = options.user;
  }

  get [BRAND](): true {
    return true;
  }
}

/**
 * Builds a LoginError for verifyUser to throw.
 * @example
 * verifyUser: async (username, password) => {
 *   const row = await db.findUser(username);
 *   if (!row) return dummyVerify(password).then(() => null);
 *   if (!(await bcrypt.compare(password, row.hash))) return false;
 *   if (row.disabled) throw loginError('account_disabled');
 *   if (row.totpSecret) throw loginError('mfa_required', { user: { id: row.id } });
 *   return { id: row.id };
 * }
 */
export function loginError(reason: LoginErrorReason, options: LoginErrorOptions = {}): LoginError {
  return new LoginError(reason, options);
}

/** True for a LoginError from any copy of this package. */
export function isLoginError(value: unknown): value is LoginError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}

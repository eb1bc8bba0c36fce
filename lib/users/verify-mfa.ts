// lib/users/verify-mfa.ts
// The app's second-factor check (options.verifyMfa) and how it is called.

import type { Request } from 'express';
import { isOAuthError, serverError } from '../errors/oauth-error';
import type { FormParams } from '../http/parse-form';
import type { Client, User } from '../types';

/** What `verifyMfa` receives: the pending login and the redeeming request's parameters (e.g. `otp`). */
export interface VerifyMfaContext {
  readonly client: Client;
  readonly user: User;
  readonly username: string;
  readonly scope: readonly string[];
  /** The form parameters of the MFA grant request (`otp`, `oob_code`, ... whatever your client sends). */
  readonly params: FormParams;
  readonly req: Request;
}

/**
 * Checks the second factor; true lets the login complete. It may throw `loginError(...)` to refuse with a reason.
 * @example verifyMfa: async ({ user, params }) => totp.verify(params.otp, await secretOf(user.id))
 */
export type VerifyMfa = (context: VerifyMfaContext) => boolean | Promise<boolean>;

/** Runs verifyMfa: exactly `true` passes; OAuthErrors pass through; anything else thrown is a server_error. */
export async function runVerifyMfa(verify: VerifyMfa, context: VerifyMfaContext): Promise<boolean> {
  try {
    return (await verify(context)) === true;
  } catch (err) {
    if (isOAuthError(err)) throw err;
    throw serverError(err, 'verifyMfa failed');
  }
}

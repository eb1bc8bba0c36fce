// lib/users/verify-mfa.ts
// The app's second-factor check (options.verifyMfa) and how it is called.

import { isOAuthError, serverError } from '../errors/oauth-error';
import type { VerifyMfa, VerifyMfaContext } from '../options/callbacks';

/** Runs verifyMfa: exactly `true` passes; OAuthErrors pass through; anything else thrown is a server_error. */
export async function runVerifyMfa(verify: VerifyMfa, context: VerifyMfaContext): Promise<boolean> {
  try {
    return (await verify(context)) === true;
  } catch (err) {
    if (isOAuthError(err)) throw err;
    throw serverError(err, 'verifyMfa failed');
  }
}

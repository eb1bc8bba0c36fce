// lib/grants/mfa.ts
// The step-up grant: redeem an mfa_token once the app has verified the second factor, then issue tokens as the
// password grant would. Our own extension grant type (RFC 6749 §4.5: "an absolute URI").

import type { Request } from 'express';
import type { Context } from '../context';
import { invalidGrant, isOAuthError, OAuthError } from '../errors/oauth-error';
import { redeemMfaToken } from '../users/pending-mfa';
import { runVerifyMfa } from '../users/verify-mfa';
import { endUserIp } from '../throttle/end-user-ip';
import { loginThrottle } from '../throttle/login-throttle';
import type { Client, FormParams } from '../types';
import type { TokenBinding } from '../dpop/token-request';
import type { Issued } from './issue-tokens';
import { assertMaxLength, requireParams } from '../http/params';
import { passwordGrant } from './password';

/** `grant_type` of the MFA step (a client must list it in `grants`). */
export const MFA_GRANT_TYPE = 'urn:express-password-grant:params:oauth:grant-type:mfa';

/**
 * POST /token with grant_type=MFA_GRANT_TYPE, mfa_token and whatever the second factor needs (e.g. otp). The token
 * is consumed before anything else is checked: a wrong second factor, another client or a replay all cost the
 * client a new password step (which is throttled), so the second factor cannot be guessed with one token.
 */
export async function mfaGrant(ctx: Context, req: Request, params: FormParams, client: Client, binding: TokenBinding = {}): Promise<Issued> {
  const verify = ctx.config.verifyMfa;
  if (verify === undefined) {
    throw new OAuthError('unsupported_grant_type', 'The grant type is not supported by this server', { detail: 'verifyMfa not configured' });
  }
  const { mfa_token: mfaToken } = requireParams(params, ['mfa_token']);
  assertMaxLength('mfa_token', mfaToken, 256);
  const pending = await redeemMfaToken(ctx, mfaToken);
  if (pending === undefined) throw invalidGrant('unknown, used or expired mfa_token');
  if (pending.clientId !== client.id) throw invalidGrant('mfa_token was issued to another client');

  const { username, user, scope } = pending;
  const ip = endUserIp(req, client);
  const throttle = loginThrottle(ctx, { clientId: client.id, username, ip });
  await throttle.guard();
  const ok = await runVerifyMfa(verify, { client, user, username, scope, params, req }).catch(async (err: unknown) => {
    if (isOAuthError(err) && err.status < 500) {
      ctx.emit('login.failed', { clientId: client.id, ip, username, reason: 'mfa_failed', detail: err.detail });
      await throttle.failed();
    } else await throttle.abandoned().catch(() => undefined);
    throw err;
  });
  if (!ok) {
    ctx.emit('login.failed', { clientId: client.id, ip, username, reason: 'mfa_failed' });
    await throttle.failed();
    throw invalidGrant('second factor rejected');
  }
  await throttle.succeeded();
  return passwordGrant(ctx, req, params, client, binding, { user, username, scope, ip });
}

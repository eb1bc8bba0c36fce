// lib/users/pending-mfa.ts
// The step-up state between "password right, MFA required" and "second factor verified": an opaque, short-lived,
// single-use mfa_token whose SHA-256 keys the pending login in the store (put on issue, atomic take on redeem).

import type { Context } from '../context';
import { serverError } from '../errors/oauth-error';
import { storeCall } from '../stores/shared/store-call';
import type { OneShotStore } from '../stores/shared/one-shot-store';
import type { User } from '../types';
import { isObject } from '../util/assert';
import { randomToken, sha256 } from '../util/crypto';

/** What the password step established, waiting for the second factor. */
export interface PendingMfa {
  readonly clientId: string;
  readonly username: string;
  readonly user: User;
  readonly scope: readonly string[];
}

const key = (token: string): string => `mfa:${sha256(token)}`;

/** Pending logins are one-shot values: the only concern of the store this file uses. */
const oneShots = (ctx: Context): OneShotStore => ctx.config.store;

/** Stores `pending` and returns the mfa_token for the client; the token itself is never stored. */
export async function issueMfaToken(ctx: Context, pending: PendingMfa): Promise<string> {
  const token = randomToken();
  const value = JSON.stringify(pending);
  await storeCall('put', () => oneShots(ctx).put(key(token), value, ctx.config.mfaTokenTTL));
  return token;
}

/** Consumes an mfa_token: the pending login the first time, undefined for an unknown, used or expired token. */
export async function redeemMfaToken(ctx: Context, token: string): Promise<PendingMfa | undefined> {
  const value = await storeCall('take', () => oneShots(ctx).take(key(token)));
  if (value === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    // A parser's message can quote the stored text (personal data): the cause names the failure only.
    throw serverError(new SyntaxError('stored mfa state is not JSON'), 'stored mfa state is not JSON');
  }
  if (!isObject(parsed) || typeof parsed.clientId !== 'string' || typeof parsed.username !== 'string' || !isObject(parsed.user)) {
    throw serverError(new TypeError('malformed mfa state'), 'stored mfa state is malformed');
  }
  return parsed as unknown as PendingMfa;
}

// lib/grants/refresh-user.ts
// The refresh grant asks the app about the user (findUser) before a token is spent: gone ends the session.

import type { Request } from 'express';
import type { Context } from '../context';
import { invalidGrant } from '../errors/oauth-error';
import type { RefreshTokenRecord } from '../stores/shared/store';
import type { Client, User } from '../types';
import { findCurrentUser } from '../users/find-user';
import { endSession } from './end-session';
import { grantableScope } from './scope';

/** What a refresh may grant, and to whom as the app knows them now. */
export interface CheckedRefresh {
  readonly scope: readonly string[];
  /** The user `findUser` returned (undefined without `findUser`): `enrichToken` gets it, as at a login. */
  readonly user?: User;
}

/**
 * `scope` (what the refresh may grant so far) narrowed to what the record's user may still grant, as the password
 * grant narrows a login (`User.scopes`; a user without `scopes` restricts nothing), with that user. The refresh token
 * keeps its original scope (RFC 6749 §6): a scope given back to the user comes back on the next refresh.
 */
export async function userCheckedScope(
  ctx: Context,
  req: Request,
  record: RefreshTokenRecord,
  client: Client,
  scope: readonly string[],
): Promise<CheckedRefresh> {
  const user = await currentUser(ctx, req, record, client);
  return user === undefined ? { scope } : { scope: grantableScope(scope, user), user };
}

/**
 * The record's user as the app knows it now, when the app gave `findUser`; undefined without it (the refresh then
 * trusts the login, as before). Called before anything is spent or minted, so that no refresh, retry included,
 * outlives the user. A user `findUser` no longer finds (deleted, disabled: `null`) ends the session: the family is
 * revoked, `session.revoked` says `user_gone`, and the request gets invalid_grant as Keycloak and IdentityServer
 * answer. A throwing `findUser` is a 503 temporarily_unavailable (the directory is down, not the user gone): nothing
 * is spent, and the same refresh token works once it answers again.
 */
async function currentUser(ctx: Context, req: Request, record: RefreshTokenRecord, client: Client): Promise<User | undefined> {
  const { findUser } = ctx.config;
  if (findUser === undefined) return undefined;
  const user = await findCurrentUser(findUser, record.sub);
  if (user !== undefined) return user;
  await endSession(ctx, record, client, 'user_gone', req.ip);
  throw invalidGrant('findUser found no user for the refresh token; its session is revoked');
}

// lib/options/callbacks.ts
// The app's callbacks: their public types, and the checks that they are callable, made once at construction.

import type { Request } from 'express';
import { ConfigError } from '../errors/config-error';
import type { Client, FormParams, User } from '../types';
import { assertFunction, fail, isObject } from '../util/assert';

/** What `verifyUser` receives besides the credentials. */
export interface VerifyUserContext {
  readonly client: Client;
  /** The scope the client asked for (after defaults), before the user's own limits. */
  readonly scope: readonly string[];
  readonly req: Request;
}

export type VerifyUserResult = User | null | false | undefined;

export type VerifyUser = (username: string, password: string, context: VerifyUserContext) => VerifyUserResult | Promise<VerifyUserResult>;

/** A passport-local Strategy instance (or any passport strategy reading username/password from the body). */
export interface PassportLikeStrategy {
  authenticate(this: unknown, req: Request, options?: unknown): void;
  readonly name?: string;
}

/** What `enrichToken` receives. */
export interface EnrichTokenContext {
  readonly grantType: 'password' | 'refresh_token';
  readonly client: Client;
  readonly sub: string;
  /**
   * The user: at a login, what `verifyUser` returned; at a refresh, what `findUser` returned when it is given (asked
   * on every refresh), else absent.
   */
  readonly user?: User;
  readonly scope: readonly string[];
  readonly req: Request;
}

/** What `enrichToken` may add. Standard claims and response members are never overridden. */
export interface TokenEnrichment {
  readonly accessTokenClaims?: Readonly<Record<string, unknown>>;
  readonly response?: Readonly<Record<string, unknown>>;
}

export type EnrichToken = (context: EnrichTokenContext) => TokenEnrichment | void | Promise<TokenEnrichment | void>;

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

/**
 * Looks a user up by the `sub` of a token, for `/userinfo` and on every refresh; null when the user no longer exists
 * or may no longer use the app (disabled).
 */
export type FindUser = (sub: string) => User | null | undefined | false | Promise<User | null | undefined | false>;

/** `verifyUser` is required: a function, or a passport strategy (anything with `authenticate`). */
export function resolveVerifyUser(value: unknown): VerifyUser | PassportLikeStrategy {
  if (value === undefined) throw new ConfigError('ERR_EPG_MISSING_OPTION', 'options.verifyUser is required');
  if (typeof value === 'function') return value as VerifyUser;
  if (isObject(value) && typeof value.authenticate === 'function') return value as unknown as PassportLikeStrategy;
  fail('options.verifyUser', 'a function or a passport-local Strategy instance');
}

/** Any other callback option, once it is given: it must be a function. */
export function callback<T>(value: unknown, path: string): T {
  assertFunction(value, path);
  return value as T;
}

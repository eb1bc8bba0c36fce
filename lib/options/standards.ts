// lib/options/standards.ts
// Options of the standards endpoints (userinfo, discovery), resolved and checked at construction like the rest.

import type { FindUser } from './callbacks';
import { ConfigError } from '../errors/config-error';
import { assertFunction, assertHttpsUrl } from '../util/assert';
import { flag } from './values';

/** Public options of the standards endpoints; part of `PasswordGrantOptions`. */
export interface StandardsOptions {
  /**
   * Looks a user up by `sub`; `null` when the user is gone (deleted, or disabled: return `null` for those too).
   * Enables `GET|POST /userinfo` (OIDC Core §5.3): the user's current claims, released by the token's scope.
   * Without it the endpoint is not served and discovery does not advertise it.
   * Also called on every refresh, before the refresh token is spent: `null` ends the session (its refresh and access
   * tokens are revoked, `session.revoked` is emitted, the client gets `invalid_grant`), a throw answers 503 and
   * spends nothing, and the user's `scopes` narrow the refreshed access token. One call per refresh: make it a
   * primary-key lookup (see docs/sessions.md).
   * @example findUser: async (sub) => db.users.byId(sub) // { id, scopes?, claims: { name, email, ... } }
   */
  readonly findUser?: FindUser;
  /**
   * The absolute URL where `auth.router` is reachable, used for every endpoint URL in the discovery documents.
   * Default: the issuer's origin plus the path the app mounted the router at (`app.use('/oauth2', auth.router)` ->
   * `https://a.example/oauth2`), learnt when the app mounts it; the issuer itself when Express cannot say (the
   * router mounted through a plain Router or at a pattern). Set it behind a proxy that rewrites paths.
   */
  readonly endpointsBaseUrl?: string;
  /** `scopes_supported` in the discovery documents. Default: the scopes the library itself gives meaning to. */
  readonly scopesSupported?: readonly string[];
  /**
   * `false` when the app serves no discovery documents: `auth.discovery` then passes every request on, and issuing
   * tokens without it mounted gives no `EPG_NO_DISCOVERY` warning. Default true.
   */
  readonly discovery?: boolean;
}

/** Resolved form of StandardsOptions. */
export interface StandardsConfig {
  readonly findUser: FindUser | undefined;
  /** Without a trailing slash. */
  readonly endpointsBaseUrl: string;
  /** True when `endpointsBaseUrl` was not given: the mount path decides (http/endpoint-url.ts), else the issuer. */
  readonly endpointsBaseUrlDefaulted: boolean;
  readonly scopesSupported: readonly string[];
  readonly discovery: boolean;
}

/** OIDC Core §5.4 scopes plus `openid` and `offline_access`: the scopes this library interprets. */
export const DEFAULT_SCOPES_SUPPORTED: readonly string[] = ['openid', 'profile', 'email', 'address', 'phone', 'offline_access'];

const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/** Checks and resolves the standards options; throws ConfigError naming the option. */
export function resolveStandardsOptions(o: Partial<Record<keyof StandardsOptions, unknown>>, issuer: string): StandardsConfig {
  if (o.findUser !== undefined) assertFunction(o.findUser, 'options.findUser');
  return {
    findUser: o.findUser as FindUser | undefined,
    endpointsBaseUrl: o.endpointsBaseUrl === undefined ? withoutTrailingSlash(issuer) : resolveBaseUrl(o.endpointsBaseUrl),
    endpointsBaseUrlDefaulted: o.endpointsBaseUrl === undefined,
    scopesSupported: o.scopesSupported === undefined ? DEFAULT_SCOPES_SUPPORTED : resolveScopes(o.scopesSupported),
    discovery: flag(o.discovery, true, 'options.discovery'),
  };
}

function resolveBaseUrl(value: unknown): string {
  assertHttpsUrl(value, 'options.endpointsBaseUrl');
  return withoutTrailingSlash(value);
}

function resolveScopes(value: unknown): readonly string[] {
  if (!Array.isArray(value) || !value.every((s) => typeof s === 'string' && SCOPE_TOKEN.test(s))) {
    throw new ConfigError('ERR_EPG_INVALID_OPTION', 'options.scopesSupported must be an array of RFC 6749 §3.3 scope tokens');
  }
  return [...new Set(value as string[])];
}

function withoutTrailingSlash(url: string): string {
  return url.endsWith('/') ? url.slice(0, -1) : url;
}

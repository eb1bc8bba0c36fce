// lib/options.ts
// Public PasswordGrantOptions -> internal resolved Config; every check happens here, once, at construction.

import type { Request } from 'express';
import { ConfigError } from './errors/config-error';
import { MemoryStore } from './stores/memory-store';
import type { TokenStore } from './stores/store';
import { DEFAULT_TOKEN_CACHE_SIZE } from './bearer/verified-cache';
import type { Client, User } from './types';
import { createKeyring, type Keyring, type SigningKeyOption } from './tokens/keyring';
import { assertBoolean, assertFunction, assertPositiveInteger, assertString, fail, isObject } from './util/assert';
import type { Clock } from './util/clock';
import { resolveClientAssertionOptions, type ClientAssertionOptions, type ResolvedClientAssertionOptions } from './client-auth/assertion-options';
import { resolveDpopOptions, type DpopOptions, type ResolvedDpopOptions } from './dpop/options';
import { resolveStandardsOptions, type StandardsConfig, type StandardsOptions } from './standards-options';
import { resolveThrottle, type ThrottleConfig, type ThrottleOptions } from './throttle/options';
import type { VerifyMfa } from './mfa/verify-mfa';

/** What `verifyUser` receives besides the credentials. */
export interface VerifyUserContext {
  readonly client: Client;
  /** The scope the client asked for (after defaults), before the user's own limits. */
  readonly scope: readonly string[];
  readonly req: Request;
}

export type VerifyUserResult = User | null | false | undefined;

export type VerifyUser = (
  username: string,
  password: string,
  context: VerifyUserContext,
) => VerifyUserResult | Promise<VerifyUserResult>;

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
  /** The user, on the password grant only. */
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

/** Size limits on what a request may carry; each excess is a clear 4xx JSON error. */
export interface RequestLimits {
  /** Form body bytes. Default 16384 (413 past it). */
  readonly bodyBytes?: number;
  /** Form parameters. Default 32. */
  readonly parameters?: number;
  readonly username?: number;
  readonly password?: number;
  readonly scope?: number;
}

/**
 * Options of `passwordGrant()`. Only `issuer`, `signingKeys`, `findClient` and `verifyUser` are required.
 * @example passwordGrant({ issuer: 'https://auth.example.com', signingKeys: { kid: 'k1', alg: 'RS256', key: pem },
 *   findClient: (id) => clients.get(id) ?? null, verifyUser: checkPassword })
 */
export interface PasswordGrantOptions extends StandardsOptions {
  /** Exactly the `iss` of every token; https (http only for localhost). */
  readonly issuer: string;
  /** Default `aud` of access tokens. Default: `issuer`. */
  readonly audience?: string | readonly string[];
  /** One key or several: the first signs, all verify. */
  readonly signingKeys: SigningKeyOption | readonly SigningKeyOption[];
  readonly findClient: (clientId: string) => Client | null | undefined | Promise<Client | null | undefined>;
  readonly verifyUser: VerifyUser | PassportLikeStrategy;
  /** Default: a new `MemoryStore`. */
  readonly store?: TokenStore;
  /** Seconds. Default 3600. */
  readonly accessTokenTTL?: number;
  /** Seconds. Default 1209600 (14 days). */
  readonly refreshTokenTTL?: number;
  /** Seconds. Default 3600. */
  readonly idTokenTTL?: number;
  /** Issue a refresh token only when `offline_access` is granted (as Oracle IAM does). Default false. */
  readonly requireOfflineAccess?: boolean;
  /** Adds claims to access tokens and members to token responses. */
  readonly enrichToken?: EnrichToken;
  /** Seconds of clock skew accepted when verifying tokens. Default 5. */
  readonly clockTolerance?: number;
  /** `realm` of `WWW-Authenticate` challenges. Default: `issuer`. */
  readonly realm?: string;
  /** Check the store for revoked access tokens on every verification (one store read). Default true. */
  readonly checkRevocation?: boolean;
  /**
   * How many verified access tokens to remember (least recently used evicted; 0 turns the cache off). Default 10000.
   * A hit skips the signature check; with a store that broadcasts revocations (`onRevocation`) it also skips the
   * store read, except once per cached token every 30 s. See README "Performance" for the propagation delay.
   */
  readonly tokenCacheSize?: number;
  readonly limits?: RequestLimits;
  /** Brute-force and credential-stuffing protection (docs/security.md); `false` turns it off. Default: on. */
  readonly throttle?: ThrottleOptions | false;
  /**
   * Refuse plain-HTTP requests to the router's endpoints with 400 invalid_request (RFC 6749 §3.2: the token
   * endpoint MUST use TLS). Uses `req.secure`, so behind a proxy set Express's `trust proxy`.
   * Default: true when NODE_ENV is 'production'.
   */
  readonly requireTLS?: boolean;
  /** Checks the second factor when verifyUser threw `loginError('mfa_required', { user })`; enables the MFA grant. */
  readonly verifyMfa?: VerifyMfa;
  /** Seconds an mfa_token stays redeemable. Default 300. */
  readonly mfaTokenTTL?: number;
  /** Millisecond clock, for tests. Default `Date.now`. */
  readonly now?: Clock;
  /** private_key_jwt / client_secret_jwt assertion checks (RFC 7523). */
  readonly clientAssertion?: ClientAssertionOptions;
  /** DPoP (RFC 9449) at the token endpoint and in `requireToken`; `false` ignores DPoP proofs at `/token`. */
  readonly dpop?: DpopOptions | false;
  /**
   * Seconds during which a spent refresh token, presented again by its client, returns the same successor
   * (and a fresh access token) instead of revoking its family: for clients retrying after a lost response.
   * 0 (default) turns it off; at most 300. See README "Running several instances".
   */
  readonly refreshReuseGrace?: number;
  /**
   * Secret (>= 32 bytes) from which successors of refresh tokens are derived when `refreshReuseGrace` is on; the
   * same on every instance. Default: derived from the first signing key (HKDF), which every instance shares anyway.
   */
  readonly refreshTokenSecret?: string | Buffer;
}

export interface Config extends StandardsConfig {
  readonly issuer: string;
  readonly audience: string | readonly string[];
  readonly keyring: Keyring;
  readonly findClient: PasswordGrantOptions['findClient'];
  readonly verifyUser: VerifyUser | PassportLikeStrategy;
  readonly store: TokenStore;
  readonly accessTokenTTL: number;
  readonly refreshTokenTTL: number;
  readonly idTokenTTL: number;
  readonly requireOfflineAccess: boolean;
  readonly enrichToken: EnrichToken | undefined;
  readonly clockTolerance: number;
  readonly realm: string;
  readonly checkRevocation: boolean;
  readonly tokenCacheSize: number;
  readonly limits: Required<RequestLimits>;
  readonly throttle: ThrottleConfig | false;
  readonly requireTLS: boolean;
  readonly verifyMfa: VerifyMfa | undefined;
  readonly mfaTokenTTL: number;
  readonly now: Clock;
  readonly clientAssertion: ResolvedClientAssertionOptions;
  readonly dpop: ResolvedDpopOptions;
  /** Seconds; 0 = off. */
  readonly refreshReuseGrace: number;
  readonly refreshTokenSecret: Buffer | undefined;
}

const KNOWN: Record<keyof PasswordGrantOptions, true> = {
  issuer: true,
  audience: true,
  signingKeys: true,
  findClient: true,
  verifyUser: true,
  store: true,
  accessTokenTTL: true,
  refreshTokenTTL: true,
  idTokenTTL: true,
  requireOfflineAccess: true,
  enrichToken: true,
  clockTolerance: true,
  realm: true,
  checkRevocation: true,
  tokenCacheSize: true,
  limits: true,
  throttle: true,
  requireTLS: true,
  verifyMfa: true,
  mfaTokenTTL: true,
  now: true,
  clientAssertion: true,
  dpop: true,
  findUser: true,
  endpointsBaseUrl: true,
  scopesSupported: true,
  refreshReuseGrace: true,
  refreshTokenSecret: true,
};

const DEFAULT_LIMITS: Required<RequestLimits> = {
  bodyBytes: 16_384,
  parameters: 32,
  username: 256,
  password: 1024,
  scope: 1024,
};

const STORE_METHODS: readonly (keyof TokenStore)[] = [
  'saveRefreshToken',
  'findRefreshToken',
  'rotateRefreshToken',
  'revokeFamily',
  'revokeAccessToken',
  'isAccessTokenRevoked',
  'hit',
  'peek',
  'reset',
  'claimOnce',
  'put',
  'take',
];

/** Validates `options` without changing them; throws ConfigError naming the first wrong option. */
export function resolveConfig(options: unknown): Config {
  if (!isObject(options)) fail('options', 'an object');
  for (const key of Object.keys(options)) {
    if (!(key in KNOWN)) throw new ConfigError('ERR_EPG_UNKNOWN_OPTION', `options.${key} is not a known option`);
  }
  const o = options as Partial<Record<keyof PasswordGrantOptions, unknown>>;
  const issuer = resolveIssuer(o.issuer);
  if (o.findClient === undefined) throw new ConfigError('ERR_EPG_MISSING_OPTION', 'options.findClient is required');
  assertFunction(o.findClient, 'options.findClient');
  return {
    issuer,
    audience: o.audience === undefined ? issuer : resolveAudience(o.audience, 'options.audience'),
    keyring: createKeyring(o.signingKeys),
    findClient: o.findClient as Config['findClient'],
    verifyUser: resolveVerifyUser(o.verifyUser),
    store: o.store === undefined ? new MemoryStore() : resolveStore(o.store),
    accessTokenTTL: seconds(o.accessTokenTTL, 3600, 'options.accessTokenTTL'),
    refreshTokenTTL: seconds(o.refreshTokenTTL, 1_209_600, 'options.refreshTokenTTL'),
    idTokenTTL: seconds(o.idTokenTTL, 3600, 'options.idTokenTTL'),
    requireOfflineAccess: flag(o.requireOfflineAccess, false, 'options.requireOfflineAccess'),
    enrichToken: o.enrichToken === undefined ? undefined : fn<EnrichToken>(o.enrichToken, 'options.enrichToken'),
    clockTolerance: nonNegative(o.clockTolerance, 5, 'options.clockTolerance'),
    realm: o.realm === undefined ? issuer : realm(o.realm),
    checkRevocation: flag(o.checkRevocation, true, 'options.checkRevocation'),
    tokenCacheSize: o.tokenCacheSize === 0 ? 0 : seconds(o.tokenCacheSize, DEFAULT_TOKEN_CACHE_SIZE, 'options.tokenCacheSize'),
    limits: resolveLimits(o.limits),
    throttle: resolveThrottle(o.throttle),
    requireTLS: flag(o.requireTLS, process.env.NODE_ENV === 'production', 'options.requireTLS'),
    verifyMfa: o.verifyMfa === undefined ? undefined : fn<VerifyMfa>(o.verifyMfa, 'options.verifyMfa'),
    mfaTokenTTL: seconds(o.mfaTokenTTL, 300, 'options.mfaTokenTTL'),
    now: o.now === undefined ? Date.now : fn<Clock>(o.now, 'options.now'),
    clientAssertion: resolveClientAssertionOptions(o.clientAssertion),
    dpop: resolveDpopOptions(o.dpop),
    ...resolveStandardsOptions(o, issuer),
    refreshReuseGrace: resolveReuseGrace(o.refreshReuseGrace),
    refreshTokenSecret: resolveRefreshTokenSecret(o.refreshTokenSecret),
  };
}

function resolveReuseGrace(value: unknown): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || value > 300) {
    fail('options.refreshReuseGrace', 'an integer number of seconds from 0 (off) to 300');
  }
  return value;
}

function resolveRefreshTokenSecret(value: unknown): Buffer | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' && !Buffer.isBuffer(value)) fail('options.refreshTokenSecret', 'a string or Buffer');
  const secret = Buffer.from(value);
  if (secret.length < 32) throw new ConfigError('ERR_EPG_WEAK_KEY', 'options.refreshTokenSecret must be at least 32 bytes');
  return secret;
}

function resolveIssuer(value: unknown): string {
  if (value === undefined) throw new ConfigError('ERR_EPG_MISSING_OPTION', 'options.issuer is required');
  assertString(value, 'options.issuer');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    fail('options.issuer', 'an absolute URL');
  }
  // RFC 8414 §2: "a URL that uses the "https" scheme and has no query or fragment components".
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    fail('options.issuer', 'an https URL (http is allowed for localhost only)');
  }
  if (url.search !== '' || url.hash !== '' || value.includes('?') || value.includes('#')) {
    fail('options.issuer', 'a URL without query or fragment (RFC 8414 §2)');
  }
  return value;
}

export function resolveAudience(value: unknown, path: string): string | readonly string[] {
  if (typeof value === 'string' && value.length > 0) return value;
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string' && v.length > 0)) {
    return [...value] as string[];
  }
  fail(path, 'a non-empty string or array of strings');
}

function resolveVerifyUser(value: unknown): VerifyUser | PassportLikeStrategy {
  if (value === undefined) throw new ConfigError('ERR_EPG_MISSING_OPTION', 'options.verifyUser is required');
  if (typeof value === 'function') return value as VerifyUser;
  if (isObject(value) && typeof value.authenticate === 'function') return value as unknown as PassportLikeStrategy;
  fail('options.verifyUser', 'a function or a passport-local Strategy instance');
}

function resolveStore(value: unknown): TokenStore {
  const methods = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  const missing = STORE_METHODS.filter((m) => typeof methods[m] !== 'function');
  if (missing.length > 0) {
    throw new ConfigError('ERR_EPG_INVALID_STORE', `options.store must implement TokenStore (missing: ${missing.join(', ')})`);
  }
  return value as TokenStore;
}

function resolveLimits(value: unknown): Required<RequestLimits> {
  if (value === undefined) return DEFAULT_LIMITS;
  if (!isObject(value)) fail('options.limits', 'an object');
  const limits: Record<string, number> = { ...DEFAULT_LIMITS };
  for (const [key, limit] of Object.entries(value)) {
    if (!(key in DEFAULT_LIMITS)) throw new ConfigError('ERR_EPG_UNKNOWN_OPTION', `options.limits.${key} is not a known option`);
    if (limit === undefined) continue;
    assertPositiveInteger(limit, `options.limits.${key}`);
    limits[key] = limit;
  }
  return limits as Required<RequestLimits>;
}

function seconds(value: unknown, fallback: number, path: string): number {
  if (value === undefined) return fallback;
  assertPositiveInteger(value, path);
  return value;
}

function nonNegative(value: unknown, fallback: number, path: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) fail(path, 'a non-negative number');
  return value;
}

function flag(value: unknown, fallback: boolean, path: string): boolean {
  if (value === undefined) return fallback;
  assertBoolean(value, path);
  return value;
}

function fn<T>(value: unknown, path: string): T {
  assertFunction(value, path);
  return value as T;
}

function realm(value: unknown): string {
  assertString(value, 'options.realm');
  return value;
}

// lib/options/index.ts
// Public PasswordGrantOptions -> internal resolved Config; every check happens here, once, at construction.
// The pieces live in lib/options/ by concern; this module assembles them and is what the rest of lib imports.

import { resolveClientAssertionOptions } from './client-assertion';
import { resolveDpopOptions } from './dpop';
import { ConfigError } from '../errors/config-error';
import { resolveStandardsOptions } from './standards';
import { resolveThrottle } from './throttle';
import { createKeyring } from './signing-keys';
import { assertFunction, assertKnownKeys, fail, isObject } from '../util/assert';
import type { Clock } from '../util/clock';
import { callback, resolveVerifyUser, type EnrichToken, type VerifyMfa } from './callbacks';
import type { Config } from './config';
import { resolveAudience, resolveIssuer, resolveRealm } from './issuer';
import { resolveLimits } from './limits';
import { KNOWN_OPTIONS, type PasswordGrantOptions } from './password-grant-options';
import { resolveRefreshTokenAbsoluteTTL } from './refresh-lifetime';
import { resolveReuseGrace, resolveSuccessorKey } from './refresh-reuse';
import { checkStore, resolveMaxSessions, storeSessions } from './store';
import { MemoryStore } from '../stores/memory/memory-store';
import type { TokenStore } from '../stores/shared/store';
import { flag, nonNegative, positiveInteger } from './values';
import { resolveWarnings } from './warnings';

export type {
  EnrichToken,
  EnrichTokenContext,
  FindUser,
  PassportLikeStrategy,
  TokenEnrichment,
  VerifyMfa,
  VerifyMfaContext,
  VerifyUser,
  VerifyUserContext,
  VerifyUserResult,
} from './callbacks';
export type { Config } from './config';
export type { RequestLimits } from './limits';
export type { PasswordGrantOptions } from './password-grant-options';
export type { WarningOptions } from './warnings';

/** Default number of verified access tokens remembered per instance (see context/verified-cache.ts). */
export const DEFAULT_TOKEN_CACHE_SIZE = 10_000;

/** Validates `options` without changing them; throws ConfigError naming the first wrong option. */
export function resolveConfig(options: unknown): Config {
  if (!isObject(options)) fail('options', 'an object');
  assertKnownKeys(options, Object.keys(KNOWN_OPTIONS), 'options');
  const o = options as Partial<Record<keyof PasswordGrantOptions, unknown>>;
  const issuer = resolveIssuer(o.issuer);
  if (o.findClient === undefined) throw new ConfigError('ERR_EPG_MISSING_OPTION', 'options.findClient is required');
  assertFunction(o.findClient, 'options.findClient');
  // Checked in this order, so the error for several wrong options names the same one as ever.
  const audience = o.audience === undefined ? issuer : resolveAudience(o.audience, 'options.audience');
  const keyring = createKeyring(o.signingKeys);
  const config: Omit<Config, 'refreshTokenAbsoluteTTL' | 'store' | 'sessions' | 'maxSessionsPerUser'> & { readonly store: TokenStore | undefined } = {
    issuer,
    audience,
    keyring,
    findClient: o.findClient as Config['findClient'],
    verifyUser: resolveVerifyUser(o.verifyUser),
    // Only checked here; the default MemoryStore is made last (below), once nothing can throw any more: a store made
    // before a later option fails would keep a sweep timer whose clock was never resolved.
    store: checkStore(o.store),
    accessTokenTTL: positiveInteger(o.accessTokenTTL, 3600, 'options.accessTokenTTL'),
    refreshTokenTTL: positiveInteger(o.refreshTokenTTL, 1_209_600, 'options.refreshTokenTTL'),
    idTokenTTL: positiveInteger(o.idTokenTTL, 3600, 'options.idTokenTTL'),
    requireOfflineAccess: flag(o.requireOfflineAccess, false, 'options.requireOfflineAccess'),
    enrichToken: o.enrichToken === undefined ? undefined : callback<EnrichToken>(o.enrichToken, 'options.enrichToken'),
    clockTolerance: nonNegative(o.clockTolerance, 5, 'options.clockTolerance'),
    realm: o.realm === undefined ? issuer : resolveRealm(o.realm),
    checkRevocation: flag(o.checkRevocation, true, 'options.checkRevocation'),
    tokenCacheSize: o.tokenCacheSize === 0 ? 0 : positiveInteger(o.tokenCacheSize, DEFAULT_TOKEN_CACHE_SIZE, 'options.tokenCacheSize'),
    limits: resolveLimits(o.limits),
    throttle: resolveThrottle(o.throttle),
    canonicalUsername: o.canonicalUsername === undefined ? undefined : callback<Config['canonicalUsername']>(o.canonicalUsername, 'options.canonicalUsername'),
    requireTLS: flag(o.requireTLS, process.env.NODE_ENV === 'production', 'options.requireTLS'),
    verifyMfa: o.verifyMfa === undefined ? undefined : callback<VerifyMfa>(o.verifyMfa, 'options.verifyMfa'),
    mfaTokenTTL: positiveInteger(o.mfaTokenTTL, 300, 'options.mfaTokenTTL'),
    // Read at call time, never `Date.now` captured here: fake timers replace Date after construction.
    now: o.now === undefined ? () => Date.now() : callback<Clock>(o.now, 'options.now'),
    clientAssertion: resolveClientAssertionOptions(o.clientAssertion),
    dpop: resolveDpopOptions(o.dpop),
    ...resolveStandardsOptions(o, issuer),
    refreshReuseGrace: resolveReuseGrace(o.refreshReuseGrace),
    successorKey: resolveSuccessorKey(o.refreshTokenSecret, keyring),
    silencedWarnings: resolveWarnings(o.warnings),
    sessionDetails: flag(o.sessionDetails, false, 'options.sessionDetails'),
  };
  // Checked against the resolved refreshTokenTTL, hence after it.
  const refreshTokenAbsoluteTTL = resolveRefreshTokenAbsoluteTTL(o.refreshTokenAbsoluteTTL, config.refreshTokenTTL);
  // Checked against the store: a cap needs a store with sessions.
  const maxSessionsPerUser = resolveMaxSessions(config.store, o.maxSessionsPerUser);
  // The default MemoryStore shares the `now` option's clock.
  const store = config.store ?? new MemoryStore({ now: config.now });
  return { ...config, refreshTokenAbsoluteTTL, maxSessionsPerUser, store, sessions: storeSessions(store) };
}

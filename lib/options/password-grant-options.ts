// lib/options/password-grant-options.ts
// The public options of passwordGrant(), and the list of their names that unknown options are refused against.

import type { ClientAssertionOptions } from './client-assertion';
import type { DpopOptions } from './dpop';
import type { StandardsOptions } from './standards';
import type { TokenStore } from '../stores/shared/store';
import type { ThrottleOptions } from './throttle';
import type { SigningKeyOption } from './signing-keys';
import type { Client } from '../types';
import type { Clock } from '../util/clock';
import type { EnrichToken, PassportLikeStrategy, VerifyMfa, VerifyUser } from './callbacks';
import type { RequestLimits } from './limits';
import type { WarningOptions } from './warnings';

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
  /**
   * Seconds from login (`auth_time`) after which no refresh token of that grant works, however often it was
   * rotated: each rotation gets a fresh `refreshTokenTTL`, but never past this. At least `refreshTokenTTL`.
   * Default 2592000 (30 days, Auth0's default absolute lifetime), or `refreshTokenTTL` when that is longer.
   * A client's `refreshTokenAbsoluteTTL` overrides it.
   */
  readonly refreshTokenAbsoluteTTL?: number;
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
   * store read, except once per cached token every 30 s. See docs/performance.md for the propagation delay.
   */
  readonly tokenCacheSize?: number;
  readonly limits?: RequestLimits;
  /** Brute-force and credential-stuffing protection (docs/security.md); `false` turns it off. Default: on. */
  readonly throttle?: ThrottleOptions | false;
  /**
   * The one string your user lookup maps every spelling of an account to: throttling counts failed logins under it,
   * so no spelling of one account is a fresh budget of guesses. Synchronous and pure (it runs on every login attempt,
   * before `verifyUser`: never a database lookup). Default: case, width and accents folded, at least as far as
   * MySQL's and MariaDB's accent-insensitive collations (docs/security.md, T6). Set it when your table matches
   * differently: accents significant (so `jose` and `josé` are not counted as one), a tenant prefix, dots ignored in
   * e-mail addresses. A throw or anything but a non-empty string is a 500 `server_error` with an `error` event.
   * @example canonicalUsername: (username) => username.normalize('NFC').trim().toLowerCase() // case-insensitive only
   */
  readonly canonicalUsername?: (username: string) => string;
  /**
   * Refuse plain-HTTP requests to the router's endpoints with 400 invalid_request (RFC 6749 §3.2: the token
   * endpoint MUST use TLS). Uses `req.secure`, so behind a proxy set Express's `trust proxy`. The first refusal
   * warns once (code EPG_REQUIRE_TLS), naming `requireTLS: false` and `trust proxy`.
   * Default: true when NODE_ENV is 'production'.
   */
  readonly requireTLS?: boolean;
  /** Checks the second factor when verifyUser threw `loginError('mfa_required', { user })`; enables the MFA grant. */
  readonly verifyMfa?: VerifyMfa;
  /** Seconds an mfa_token stays redeemable. Default 300. */
  readonly mfaTokenTTL?: number;
  /**
   * Millisecond clock, for tests. Default: `Date.now()`, read at every call, so fake timers that replace `Date`
   * (jest `setSystemTime`, sinon, node:test mock timers) apply. The default MemoryStore reads this clock too.
   */
  readonly now?: Clock;
  /** private_key_jwt / client_secret_jwt assertion checks (RFC 7523). */
  readonly clientAssertion?: ClientAssertionOptions;
  /** DPoP (RFC 9449) at the token endpoint and in `requireToken`; `false` ignores DPoP proofs at `/token`. */
  readonly dpop?: DpopOptions | false;
  /**
   * Seconds during which a spent refresh token, presented again by its client, returns the same successor
   * (and a fresh access token) instead of revoking its family: for clients retrying after a lost response.
   * 0 (default) turns it off; at most 300. See docs/stores.md "Reuse grace".
   */
  readonly refreshReuseGrace?: number;
  /**
   * Secret (>= 32 bytes) from which successors of refresh tokens are derived when `refreshReuseGrace` is on; the
   * same on every instance. Default: derived from the first signing key (HKDF), which every instance shares anyway.
   */
  readonly refreshTokenSecret?: string | Buffer;
  /**
   * The one-time warnings (docs/events.md, "Warnings"): each has a stable code and is given at most once per instance,
   * as a `warning` event, or as a process warning (`process.emitWarning`) when nothing listens to `warning`.
   * `silence` drops the codes it lists. Default: every warning given.
   * @example warnings: { silence: ['EPG_MEMORY_STORE_CLUSTER'] }
   */
  readonly warnings?: WarningOptions;
  /**
   * At most this many sessions (logins) per user are kept; a login beyond it ends that user's least recently used
   * sessions (their refresh tokens stop, their access tokens are revoked). Needs a store that implements
   * `SessionStore` (every store of this package does). Default 100: a person's devices and browsers are a handful,
   * an account shared by a fleet of machines gets room, and a script that logs in in a loop holds at most 100
   * sessions and their refresh tokens (about 70 KB of Redis). At most 10000.
   */
  readonly maxSessionsPerUser?: number;
  /**
   * Keep, in each session record, the IP (the end user's, as the throttle sees it; a well-formed address only) and
   * User-Agent (at most 256 characters, control characters removed) of its last use, the login or its latest refresh,
   * for the app's "where am I signed in" list (`auth.listSessions`). They are personal data: kept only while this
   * option is on (a refresh without it removes what an earlier opt-in recorded, and `listSessions` shows none), only
   * in the session record, and deleted with the session (docs/sessions.md). Default false.
   */
  readonly sessionDetails?: boolean;
}

/** Every option name, as a value: the compiler keeps it complete (a missing or extra key does not type-check). */
export const KNOWN_OPTIONS: Record<keyof PasswordGrantOptions, true> = {
  issuer: true,
  audience: true,
  signingKeys: true,
  findClient: true,
  verifyUser: true,
  store: true,
  accessTokenTTL: true,
  refreshTokenTTL: true,
  refreshTokenAbsoluteTTL: true,
  idTokenTTL: true,
  requireOfflineAccess: true,
  enrichToken: true,
  clockTolerance: true,
  realm: true,
  checkRevocation: true,
  tokenCacheSize: true,
  limits: true,
  throttle: true,
  canonicalUsername: true,
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
  discovery: true,
  warnings: true,
  maxSessionsPerUser: true,
  sessionDetails: true,
};

// lib/types.ts
// Contract types shared by the app and the library: clients, users, and what a verified token gives a route.

import type { KeyObject } from 'node:crypto';

/** The parameters of a form request (application/x-www-form-urlencoded), each name once. */
export type FormParams = Readonly<Record<string, string>>;

/** The grant types a client may use. */
export type GrantType = 'password' | 'refresh_token' | 'urn:express-password-grant:params:oauth:grant-type:mfa';

/** How a client authenticates at the token endpoint (RFC 7591 names; the JWT ones from OIDC Core §9). */
export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none' | 'private_key_jwt' | 'client_secret_jwt';

/** A JSON Web Key (RFC 7517 §4) as a client registers it; only public members are used. */
export interface Jwk {
  readonly kty: string;
  readonly kid?: string;
  readonly alg?: string;
  readonly use?: string;
  readonly [member: string]: unknown;
}

/**
 * A registered client, as `findClient(clientId)` returns it: the row of your client table as it is. The library reads
 * the fields below and ignores any other (`name`, `created_at`, `owner_id`...): it neither checks nor copies them, and
 * callbacks such as `verifyUser` get a Client holding only these fields. No `secretHash` (nor `jwks`, `publicKey`,
 * `jwtSecret`) makes it a public client (auth method `none`).
 *
 * A record in RFC 7591 §2 metadata names is read too: `client_id` as `id`, `grant_types` as `grants`, `scope` (a
 * space-separated string) as `scopes`, `token_endpoint_auth_method`, `token_endpoint_auth_signing_alg`,
 * `dpop_bound_access_tokens` and `client_secret_expires_at` as the fields of the same meaning.
 *
 * Strict on what the library reads: a wrong type, a `null`, one field under both names with different values, a
 * secret field it cannot use (`secret`, `client_secret`, `password`...) on a client with no credential it can, or
 * another spelling of a field it reads (`default_scopes`) answers every request of the client with `server_error`
 * and an `error` event naming the field. A field set to `undefined` counts as absent.
 */
export interface Client {
  readonly id: string;
  /** bcrypt hash from `hashSecret()`. */
  readonly secretHash?: string;
  /**
   * The grant types this client may use. Others that some authorization server serves (RFC 6749 words such as
   * `client_credentials`, any absolute URI) may be listed, as a registry shared with another server does: a request
   * for one is `unsupported_grant_type`. A bare word that is neither (`pasword`) is reported once in an `error` event.
   */
  readonly grants: readonly (GrantType | (string & {}))[];
  /** Scopes this client may request; none when absent. */
  readonly scopes?: readonly string[];
  /** Granted when the request names no scope; default: `scopes`. */
  readonly defaultScopes?: readonly string[];
  /**
   * Restricts the client to one authentication method. Default: `private_key_jwt` with `jwks`/`publicKey`,
   * `client_secret_jwt` with `jwtSecret`, basic or post with `secretHash`, `none` otherwise.
   */
  readonly tokenEndpointAuthMethod?: ClientAuthMethod;
  /** private_key_jwt (RFC 7523 §2.2): the client's public keys as a JWK Set (RFC 7517 §5). */
  readonly jwks?: { readonly keys: readonly Jwk[] };
  /** private_key_jwt: the client's public key as PEM (SPKI) or a KeyObject, instead of `jwks`. */
  readonly publicKey?: string | KeyObject;
  /**
   * client_secret_jwt (OIDC Core §9): the shared secret the client signs its HS256/384/512 assertions with, in
   * plain form (an HMAC cannot be checked against a bcrypt hash). At least 32 bytes; keep it as you keep signing keys.
   */
  readonly jwtSecret?: string;
  /** Pins the JWS algorithm of this client's assertions (RFC 7591 `token_endpoint_auth_signing_alg`). */
  readonly tokenEndpointAuthSigningAlg?: string;
  /**
   * RFC 9449 §5.2 `dpop_bound_access_tokens`: when true, every token request of this client must carry a DPoP
   * proof, and all its tokens are bound to the proof's key.
   */
  readonly dpopBoundAccessTokens?: boolean;
  readonly accessTokenTTL?: number;
  readonly refreshTokenTTL?: number;
  /**
   * Seconds from login after which this client's refresh-token families end, however often they rotate; overrides
   * the `refreshTokenAbsoluteTTL` option. A positive integer; below the refresh TTL it also caps the first token.
   */
  readonly refreshTokenAbsoluteTTL?: number;
  /** `aud` of this client's access tokens; default: the `audience` option. */
  readonly audience?: string | readonly string[];
  /**
   * Confidential clients only, opt-in: the request header (e.g. 'x-end-user-ip') in which this backend passes the
   * IP of the end user it logs in, so brute-force throttling keys on the user's address rather than the backend's.
   * Ignored for public clients, and when the header does not hold an IP address.
   */
  readonly forwardedIpHeader?: string;
  /**
   * RFC 7591 §3.2.1 `client_secret_expires_at`: seconds since the epoch from which `secretHash` and `jwtSecret` no
   * longer authenticate the client (`invalid_client`); 0 for never, the default.
   */
  readonly clientSecretExpiresAt?: number;
}

/** What `verifyUser` returns for a good password. */
export interface User {
  readonly id: string;
  /** What this user may grant; when absent the user restricts nothing. */
  readonly scopes?: readonly string[];
  /** OpenID claims for the id_token, released by granted scope (`profile`, `email`...). */
  readonly claims?: Readonly<Record<string, unknown>>;
  /** Shown as `username` by introspection. */
  readonly username?: string;
}

/** `req.auth` after `requireToken()` or the passport strategy. */
export interface AuthInfo {
  readonly sub: string;
  readonly clientId: string;
  readonly scope: readonly string[];
  /**
   * The session (login) the token belongs to: its `sid` claim, shared by every token of one login and its refreshes.
   * What `revokeSessions(sub, { except: req.auth.sid })` keeps (docs/sessions.md). Absent on a token without `sid`.
   */
  readonly sid?: string | undefined;
  /** The full verified JWT payload. */
  readonly claims: Readonly<Record<string, unknown>>;
  readonly token: string;
}

// Inside `namespace Express`, the name AuthInfo means passport's Express.AuthInfo; this alias keeps ours.
type PasswordGrantAuthInfo = AuthInfo;

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** Set by `requireToken()` and the `oauth2-bearer` strategy. */
      auth?: PasswordGrantAuthInfo;
    }
  }
}

// lib/types.ts
// Contract types shared by the app and the library: clients, users, and what a verified token gives a route.

/** The grant types a client may use. */
export type GrantType = 'password' | 'refresh_token' | 'urn:express-password-grant:params:oauth:grant-type:mfa';

/** How a client authenticates at the token endpoint (RFC 7591 names). */
export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none';

/**
 * A registered client, as `findClient(clientId)` returns it.
 * No `secretHash` makes it a public client (auth method `none`).
 */
export interface Client {
  readonly id: string;
  /** bcrypt hash from `hashSecret()`. */
  readonly secretHash?: string;
  readonly grants: readonly GrantType[];
  /** Scopes this client may request; none when absent. */
  readonly scopes?: readonly string[];
  /** Granted when the request names no scope; default: `scopes`. */
  readonly defaultScopes?: readonly string[];
  /** Restricts the client to one authentication method; default: basic or post with a secret, none without. */
  readonly tokenEndpointAuthMethod?: ClientAuthMethod;
  readonly accessTokenTTL?: number;
  readonly refreshTokenTTL?: number;
  /** `aud` of this client's access tokens; default: the `audience` option. */
  readonly audience?: string | readonly string[];
  /**
   * Confidential clients only, opt-in: the request header (e.g. 'x-end-user-ip') in which this backend passes the
   * IP of the end user it logs in, so brute-force throttling keys on the user's address rather than the backend's.
   * Ignored for public clients, and when the header does not hold an IP address.
   */
  readonly forwardedIpHeader?: string;
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

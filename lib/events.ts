// lib/events.ts
// Audit events: their names and payloads (never secrets). Emitting them is context/emit.ts.

/** Why a login failed; internal only, never in an HTTP response. */
export type LoginFailureReason = 'unknown_user' | 'bad_password' | 'locked' | 'disabled' | 'mfa_required' | 'password_expired' | 'mfa_failed' | 'rejected';

/**
 * Why a session (one login: the refresh-token family its tokens name as `sid`) ended.
 * - `user_gone`: on a refresh, `findUser` no longer found the user (deleted, disabled).
 * - `reused`: a spent refresh token came back (RFC 9700 §4.14.2): the family is revoked as stolen.
 * - `revoked`: the client revoked one of its refresh tokens at `/revoke` (RFC 7009).
 * - `expired`: a refresh token of a family past its absolute lifetime (`refreshTokenAbsoluteTTL`) was presented; the
 *   end is noticed then, not when it passes, and only while the store still holds the record.
 * - `app`: the app's own call (`auth.revokeSession`, `auth.revokeSessions`), whose reason (if any) rides in
 *   `appReason`.
 */
export type SessionEndReason = 'user_gone' | 'reused' | 'revoked' | 'expired' | 'app';

/**
 * The stable code of each one-time warning (docs/events.md lists each with its fix).
 * - `EPG_REQUIRE_TLS`: `requireTLS` refused a plain-HTTP request.
 * - `EPG_TRUST_PROXY`: `requireTLS` refused a request a proxy Express does not trust forwarded as https.
 * - `EPG_MOUNT_PATH`: the discovery documents advertise the router under another path than it is reached at.
 * - `EPG_MIGRATE_DUE`: a SQL store's tables are missing or older than the code: `await store.migrate()` is due.
 * - `EPG_NO_DISCOVERY`: tokens are issued and `auth.discovery` was never mounted (`discovery: false` says it is meant).
 * - `EPG_BODY_PARSED_BEFORE`: an app-wide body parser runs before the router and `auth.errorHandler` is not mounted.
 * - `EPG_MEMORY_STORE_CLUSTER`: a MemoryStore in a cluster worker (node:cluster, pm2 cluster mode).
 */
export type WarningCode =
  'EPG_REQUIRE_TLS' | 'EPG_TRUST_PROXY' | 'EPG_MOUNT_PATH' | 'EPG_MIGRATE_DUE' | 'EPG_NO_DISCOVERY' | 'EPG_BODY_PARSED_BEFORE' | 'EPG_MEMORY_STORE_CLUSTER';

/** A one-time warning: its stable code and one line naming the fix (never a secret). */
export interface Warning {
  readonly code: WarningCode;
  readonly message: string;
}

/** Fields common to request events. Never a password, secret or token. */
export interface RequestEventBase {
  readonly clientId?: string;
  readonly ip?: string;
}

export interface EventMap {
  'login.succeeded': RequestEventBase & { readonly userId: string; readonly username: string };
  'login.failed': RequestEventBase & { readonly username: string; readonly reason: LoginFailureReason; readonly detail?: string };
  'token.issued': RequestEventBase & {
    readonly grantType: string;
    readonly userId: string;
    readonly jti: string;
    readonly sid: string;
    readonly scope: readonly string[];
    readonly refreshToken: boolean;
    readonly idToken: boolean;
  };
  'token.refreshed': RequestEventBase & {
    readonly userId: string;
    readonly jti: string;
    readonly sid: string;
    /** True when a spent token was retried within `refreshReuseGrace` and its successor handed out again. */
    readonly retried?: boolean;
  };
  'refresh.reused': RequestEventBase & { readonly userId: string; readonly sid: string };
  /**
   * A session ended. `sub` and `sid` name the user and the session (the `sid` of its access tokens). Every reason
   * but `expired` revoked the family: its refresh tokens and the access tokens carrying `sid` no longer work.
   */
  'session.revoked': RequestEventBase & {
    readonly sub: string;
    readonly sid: string;
    readonly reason: SessionEndReason;
    /** With `reason: 'app'` only: the reason the app gave. */
    readonly appReason?: string;
  };
  /** `auth.unlock(username)`: an administrator lifted the throttle's locks on a username. */
  'account.unlocked': RequestEventBase & { readonly username: string };
  'token.revoked': RequestEventBase & { readonly tokenType: 'access_token' | 'refresh_token'; readonly sid?: string; readonly jti?: string };
  'token.rejected': RequestEventBase & { readonly error: string; readonly detail?: string };
  throttled: RequestEventBase & { readonly key: string; readonly retryAfter: number; readonly username?: string };
  'client.failed': RequestEventBase & { readonly error: string; readonly detail?: string };
  /** A token request answered `invalid_scope`: `scope` lists the rejected scope tokens, `detail` says why. */
  'scope.rejected': RequestEventBase & { readonly grantType: string; readonly scope: readonly string[]; readonly detail: string };
  error: Error & { readonly detail?: string };
  /**
   * A misconfiguration noticed while serving, at most once per instance and code. Without a `warning` listener it is
   * written as a process warning (`process.emitWarning`, with the code) instead; `warnings.silence` drops a code.
   */
  warning: Warning;
}

export type EventName = keyof EventMap;

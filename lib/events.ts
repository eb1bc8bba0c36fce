// lib/events.ts
// Audit events: their names and payloads (never secrets). Emitting them is context/emit.ts.

/** Why a login failed; internal only, never in an HTTP response. */
export type LoginFailureReason =
  | 'unknown_user'
  | 'bad_password'
  | 'locked'
  | 'disabled'
  | 'mfa_required'
  | 'password_expired'
  | 'mfa_failed'
  | 'rejected';

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
  'token.revoked': RequestEventBase & { readonly tokenType: 'access_token' | 'refresh_token'; readonly sid?: string; readonly jti?: string };
  'token.rejected': RequestEventBase & { readonly error: string; readonly detail?: string };
  throttled: RequestEventBase & { readonly key: string; readonly retryAfter: number; readonly username?: string };
  'client.failed': RequestEventBase & { readonly error: string; readonly detail?: string };
  /** A token request answered `invalid_scope`: `scope` lists the rejected scope tokens, `detail` says why. */
  'scope.rejected': RequestEventBase & { readonly grantType: string; readonly scope: readonly string[]; readonly detail: string };
  error: Error & { readonly detail?: string };
}

export type EventName = keyof EventMap;

// example-app/audit.ts
// Writes the library's audit events as one JSON line each. The payloads carry no secrets, passwords or tokens.

import type { EventName, PasswordGrant } from 'express-password-grant';

export const EVENTS: readonly EventName[] = [
  'login.succeeded',
  'login.failed',
  'token.issued',
  'token.refreshed',
  'refresh.reused',
  'session.revoked',
  'token.revoked',
  'token.rejected',
  'client.failed',
  'throttled',
  'error',
];

/** Subscribes `log` to every audit event of `auth`. */
export function logAuditEvents(auth: PasswordGrant, log: (line: string) => void): void {
  for (const event of EVENTS) {
    auth.on(event, (payload: unknown) => log(JSON.stringify({ at: new Date().toISOString(), event, ...describe(event, payload) })));
  }
}

// The `error` event carries an OAuthError: its code, its private detail and the message of what was thrown.
function describe(event: EventName, payload: unknown): object | undefined {
  if (event !== 'error') return payload as object | undefined;
  const err = (payload ?? {}) as { error?: string; name?: string; detail?: string; cause?: unknown };
  const cause = err.cause;
  return {
    error: err.error || err.name,
    detail: err.detail,
    cause: cause instanceof Error ? `${cause.name}: ${cause.message}` : undefined,
  };
}

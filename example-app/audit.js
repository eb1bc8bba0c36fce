// example-app/audit.js
// Writes the library's audit events as one JSON line each. The payloads carry no secrets, passwords or tokens.

const EVENTS = [
  'login.succeeded',
  'login.failed',
  'token.issued',
  'token.refreshed',
  'refresh.reused',
  'token.revoked',
  'token.rejected',
  'client.failed',
  'throttled',
  'error',
];

/** Subscribes `log` to every audit event of `auth`. */
function logAuditEvents(auth, log) {
  for (const event of EVENTS) {
    auth.on(event, (payload) => log(JSON.stringify({ at: new Date().toISOString(), event, ...describe(event, payload) })));
  }
}

// The `error` event carries an OAuthError: its code, its private detail and the message of what was thrown.
function describe(event, payload) {
  if (event !== 'error') return payload;
  const cause = payload && payload.cause;
  return {
    error: payload.error || payload.name,
    detail: payload.detail,
    cause: cause instanceof Error ? `${cause.name}: ${cause.message}` : undefined,
  };
}

module.exports = { logAuditEvents, EVENTS };

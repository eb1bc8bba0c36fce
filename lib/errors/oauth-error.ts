// lib/errors/oauth-error.ts
// The one protocol error: RFC 6749 §5.2 / RFC 6750 §3.1 codes, their HTTP status, and a private detail.

/** Error codes that go on the wire, as the RFCs spell them. */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'unsupported_token_type'
  | 'invalid_dpop_proof'
  | 'use_dpop_nonce'
  | 'mfa_required'
  | 'access_denied'
  | 'slow_down'
  | 'server_error'
  | 'temporarily_unavailable';

// RFC 6749 §5.2: everything is 400 except invalid_client (401); RFC 6750 §3.1 adds 401/403.
const STATUS: Readonly<Record<OAuthErrorCode, number>> = {
  invalid_request: 400,
  invalid_client: 401,
  invalid_grant: 400,
  unauthorized_client: 400,
  unsupported_grant_type: 400,
  invalid_scope: 400,
  invalid_token: 401,
  insufficient_scope: 403,
  unsupported_token_type: 400,
  invalid_dpop_proof: 400,
  use_dpop_nonce: 400,
  mfa_required: 403,
  access_denied: 403,
  slow_down: 429,
  server_error: 500,
  temporarily_unavailable: 503,
};

const BRAND = Symbol.for('express-password-grant.OAuthError');

export interface OAuthErrorOptions {
  /** The exact reason, for events and logs only; never sent to the client. */
  readonly detail?: string;
  readonly cause?: unknown;
  /** Extra response headers (WWW-Authenticate, Retry-After...). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Overrides the status derived from the code (e.g. 413, 429, 405). */
  readonly status?: number;
  /** Extra members of the JSON body (e.g. `mfa_token`); never the standard ones. */
  readonly body?: Readonly<Record<string, unknown>>;
}

/**
 * A protocol error. `error` is the RFC code, `status`/`statusCode` the HTTP status, `detail` the private reason.
 * @example throw new OAuthError('invalid_grant', undefined, { detail: 'refresh token expired' })
 */
export class OAuthError extends Error {
  readonly error: OAuthErrorCode;
  readonly description: string | undefined;
  readonly detail: string | undefined;
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Readonly<Record<string, unknown>> | undefined;

  constructor(error: OAuthErrorCode, description?: string, options: OAuthErrorOptions = {}) {
    const text = description === undefined ? undefined : toDescription(description);
    super(text ?? error, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'OAuthError';
    this.error = error;
    this.description = text;
    this.detail = options.detail;
    this.status = options.status ?? STATUS[error];
    this.headers = options.headers ?? {};
    this.body = options.body;
  }

  get statusCode(): number {
    return this.status;
  }

  /** Express's final handler shows the message only when this is true. */
  get expose(): boolean {
    return this.status < 500;
  }

  get [BRAND](): true {
    return true;
  }

  /** The RFC 6749 §5.2 body. */
  toJSON(): Record<string, unknown> {
    const json: Record<string, unknown> = { ...this.body, error: this.error };
    if (this.description !== undefined) json.error_description = this.description;
    return json;
  }
}

// RFC 6749 §5.2: error_description = 1*( %x20-21 / %x23-5B / %x5D-7E ), printable ASCII without '"' and '\'.
const OUTSIDE_DESCRIPTION = /[^\x20\x21\x23-\x5b\x5d-\x7e]/g;

/**
 * `text` as a valid `error_description`: '"' becomes "'", '\' becomes '/', anything else outside the RFC 6749 §5.2
 * set (controls, non-ASCII) becomes '?'; undefined when nothing is left. Every OAuthError passes its description
 * through here, so neither our own wording nor an app's (`loginError(..., { description })`) can break the rule.
 */
export function toDescription(text: string): string | undefined {
  const safe = String(text).replace(/"/g, "'").replace(/\\/g, '/').replace(OUTSIDE_DESCRIPTION, '?');
  return safe === '' ? undefined : safe;
}

/** True for an OAuthError from any copy of this package (instanceof fails across copies). */
export function isOAuthError(value: unknown): value is OAuthError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}

export const invalidRequest = (description: string, detail?: string): OAuthError =>
  new OAuthError('invalid_request', description, { detail: detail ?? description });

/** Every credential failure looks the same on the wire; the reason stays in `detail`. */
export const invalidGrant = (detail: string): OAuthError =>
  new OAuthError('invalid_grant', 'The provided authorization grant is invalid, expired or revoked', { detail });

export const invalidScope = (detail: string): OAuthError =>
  new OAuthError('invalid_scope', 'The requested scope is invalid, unknown, or exceeds what the client may request', { detail });

export const serverError = (cause: unknown, detail = 'internal error'): OAuthError =>
  new OAuthError('server_error', 'The server encountered an unexpected condition', { cause, detail });

export const temporarilyUnavailable = (cause: unknown, detail = 'store unavailable'): OAuthError =>
  new OAuthError('temporarily_unavailable', 'The service is temporarily unavailable; try again shortly', {
    cause,
    detail,
    headers: { 'Retry-After': '1' },
  });

// __tests__/errors/oauth-error.test.ts
// The one protocol error: every code's HTTP status (RFC 6749 §5.2, RFC 6750 §3.1, RFC 9449), its JSON body, and
// the brand that recognises it across copies of the package.

import { isOAuthError, OAuthError, type OAuthErrorCode } from '../../lib';
import { invalidGrant, invalidRequest, invalidScope, serverError, temporarilyUnavailable } from '../../lib/errors/oauth-error';

// The status each code has on the wire, written out from the RFCs rather than copied from the code.
const EXPECTED_STATUS: Readonly<Record<OAuthErrorCode, number>> = {
  // RFC 6749 §5.2: "The authorization server responds with an HTTP 400 (Bad Request) status code" ...
  invalid_request: 400,
  // ... except invalid_client, which "MAY return an HTTP 401 (Unauthorized)" and MUST with the Authorization header.
  invalid_client: 401,
  invalid_grant: 400,
  unauthorized_client: 400,
  unsupported_grant_type: 400,
  invalid_scope: 400,
  // RFC 6750 §3.1: invalid_token "SHOULD respond with the HTTP 401", insufficient_scope "HTTP 403".
  invalid_token: 401,
  insufficient_scope: 403,
  // RFC 7009 §2.2.1: an error response as in RFC 6749 §5.2.
  unsupported_token_type: 400,
  // RFC 9449 §5 (token endpoint) and §8: 400; resources turn them into 401 challenges themselves.
  invalid_dpop_proof: 400,
  use_dpop_nonce: 400,
  mfa_required: 403,
  access_denied: 403,
  slow_down: 429,
  server_error: 500,
  temporarily_unavailable: 503,
};

describe('OAuthError status table', () => {
  it.each(Object.entries(EXPECTED_STATUS))('%s is %i', (code, status) => {
    const err = new OAuthError(code as OAuthErrorCode);
    expect(err.status).toBe(status);
    expect(err.statusCode).toBe(status);
    // Express's final handler shows the message of client errors only.
    expect(err.expose).toBe(status < 500);
  });

  it('lets an explicit status override the code (413, 405, 429 with the RFC body)', () => {
    const err = new OAuthError('invalid_request', 'Request body too large', { status: 413 });
    expect(err.status).toBe(413);
    expect(err.toJSON()).toEqual({ error: 'invalid_request', error_description: 'Request body too large' });
  });
});

describe('OAuthError body', () => {
  it('is exactly error and error_description; detail and cause never reach it', () => {
    const cause = new Error('connection refused to 10.0.0.7');
    const err = new OAuthError('invalid_grant', 'The grant is invalid', { detail: 'user alice wrong password', cause });
    expect(err.toJSON()).toEqual({ error: 'invalid_grant', error_description: 'The grant is invalid' });
    expect(JSON.stringify(err)).not.toMatch(/alice|10\.0\.0\.7/);
    expect(err.cause).toBe(cause);
    expect(err.detail).toBe('user alice wrong password');
  });

  it('omits error_description when there is none, and uses the code as the message', () => {
    const err = new OAuthError('invalid_scope');
    expect(err.toJSON()).toEqual({ error: 'invalid_scope' });
    expect(err.message).toBe('invalid_scope');
  });

  it('adds extra members but never lets them replace the standard ones', () => {
    const err = new OAuthError('mfa_required', 'MFA', { body: { mfa_token: 't', error: 'forged', error_description: 'forged' } });
    expect(err.toJSON()).toEqual({ mfa_token: 't', error: 'mfa_required', error_description: 'MFA' });
  });

  it('carries response headers, none by default', () => {
    expect(new OAuthError('invalid_request').headers).toEqual({});
    expect(new OAuthError('slow_down', undefined, { headers: { 'Retry-After': '3' } }).headers).toEqual({ 'Retry-After': '3' });
  });
});

describe('isOAuthError', () => {
  it('recognises an OAuthError from another copy of the package by its brand, and nothing else', () => {
    const brand = Symbol.for('express-password-grant.OAuthError');
    const fromOtherCopy = { [brand]: true };
    expect(isOAuthError(new OAuthError('invalid_request'))).toBe(true);
    expect(isOAuthError(fromOtherCopy)).toBe(true);
    for (const value of [new Error('x'), { error: 'invalid_request', status: 400 }, null, undefined, 'invalid_request', 400]) {
      expect(isOAuthError(value)).toBe(false);
    }
  });
});

describe('error builders', () => {
  it('give every credential failure the same wire form, keeping the reason in detail', () => {
    const a = invalidGrant('unknown user');
    const b = invalidGrant('wrong password');
    expect(a.toJSON()).toEqual(b.toJSON());
    expect([a.status, a.detail, b.detail]).toEqual([400, 'unknown user', 'wrong password']);
  });

  it('use the description as detail when none is given (invalid_request)', () => {
    expect(invalidRequest('Missing grant_type')).toMatchObject({ error: 'invalid_request', description: 'Missing grant_type', detail: 'Missing grant_type' });
    expect(invalidRequest('Bad', 'why')).toMatchObject({ detail: 'why' });
  });

  it('map invalid_scope, server_error and temporarily_unavailable to 400, 500 and 503 with Retry-After', () => {
    expect(invalidScope('x').status).toBe(400);
    const cause = new Error('boom');
    expect(serverError(cause)).toMatchObject({ status: 500, cause, detail: 'internal error' });
    expect(temporarilyUnavailable(cause)).toMatchObject({ status: 503, cause, headers: { 'Retry-After': '1' } });
  });
});

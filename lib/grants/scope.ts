// lib/grants/scope.ts
// Scope strings <-> lists, and the grant rule: client limits requests, the user's limits drop what they lack.

import { invalidScope, type OAuthError } from '../errors/oauth-error';
import type { RefreshTokenRecord } from '../stores/shared/refresh-token-store';
import type { Client, User } from '../types';

const REJECTED = Symbol('rejected scope');

/** An invalid_scope error that remembers which scope tokens it rejected, for the `scope.rejected` event. */
export function scopeRejected(reason: string, rejected: readonly string[]): OAuthError {
  return Object.assign(invalidScope(`${reason}: ${rejected.join(' ')}`), { [REJECTED]: [...rejected] });
}

/** The scope tokens an error from scopeRejected() rejected; undefined for any other error. */
export function rejectedScope(err: unknown): readonly string[] | undefined {
  return typeof err === 'object' && err !== null ? (err as { [REJECTED]?: readonly string[] })[REJECTED] : undefined;
}

// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ), delimited by spaces.
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/** Scopes every user may grant; they carry no resource access of their own. */
const PROTOCOL_SCOPES = new Set(['openid', 'offline_access']);

export function parseScope(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const tokens = value.split(' ').filter((t) => t !== '');
  const malformed = tokens.filter((t) => !SCOPE_TOKEN.test(t));
  if (malformed.length > 0) throw scopeRejected('scope has characters outside RFC 6749 §3.3', malformed);
  return [...new Set(tokens)];
}

export const formatScope = (scope: readonly string[]): string => scope.join(' ');

/** RFC 6749 §3.3: an empty request gets the client's default; a scope the client may not have is invalid_scope. */
export function requestedScope(client: Client, requested: string[] | undefined): string[] {
  const allowed = client.scopes ?? [];
  if (requested === undefined) return [...(client.defaultScopes ?? allowed)];
  const refused = requested.filter((s) => !allowed.includes(s));
  if (refused.length > 0) throw scopeRejected('client may not request', refused);
  return requested;
}

/** The user's own limits narrow the grant silently; the response's `scope` says what was granted. */
export function grantableScope(scope: readonly string[], user: User): string[] {
  if (user.scopes === undefined) return [...scope];
  const own = user.scopes;
  return scope.filter((s) => PROTOCOL_SCOPES.has(s) || own.includes(s));
}

/**
 * RFC 6749 §6: the new refresh token keeps the original scope; the access token may be narrowed, never widened.
 * The client's current registration still applies, so a scope since withdrawn from it is dropped.
 */
export function narrowedScope(record: RefreshTokenRecord, client: Client, requested: string[] | undefined): string[] {
  const original = record.scope;
  if (requested !== undefined) {
    const wider = requested.filter((s) => !original.includes(s));
    if (wider.length > 0) throw scopeRejected('refresh may not widen the scope', wider);
  }
  const allowed = client.scopes ?? [];
  return (requested ?? [...original]).filter((s) => allowed.includes(s));
}

// lib/users/read-user.ts
// Reads the fields the library uses from a user record the app returned, checking each; nothing else is copied.

import { serverError } from '../errors/oauth-error';
import type { User } from '../types';
import { isObject } from '../util/assert';

/**
 * A fresh User holding `id` (or `sub`; a number is taken as its decimal string), `scopes`, `claims` and `username`,
 * each checked when present (`null` counts as absent: a database row's empty column). The record may carry anything
 * else (a passport-local strategy hands over the app's own row, password hash included): it is neither checked nor
 * copied, so it never reaches a token, the store or an event. A wrong type in a field we read is a server_error
 * whose detail names `source` and the field.
 * @example const user = readUser(await verifyUser(...), 'verifyUser');
 */
export function readUser(value: unknown, source: string): User {
  if (!isObject(value)) throw invalid(`${source} must return a user object, null or false`);
  const id = value.id ?? value.sub;
  if (!((typeof id === 'string' && id !== '') || (typeof id === 'number' && Number.isFinite(id)))) {
    throw invalid(`${source} returned a user without a usable id (a non-empty string)`);
  }
  const user: { id: string; scopes?: string[]; claims?: Record<string, unknown>; username?: string } = { id: String(id) };
  const { scopes, claims, username } = value;
  if (scopes !== undefined && scopes !== null) {
    if (!Array.isArray(scopes)) throw invalid(`${source} returned a user whose scopes is not an array of strings`);
    const bad = scopes.findIndex((s) => typeof s !== 'string');
    if (bad !== -1) throw invalid(`${source} returned a user whose scopes[${bad}] is not a string`);
    user.scopes = [...(scopes as string[])];
  }
  if (claims !== undefined && claims !== null) {
    if (!isObject(claims)) throw invalid(`${source} returned a user whose claims is not an object`);
    user.claims = claims;
  }
  if (username !== undefined && username !== null) {
    if (typeof username !== 'string') throw invalid(`${source} returned a user whose username is not a string`);
    user.username = username;
  }
  return user;
}

function invalid(message: string) {
  // The sentence is the detail; no cause that would only say it again (with a stack inside this library).
  return serverError(undefined, message);
}

// __tests__/grants/scope.test.ts
// Scope strings and the grant rule (RFC 6749 §3.3): the client limits what may be requested, the user's own limits
// narrow what is granted, protocol scopes pass.

import type { Client, User } from '../../lib';
import { isOAuthError } from '../../lib';
import { formatScope, grantableScope, parseScope, rejectedScope, requestedScope } from '../../lib/grants/scope';

const client = (scopes?: string[], defaultScopes?: string[]): Client => ({ id: 'c', grants: ['password'], scopes, defaultScopes });

function scopeError(run: () => unknown): { error: string; detail?: string } {
  try {
    run();
  } catch (err) {
    if (isOAuthError(err)) return { error: err.error, detail: err.detail };
    throw err;
  }
  throw new Error('no error thrown');
}

describe('parseScope', () => {
  it('is undefined for an absent scope, and a list without empties or repeats otherwise', () => {
    expect(parseScope(undefined)).toBeUndefined();
    expect(parseScope('')).toEqual([]);
    expect(parseScope('  openid  profile openid ')).toEqual(['openid', 'profile']);
  });

  it('accepts every RFC 6749 §3.3 scope-token character: %x21 / %x23-5B / %x5D-7E', () => {
    const all =
      String.fromCharCode(0x21) +
      Array.from({ length: 0x5b - 0x23 + 1 }, (_, i) => String.fromCharCode(0x23 + i)).join('') +
      Array.from({ length: 0x7e - 0x5d + 1 }, (_, i) => String.fromCharCode(0x5d + i)).join('');
    expect(parseScope(all)).toEqual([all]);
  });

  it.each([
    ['a double quote', 'a"b'],
    ['a backslash', 'a\\b'],
    ['a tab', 'a\tb'],
    ['a non-ASCII letter', 'prófile'],
    ['a control character', 'a\u0000'],
  ])('refuses %s with invalid_scope', (_name, value) => {
    let thrown: unknown;
    try {
      parseScope(`openid ${value}`);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toMatchObject({ error: 'invalid_scope', detail: `scope has characters outside RFC 6749 §3.3: ${value}` });
    // Only the malformed token is named, for the scope.rejected event.
    expect(rejectedScope(thrown)).toEqual([value]);
  });
});

describe('formatScope', () => {
  it('joins with single spaces, the inverse of parseScope', () => {
    expect(formatScope(['openid', 'orders'])).toBe('openid orders');
    expect(parseScope(formatScope(['a', 'b']))).toEqual(['a', 'b']);
    expect(formatScope([])).toBe('');
  });
});

describe('requestedScope', () => {
  it('gives an empty request the client default, else every scope the client has', () => {
    expect(requestedScope(client(['a', 'b'], ['a']), undefined)).toEqual(['a']);
    expect(requestedScope(client(['a', 'b']), undefined)).toEqual(['a', 'b']);
    expect(requestedScope(client(), undefined)).toEqual([]);
  });

  it('passes a request within the client registration and refuses one beyond it, naming the refused scopes', () => {
    expect(requestedScope(client(['a', 'b']), ['b'])).toEqual(['b']);
    expect(scopeError(() => requestedScope(client(['a']), ['a', 'x', 'y']))).toEqual({ error: 'invalid_scope', detail: 'client may not request: x y' });
    expect(scopeError(() => requestedScope(client(), ['a']))).toMatchObject({ error: 'invalid_scope' });
  });
});

describe('grantableScope', () => {
  const user = (scopes?: string[]): User => ({ id: 'u', scopes });

  it('grants everything requested to a user without limits', () => {
    expect(grantableScope(['orders', 'admin'], user())).toEqual(['orders', 'admin']);
  });

  it('drops what the user lacks, silently, but always keeps openid and offline_access', () => {
    expect(grantableScope(['openid', 'offline_access', 'orders', 'admin'], user(['orders']))).toEqual(['openid', 'offline_access', 'orders']);
    expect(grantableScope(['admin'], user([]))).toEqual([]);
  });
});

// __tests__/util/did-you-mean.test.ts
// The suggestion a ConfigError for an unknown option key carries: close names only, bounded cost.

import { didYouMean } from '../../lib/util/did-you-mean';

const KNOWN = ['accessTokenTTL', 'refreshTokenTTL', 'idTokenTTL', 'now', 'prefix', 'tablePrefix', 'bodyBytes'];

describe('didYouMean', () => {
  it.each([
    ['a slip of case', 'accesstokenttl', 'accessTokenTTL'],
    ['snake case', 'refresh_token_ttl', 'refreshTokenTTL'],
    ['one letter missing', 'accesTokenTTL', 'accessTokenTTL'],
    ['two letters swapped', 'idTokneTTL', 'idTokenTTL'],
    ['the nearest of two close names', 'prefx', 'prefix'],
    ['the one known name holding it whole', 'body', 'bodyBytes'],
  ])('suggests for %s', (_case, name, meant) => {
    expect(didYouMean(name, KNOWN)).toBe(meant);
  });

  it.each([
    ['an unrelated name', 'colour'],
    ['a short name more than a third away', 'ttl'],
    ['a part of several known names', 'Token'],
    ['a name past 64 characters', `accessTokenTTL${'x'.repeat(60)}`],
  ])('suggests nothing for %s', (_case, name) => {
    expect(didYouMean(name, KNOWN)).toBeUndefined();
  });
});

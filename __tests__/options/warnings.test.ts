// __tests__/options/warnings.test.ts
// The `warnings` and `discovery` options are checked at construction like every other: a ConfigError naming the field.

import { ConfigError, passwordGrant, type PasswordGrantOptions } from '../../lib';
import { rsaPem } from '../helpers/keys';

const build = (overrides: Record<string, unknown>): unknown =>
  passwordGrant({
    issuer: 'https://auth.example.com',
    signingKeys: { kid: 'k1', alg: 'RS256', key: rsaPem() },
    findClient: () => null,
    verifyUser: () => null,
    ...overrides,
  } as unknown as PasswordGrantOptions);

const CODES =
  'EPG_REQUIRE_TLS, EPG_TRUST_PROXY, EPG_MOUNT_PATH, EPG_MIGRATE_DUE, EPG_NO_DISCOVERY, EPG_BODY_PARSED_BEFORE, EPG_MEMORY_STORE_CLUSTER';

describe('options.warnings and options.discovery', () => {
  it.each([
    ['warnings not an object', { warnings: ['EPG_NO_DISCOVERY'] }, 'ERR_EPG_INVALID_OPTION', 'options.warnings must be an object { silence? }'],
    ['a misspelt member', { warnings: { silent: [] } }, 'ERR_EPG_UNKNOWN_OPTION', 'options.warnings.silent is not a known option; did you mean silence?'],
    ['silence not an array', { warnings: { silence: 'EPG_NO_DISCOVERY' } }, 'ERR_EPG_INVALID_OPTION', 'options.warnings.silence must be an array of warning codes'],
    ['a misspelt code', { warnings: { silence: ['EPG_MOUNT_PATH', 'EPG_NO_DISCOVRY'] } }, 'ERR_EPG_INVALID_OPTION', 'options.warnings.silence[1] is not a warning code; did you mean EPG_NO_DISCOVERY?'],
    ['a code without its prefix', { warnings: { silence: ['MIGRATE_DUE'] } }, 'ERR_EPG_INVALID_OPTION', 'options.warnings.silence[0] is not a warning code; did you mean EPG_MIGRATE_DUE?'],
    ['an unknown code', { warnings: { silence: ['EPG_EVERYTHING'] } }, 'ERR_EPG_INVALID_OPTION', `options.warnings.silence[0] must be one of ${CODES}`],
    ['a code that is not a string', { warnings: { silence: [7] } }, 'ERR_EPG_INVALID_OPTION', `options.warnings.silence[0] must be one of ${CODES}`],
    ['discovery not a boolean', { discovery: 'off' }, 'ERR_EPG_INVALID_OPTION', 'options.discovery must be a boolean'],
  ])('rejects %s', (_name, overrides, code, message) => {
    let thrown: unknown;
    try {
      build(overrides);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect(thrown).toMatchObject({ code, message });
  });

  it.each([[{ warnings: {} }], [{ warnings: { silence: [] } }], [{ warnings: { silence: ['EPG_NO_DISCOVERY', 'EPG_MOUNT_PATH'] } }], [{ discovery: false }]])(
    'accepts %j',
    (overrides) => {
      expect(() => build(overrides)).not.toThrow();
    },
  );
});

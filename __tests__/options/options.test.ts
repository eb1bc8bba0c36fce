// Options are checked once, at construction, with errors that name the option (lib/options/).
import { generateKeyPairSync } from 'node:crypto';
import { passwordGrant, ConfigError, MemoryStore, PostgresStore, RedisStore, SqliteStore, type PasswordGrantOptions } from '../../lib';
import { rsaPem, ecPem } from '../helpers/keys';

const base = (): Record<string, unknown> => ({
  issuer: 'https://auth.example.com',
  signingKeys: { kid: 'k1', alg: 'RS256', key: rsaPem() },
  findClient: () => null,
  verifyUser: () => null,
});

/** A store with every MemoryStore method but `missing`, as a plain object (checked by its methods, not its class). */
const withoutMethods = (missing: readonly string[]): Record<string, unknown> => {
  const store = new MemoryStore();
  const methods: Record<string, unknown> = {};
  for (const name of Object.getOwnPropertyNames(MemoryStore.prototype)) {
    const method = (store as unknown as Record<string, unknown>)[name];
    if (name !== 'constructor' && typeof method === 'function' && !missing.includes(name)) methods[name] = method.bind(store);
  }
  return methods;
};

const WARNING_CODES = 'EPG_REQUIRE_TLS, EPG_TRUST_PROXY, EPG_MOUNT_PATH, EPG_MIGRATE_DUE, EPG_NO_DISCOVERY, EPG_BODY_PARSED_BEFORE, EPG_MEMORY_STORE_CLUSTER';

const build = (overrides: Record<string, unknown>): unknown => passwordGrant({ ...base(), ...overrides } as unknown as PasswordGrantOptions);

describe('passwordGrant options', () => {
  it.each([
    ['missing issuer', { issuer: undefined }, 'ERR_EPG_MISSING_OPTION', 'options.issuer is required'],
    ['non-URL issuer', { issuer: 'auth' }, 'ERR_EPG_INVALID_OPTION', 'options.issuer must be an absolute URL'],
    [
      'http issuer off localhost',
      { issuer: 'http://auth.example.com' },
      'ERR_EPG_INVALID_OPTION',
      'options.issuer must be an https URL (http is allowed for localhost only)',
    ],
    [
      'issuer with query',
      { issuer: 'https://a.example.com/?x=1' },
      'ERR_EPG_INVALID_OPTION',
      'options.issuer must be a URL without query or fragment (RFC 8414 §2)',
    ],
    [
      'missing signingKeys',
      { signingKeys: undefined },
      'ERR_EPG_MISSING_OPTION',
      'options.signingKeys is required: `npx express-password-grant keys` writes a signing key and prints the signingKeys line that loads it',
    ],
    [
      'unknown alg',
      { signingKeys: { kid: 'k', alg: 'none', key: 'x' } },
      'ERR_EPG_UNSUPPORTED_ALG',
      'options.signingKeys.alg must be one of RS256, PS256, ES256, HS256',
    ],
    [
      'weak HS256 secret',
      { signingKeys: { kid: 'k', alg: 'HS256', key: 'short secret' } },
      'ERR_EPG_WEAK_KEY',
      'options.signingKeys.key must be at least 32 bytes for HS256 (RFC 7518 §3.2)',
    ],
    [
      'RSA under 2048 bits',
      { signingKeys: { kid: 'k', alg: 'RS256', key: generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey } },
      'ERR_EPG_WEAK_KEY',
      'options.signingKeys.key must be an RSA key of at least 2048 bits (RFC 7518 §3.3)',
    ],
    [
      'EC key for RS256',
      { signingKeys: { kid: 'k', alg: 'RS256', key: ecPem() } },
      'ERR_EPG_INVALID_OPTION',
      'options.signingKeys.key must be an RSA key for RS256',
    ],
    [
      'RSA key for ES256',
      { signingKeys: { kid: 'k', alg: 'ES256', key: rsaPem() } },
      'ERR_EPG_INVALID_OPTION',
      'options.signingKeys.key must be a P-256 EC key for ES256',
    ],
    [
      'garbage PEM',
      { signingKeys: { kid: 'k', alg: 'RS256', key: '-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----' } },
      'ERR_EPG_INVALID_OPTION',
      'options.signingKeys.key must be a valid PEM key',
    ],
    [
      'duplicate kid',
      {
        signingKeys: [
          { kid: 'k', alg: 'RS256', key: rsaPem() },
          { kid: 'k', alg: 'ES256', key: ecPem() },
        ],
      },
      'ERR_EPG_INVALID_OPTION',
      'options.signingKeys must be unique by kid (duplicate "k")',
    ],
    ['empty key list', { signingKeys: [] }, 'ERR_EPG_INVALID_OPTION', 'options.signingKeys must be a key or a non-empty array of keys'],
    ['missing findClient', { findClient: undefined }, 'ERR_EPG_MISSING_OPTION', 'options.findClient is required'],
    ['findClient not a function', { findClient: {} }, 'ERR_EPG_INVALID_OPTION', 'options.findClient must be a function'],
    ['missing verifyUser', { verifyUser: undefined }, 'ERR_EPG_MISSING_OPTION', 'options.verifyUser is required'],
    [
      'verifyUser neither function nor strategy',
      { verifyUser: 'alice' },
      'ERR_EPG_INVALID_OPTION',
      'options.verifyUser must be a function or a passport-local Strategy instance',
    ],
    ['misspelt option', { accesTokenTTL: 60 }, 'ERR_EPG_UNKNOWN_OPTION', 'options.accesTokenTTL is not a known option; did you mean accessTokenTTL?'],
    ['negative TTL', { accessTokenTTL: -1 }, 'ERR_EPG_INVALID_OPTION', 'options.accessTokenTTL must be a positive integer'],
    ['fractional TTL', { refreshTokenTTL: 1.5 }, 'ERR_EPG_INVALID_OPTION', 'options.refreshTokenTTL must be a positive integer'],
    ['empty audience', { audience: [] }, 'ERR_EPG_INVALID_OPTION', 'options.audience must be a non-empty string or array of strings'],
    [
      'store without methods',
      { store: { get() {} } },
      'ERR_EPG_INVALID_STORE',
      expect.stringContaining('options.store must implement TokenStore (missing: saveRefreshToken'),
    ],
    [
      'store lacking one concern',
      { store: withoutMethods(['hitBelow', 'release']) },
      'ERR_EPG_INVALID_STORE',
      'options.store must implement TokenStore (missing: hitBelow, release of CounterStore)',
    ],
    [
      'store lacking two concerns',
      { store: withoutMethods(['take', 'revokeFamily']) },
      'ERR_EPG_INVALID_STORE',
      'options.store must implement TokenStore (missing: revokeFamily of RevocationStore; take of OneShotStore)',
    ],
    ['unknown limit', { limits: { body: 10 } }, 'ERR_EPG_UNKNOWN_OPTION', 'options.limits.body is not a known option; did you mean bodyBytes?'],
    ['non-boolean flag', { requireOfflineAccess: 'yes' }, 'ERR_EPG_INVALID_OPTION', 'options.requireOfflineAccess must be a boolean'],
    ['canonicalUsername not a function', { canonicalUsername: 'lower' }, 'ERR_EPG_INVALID_OPTION', 'options.canonicalUsername must be a function'],
    ['discovery not a boolean', { discovery: 'off' }, 'ERR_EPG_INVALID_OPTION', 'options.discovery must be a boolean'],
    ['warnings not an object', { warnings: ['EPG_NO_DISCOVERY'] }, 'ERR_EPG_INVALID_OPTION', 'options.warnings must be an object { silence? }'],
    [
      'a misspelt member of warnings',
      { warnings: { silent: [] } },
      'ERR_EPG_UNKNOWN_OPTION',
      'options.warnings.silent is not a known option; did you mean silence?',
    ],
    [
      'warnings.silence not an array',
      { warnings: { silence: 'EPG_NO_DISCOVERY' } },
      'ERR_EPG_INVALID_OPTION',
      'options.warnings.silence must be an array of warning codes',
    ],
    [
      'a misspelt warning code',
      { warnings: { silence: ['EPG_MOUNT_PATH', 'EPG_NO_DISCOVRY'] } },
      'ERR_EPG_INVALID_OPTION',
      'options.warnings.silence[1] is not a warning code; did you mean EPG_NO_DISCOVERY?',
    ],
    [
      'a warning code without its prefix',
      { warnings: { silence: ['MIGRATE_DUE'] } },
      'ERR_EPG_INVALID_OPTION',
      'options.warnings.silence[0] is not a warning code; did you mean EPG_MIGRATE_DUE?',
    ],
    [
      'an unknown warning code',
      { warnings: { silence: ['EPG_EVERYTHING'] } },
      'ERR_EPG_INVALID_OPTION',
      `options.warnings.silence[0] must be one of ${WARNING_CODES}`,
    ],
    [
      'a warning code that is not a string',
      { warnings: { silence: [7] } },
      'ERR_EPG_INVALID_OPTION',
      `options.warnings.silence[0] must be one of ${WARNING_CODES}`,
    ],
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

  it('accepts every supported key type', () => {
    const { privateKey: pss } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    expect(() =>
      build({
        signingKeys: [
          { kid: 'rs', alg: 'RS256', key: rsaPem() },
          { kid: 'ps', alg: 'PS256', key: pss },
          { kid: 'es', alg: 'ES256', key: ecPem() },
          { kid: 'hs', alg: 'HS256', key: 'x'.repeat(32) },
        ],
      }),
    ).not.toThrow();
  });

  it.each([[{ warnings: {} }], [{ warnings: { silence: [] } }], [{ warnings: { silence: ['EPG_NO_DISCOVERY', 'EPG_MOUNT_PATH'] } }], [{ discovery: false }]])(
    'accepts %j',
    (overrides) => {
      expect(() => build(overrides)).not.toThrow();
    },
  );

  it('leaves the options object unmodified', () => {
    const options = { ...base(), store: new MemoryStore(), limits: { bodyBytes: 1000 } };
    const before = { ...options, limits: { ...options.limits } };
    build(options);
    expect(options).toEqual(before);
  });

  it('rejects a first key that cannot sign', () => {
    const publicPem = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' });
    expect(() => build({ signingKeys: { kid: 'k', alg: 'RS256', key: publicPem } })).toThrow(
      'options.signingKeys[0].key must be a private key (the first key signs)',
    );
  });
});

describe('one check for every nested option object', () => {
  it.each([
    ['options', { colour: 1 }, 'options.colour is not a known option'],
    ['options.limits', { limits: { colour: 1 } }, 'options.limits.colour is not a known option'],
    ['options.throttle', { throttle: { colour: 1 } }, 'options.throttle.colour is not a known option'],
    ['options.throttle.ip', { throttle: { ip: { max: 3, colour: 1 } } }, 'options.throttle.ip.colour is not a known option'],
    ['options.dpop', { dpop: { colour: 1 } }, 'options.dpop.colour is not a known option'],
    ['options.dpop.nonce', { dpop: { nonce: { colour: 1 } } }, 'options.dpop.nonce.colour is not a known option'],
    ['options.clientAssertion', { clientAssertion: { colour: 1 } }, 'options.clientAssertion.colour is not a known option'],
  ])('refuses a misspelt member of %s', (_path, overrides, message) => {
    expect(() => build(overrides)).toThrow(expect.objectContaining({ code: 'ERR_EPG_UNKNOWN_OPTION', message }));
  });

  // Each place that refuses unknown keys names the key it most likely meant: a slip of case, `_`, up to two letters,
  // or a name the misspelt one is part of.
  it.each([
    ['options', () => build({ accesTokenTTL: 60 }), 'options.accesTokenTTL is not a known option; did you mean accessTokenTTL?'],
    ['options', () => build({ access_token_ttl: 60 }), 'options.access_token_ttl is not a known option; did you mean accessTokenTTL?'],
    ['options.limits', () => build({ limits: { bodybytes: 10 } }), 'options.limits.bodybytes is not a known option; did you mean bodyBytes?'],
    ['options.throttle', () => build({ throttle: { usernameIP: {} } }), 'options.throttle.usernameIP is not a known option; did you mean usernameIp?'],
    ['options.throttle.ip', () => build({ throttle: { ip: { maxx: 3 } } }), 'options.throttle.ip.maxx is not a known option; did you mean max?'],
    ['options.dpop', () => build({ dpop: { nonces: true } }), 'options.dpop.nonces is not a known option; did you mean nonce?'],
    ['options.dpop.nonce', () => build({ dpop: { nonce: { lifetme: 60 } } }), 'options.dpop.nonce.lifetme is not a known option; did you mean lifetime?'],
    [
      'options.clientAssertion',
      () => build({ clientAssertion: { audience: ['x'] } }),
      'options.clientAssertion.audience is not a known option; did you mean audiences?',
    ],
    [
      'MemoryStore',
      () => new MemoryStore({ sweepInterval: 1000 } as never),
      'MemoryStore: options.sweepInterval is not a known option; did you mean sweepIntervalMs?',
    ],
    ['RedisStore', () => new RedisStore({ client: {}, prefx: 'app:' } as never), 'RedisStore: options.prefx is not a known option; did you mean prefix?'],
    [
      'PostgresStore',
      () => new PostgresStore({ pool: {}, shema: 'auth' } as never),
      'PostgresStore: options.shema is not a known option; did you mean schema?',
    ],
    [
      'SqliteStore',
      () => new SqliteStore({ database: {}, prefix: 'auth_' } as never),
      'SqliteStore: options.prefix is not a known option; did you mean tablePrefix?',
    ],
  ])('suggests the known name for a misspelt member of %s', (_where, construct, message) => {
    expect(construct).toThrow(expect.objectContaining({ code: 'ERR_EPG_UNKNOWN_OPTION', message }));
  });

  it.each([
    ['options.issuer', { issuer: 'http://auth.example.com' }],
    ['options.endpointsBaseUrl', { endpointsBaseUrl: 'http://auth.example.com/oauth2' }],
  ])('%s must be https, except on a loopback host', (path, overrides) => {
    expect(() => build(overrides)).toThrow(`${path} must be an https URL (http is allowed for localhost only)`);
    const loopback = Object.fromEntries(Object.entries(overrides).map(([k, v]) => [k, v.replace('auth.example.com', '127.0.0.1:3000')]));
    expect(() => build(path === 'options.issuer' ? loopback : { ...loopback, issuer: 'http://localhost' })).not.toThrow();
  });

  it.each([
    ['options.refreshTokenSecret', { refreshTokenSecret: 'x'.repeat(31) }],
    ['options.dpop.nonce.secret', { dpop: { nonce: { secret: Buffer.alloc(31) } } }],
  ])('%s must be at least 32 bytes', (path, overrides) => {
    expect(() => build(overrides)).toThrow(expect.objectContaining({ code: 'ERR_EPG_WEAK_KEY', message: `${path} must be at least 32 bytes` }));
  });
});

describe('a construction that fails leaves nothing running', () => {
  afterEach(() => jest.useRealTimers());

  it('creates no default MemoryStore (and no sweep timer) when a later option is wrong', () => {
    // Before: the default MemoryStore was made first; its sweep timer later read a clock that was never resolved
    // and threw a ReferenceError from a timer, which crashes an app that caught the ConfigError and went on.
    jest.useFakeTimers();
    expect(() => build({ mfaTokenTTL: -1 })).toThrow(ConfigError);
    expect(jest.getTimerCount()).toBe(0);
    expect(() => jest.advanceTimersByTime(120_000)).not.toThrow();
  });
});

// lib/client-auth/client-fields.ts
// One check per field of Client, the compiler keeping the list complete: what the library reads, and of which type.

import { KeyObject } from 'node:crypto';
import { ASYMMETRIC_ALGORITHMS, HMAC_ALGORITHMS } from '../jose/algorithms';
import type { Client, ClientAuthMethod } from '../types';
import { isObject } from '../util/assert';

/** What is wrong with a field's value, as the end of "a client whose <field> ..."; undefined when it is fine. */
export type Check = (value: unknown, field: string) => string | undefined;

const AUTH_METHODS: Readonly<Record<ClientAuthMethod, true>> = {
  client_secret_basic: true,
  client_secret_post: true,
  none: true,
  private_key_jwt: true,
  client_secret_jwt: true,
};

const ASSERTION_ALGS: readonly string[] = [...ASYMMETRIC_ALGORITHMS, ...HMAC_ALGORITHMS];

// bcrypt's modular crypt format, as hashSecret() writes it: $2b$<cost>$<22 salt + 31 hash chars>.
const BCRYPT_HASH = /^\$2[abxy]\$(0[4-9]|[12]\d|3[01])\$[./A-Za-z0-9]{53}$/;
// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ).
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;
// RFC 9110 §5.1: field-name = token.
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

const nonEmptyString: Check = (v, f) => (typeof v === 'string' && v !== '' ? undefined : `${f} is not a non-empty string`);
const positiveInteger: Check = (v, f) => (typeof v === 'number' && Number.isSafeInteger(v) && v > 0 ? undefined : `${f} is not a positive integer (seconds)`);
// Any string: whether it names a grant type is told apart below, as a bare word is no reason to refuse the others.
const grantType: Check = (v, f) => (typeof v === 'string' && v !== '' ? undefined : `${f} is not a grant type (a non-empty string)`);
const oneOf =
  (allowed: Readonly<Record<string, true>> | readonly string[], what: string): Check =>
  (v, f) => {
    const known = Array.isArray(allowed) ? allowed.includes(v) : Object.prototype.hasOwnProperty.call(allowed, v as string);
    return typeof v === 'string' && known ? undefined : `${f} is not ${what}`;
  };
const listOf =
  (item: Check): Check =>
  (v, f) => {
    if (!Array.isArray(v)) return `${f} is not an array`;
    for (let i = 0; i < v.length; i += 1) {
      const problem = item(v[i], `${f}[${i}]`);
      if (problem !== undefined) return problem;
    }
    return undefined;
  };
const scopeToken: Check = (v, f) =>
  typeof v === 'string' && SCOPE_TOKEN.test(v) ? undefined : `${f} is not a scope token (RFC 6749 §3.3: no spaces, quotes or backslashes)`;

const jwks: Check = (v, f) => {
  if (!isObject(v) || !Array.isArray(v.keys)) return `${f} is not a JWK Set ({ keys: [...] })`;
  return listOf((k, kf) => (isObject(k) && typeof k.kty === 'string' ? undefined : `${kf} is not a JWK (an object with kty)`))(v.keys, `${f}.keys`);
};

/** One check per Client field; `Record<keyof Client, …>` makes the compiler flag a field added to the type but not here. */
export const FIELDS: { readonly [K in keyof Client]-?: Check } = {
  id: nonEmptyString,
  secretHash: (v, f) => (typeof v === 'string' && BCRYPT_HASH.test(v) ? undefined : `${f} is not a bcrypt hash (store what hashSecret() returns)`),
  grants: listOf(grantType),
  scopes: listOf(scopeToken),
  defaultScopes: listOf(scopeToken),
  tokenEndpointAuthMethod: oneOf(AUTH_METHODS, 'a known client authentication method'),
  jwks,
  publicKey: (v, f) => ((typeof v === 'string' && v !== '') || v instanceof KeyObject ? undefined : `${f} is not a PEM string or a KeyObject`),
  jwtSecret: (v, f) => (typeof v === 'string' && Buffer.byteLength(v) >= 32 ? undefined : `${f} is not a string of at least 32 bytes`),
  tokenEndpointAuthSigningAlg: oneOf(ASSERTION_ALGS, `one of ${ASSERTION_ALGS.join(', ')}`),
  dpopBoundAccessTokens: (v, f) => (typeof v === 'boolean' ? undefined : `${f} is not a boolean`),
  accessTokenTTL: positiveInteger,
  refreshTokenTTL: positiveInteger,
  refreshTokenAbsoluteTTL: positiveInteger,
  audience: (v, f) =>
    typeof v === 'string'
      ? nonEmptyString(v, f)
      : Array.isArray(v) && v.length > 0
        ? listOf(nonEmptyString)(v, f)
        : `${f} is not a string or a non-empty array of strings`,
  forwardedIpHeader: (v, f) => (typeof v === 'string' && HEADER_NAME.test(v) ? undefined : `${f} is not an HTTP header name`),
  // RFC 7591 §3.2.1: seconds since the epoch, "or 0 if it will not expire".
  clientSecretExpiresAt: (v, f) =>
    typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? undefined : `${f} is not a time in seconds since the epoch (0 for never)`,
};

export const FIELD_NAMES = Object.keys(FIELDS) as ReadonlyArray<keyof Client>;

// lib/client-auth/validate-client.ts
// Checks a record findClient returned as strictly as the options: every field known and of its type, once per object.

import { KeyObject } from 'node:crypto';
import { serverError, type OAuthError } from '../errors/oauth-error';
import { ASYMMETRIC_ALGORITHMS, HMAC_ALGORITHMS } from '../jose/algorithms';
import type { Client, ClientAuthMethod, GrantType } from '../types';
import { isObject } from '../util/assert';

/** What is wrong with a field's value, as the end of "a client whose <field> ..."; undefined when it is fine. */
type Check = (value: unknown, field: string) => string | undefined;

const GRANT_TYPES: Readonly<Record<GrantType, true>> = {
  password: true,
  refresh_token: true,
  'urn:express-password-grant:params:oauth:grant-type:mfa': true,
};

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

/** Fields that look like a plaintext secret: the most likely way a confidential client ends up public by mistake. */
const PLAINTEXT_SECRET_FIELDS = new Set(['secret', 'clientSecret', 'client_secret', 'password']);

const nonEmptyString: Check = (v, f) => (typeof v === 'string' && v !== '' ? undefined : `${f} is not a non-empty string`);
const positiveInteger: Check = (v, f) =>
  typeof v === 'number' && Number.isSafeInteger(v) && v > 0 ? undefined : `${f} is not a positive integer (seconds)`;
const oneOf =
  (allowed: Readonly<Record<string, true>> | readonly string[], what: string): Check =>
  (v, f) => {
    const known = Array.isArray(allowed) ? allowed.includes(v as string) : Object.prototype.hasOwnProperty.call(allowed, v as string);
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
const FIELDS: { readonly [K in keyof Client]-?: Check } = {
  id: nonEmptyString,
  secretHash: (v, f) => (typeof v === 'string' && BCRYPT_HASH.test(v) ? undefined : `${f} is not a bcrypt hash (store what hashSecret() returns)`),
  grants: listOf(oneOf(GRANT_TYPES, 'a known grant type')),
  scopes: listOf(scopeToken),
  defaultScopes: listOf(scopeToken),
  tokenEndpointAuthMethod: oneOf(AUTH_METHODS, 'a known client authentication method'),
  jwks,
  publicKey: (v, f) =>
    (typeof v === 'string' && v !== '') || v instanceof KeyObject ? undefined : `${f} is not a PEM string or a KeyObject`,
  jwtSecret: (v, f) =>
    typeof v === 'string' && Buffer.byteLength(v) >= 32 ? undefined : `${f} is not a string of at least 32 bytes`,
  tokenEndpointAuthSigningAlg: oneOf(ASSERTION_ALGS, `one of ${ASSERTION_ALGS.join(', ')}`),
  dpopBoundAccessTokens: (v, f) => (typeof v === 'boolean' ? undefined : `${f} is not a boolean`),
  accessTokenTTL: positiveInteger,
  refreshTokenTTL: positiveInteger,
  refreshTokenAbsoluteTTL: positiveInteger,
  audience: (v, f) =>
    typeof v === 'string' ? nonEmptyString(v, f) : Array.isArray(v) && v.length > 0 ? listOf(nonEmptyString)(v, f) : `${f} is not a string or a non-empty array of strings`,
  forwardedIpHeader: (v, f) => (typeof v === 'string' && HEADER_NAME.test(v) ? undefined : `${f} is not an HTTP header name`),
};

/**
 * Throws server_error (its `detail` naming the field, for the `error` event) unless `record` is a valid Client.
 * Each record object is checked once: an app returning the same objects from a Map pays for this once, not per
 * request. Fields set to `undefined` are absent; `null` is not (leave the field out instead).
 */
export function assertValidClient(validated: WeakSet<object>, clientId: string, record: Record<string, unknown>): asserts record is Record<string, unknown> & Client {
  if (validated.has(record)) return;
  const problem = firstProblem(record);
  if (problem !== undefined) throw invalidRecord(`findClient('${shown(clientId)}') returned a client ${problem}`);
  validated.add(record);
}

function firstProblem(record: Record<string, unknown>): string | undefined {
  for (const field of ['id', 'grants'] as const) {
    if (record[field] === undefined) return `without ${field}`;
  }
  for (const [field, value] of Object.entries(record)) {
    if (value === undefined) continue;
    if (PLAINTEXT_SECRET_FIELDS.has(field)) {
      return `with a plaintext secret in ${field}: store the output of hashSecret(secret) in secretHash instead`;
    }
    if (!Object.prototype.hasOwnProperty.call(FIELDS, field)) return `with the unknown field ${shown(field)}`;
    if (value === null) return `whose ${field} is null (leave the field out instead)`;
    const problem = FIELDS[field as keyof Client](value, field);
    if (problem !== undefined) return `whose ${problem}`;
  }
  return undefined;
}

function invalidRecord(message: string): OAuthError {
  return serverError(new TypeError(message), message);
}

/** A name safe to put in a log line: short, printable ASCII. */
function shown(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?').slice(0, 64);
}

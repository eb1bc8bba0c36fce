// __tests__/client-auth/metadata.test.ts
// The metadata members the discovery documents advertise for JWT client authentication and DPoP (RFC 8414 §2,
// RFC 9449 §5.1): every advertised algorithm is one the verifiers accept.

import { clientAuthMetadata } from '../../lib/client-auth/metadata';
import { resolveConfig } from '../../lib/options';
import { rsaPem } from '../helpers/keys';
import { ISSUER } from '../helpers/server';

const base = { issuer: ISSUER, signingKeys: { kid: 'k', alg: 'RS256', key: rsaPem() }, findClient: () => null, verifyUser: () => null };

it('advertises the JWT auth methods, their algorithms and the DPoP algorithms', () => {
  expect(clientAuthMetadata(resolveConfig(base))).toEqual({
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'client_secret_jwt', 'none'],
    token_endpoint_auth_signing_alg_values_supported: [
      'RS256',
      'RS384',
      'RS512',
      'PS256',
      'PS384',
      'PS512',
      'ES256',
      'ES384',
      'ES512',
      'EdDSA',
      'HS256',
      'HS384',
      'HS512',
    ],
    dpop_signing_alg_values_supported: ['ES256', 'ES384', 'ES512', 'PS256', 'PS384', 'PS512', 'RS256', 'RS384', 'RS512', 'EdDSA'],
  });
});

it('follows dpop.algorithms, and leaves DPoP out when dpop is false', () => {
  expect(clientAuthMetadata(resolveConfig({ ...base, dpop: { algorithms: ['EdDSA', 'ES256'] } })).dpop_signing_alg_values_supported).toEqual([
    'EdDSA',
    'ES256',
  ]);
  expect(clientAuthMetadata(resolveConfig({ ...base, dpop: false })).dpop_signing_alg_values_supported).toBeUndefined();
});

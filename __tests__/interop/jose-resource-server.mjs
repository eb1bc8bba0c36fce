// __tests__/interop/jose-resource-server.mjs
// A separate resource server built on jose: finds our JWKS through discovery, then verifies access tokens with
// createRemoteJWKSet + jwtVerify, as an API in another process would.

import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { finish, input, step } from './steps.mjs';

const metadata = await step('discovery', async () => {
  const res = await fetch(new URL('/.well-known/oauth-authorization-server', input.issuer));
  return { status: res.status, contentType: res.headers.get('content-type'), body: await res.json() };
});

if (metadata) {
  const jwks = createRemoteJWKSet(new URL(metadata.body.jwks_uri));
  const verify = async (token, options = {}) => {
    const { payload, protectedHeader } = await jwtVerify(token, jwks, {
      issuer: metadata.body.issuer,
      audience: input.audience,
      typ: 'at+jwt',
      algorithms: ['RS256', 'ES256', 'PS256'],
      ...options,
    });
    return { sub: payload.sub, client_id: payload.client_id, scope: payload.scope, kid: protectedHeader.kid, alg: protectedHeader.alg };
  };
  for (const [name, token] of Object.entries(input.tokens)) {
    await step(name, () => verify(token));
    await step(`${name}Header`, () => decodeProtectedHeader(token));
  }
  const any = Object.values(input.tokens)[0];
  await step('tampered', () => verify(any.slice(0, -4) + (any.endsWith('AAAA') ? 'BBBB' : 'AAAA')));
  await step('wrongAudience', () => verify(any, { audience: 'https://other.example' }));
  await step('wrongIssuer', () => verify(any, { issuer: metadata.body.issuer + '/' }));
  await step('idTokenAsAccessToken', () => verify(input.idToken, { audience: 'web' }));
  if (input.unknownKeyToken) await step('unknownKey', () => verify(input.unknownKeyToken));
}

finish();

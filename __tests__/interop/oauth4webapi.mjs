// __tests__/interop/oauth4webapi.mjs
// Drives our server with oauth4webapi (panva) step by step: discovery, password grant through the generic grant
// functions, refresh, userinfo, introspection, revocation, and RFC 9068 validateJwtAccessToken as a resource server.

import * as oauth from 'oauth4webapi';
import { finish, input, step } from './steps.mjs';

const insecure = { [oauth.allowInsecureRequests]: true };
const issuer = new URL(input.issuer);

const as = await step('discovery', async () =>
  oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: input.algorithm, ...insecure })),
);

/** A resource server's view: validate the access token from an incoming request (RFC 9068). */
const validateAt = (token, audience = input.audience) =>
  oauth.validateJwtAccessToken(as, new Request(input.resource, { headers: { authorization: `Bearer ${token}` } }), audience, insecure);

if (as) {
  const client = { client_id: 'web' };
  const clientAuth = oauth.ClientSecretBasic(input.webSecret);

  const tokens = await step('password', async () => {
    const res = await oauth.genericTokenEndpointRequest(
      as,
      client,
      clientAuth,
      'password',
      { username: 'alice', password: 'correct horse', scope: 'openid profile orders' },
      insecure,
    );
    const result = await oauth.processGenericTokenEndpointResponse(as, client, res);
    return { ...result, idTokenClaims: oauth.getValidatedIdTokenClaims(result) };
  });
  if (tokens) {
    await step('validateJwtAccessToken', () => validateAt(tokens.access_token));
    await step('validateJwtAccessTokenWrongAudience', () => validateAt(tokens.access_token, 'https://other.example'));
    await step('validateTampered', () => validateAt(tokens.access_token.slice(0, -4) + (tokens.access_token.endsWith('AAAA') ? 'BBBB' : 'AAAA')));
    await step('userinfo', async () => {
      const res = await oauth.userInfoRequest(as, client, tokens.access_token, insecure);
      return oauth.processUserInfoResponse(as, client, tokens.idTokenClaims.sub, res);
    });
    const refreshed = await step('refresh', async () => {
      const res = await oauth.refreshTokenGrantRequest(as, client, clientAuth, tokens.refresh_token, insecure);
      return oauth.processRefreshTokenResponse(as, client, res);
    });
    if (refreshed) {
      await step('validateRefreshedAccessToken', () => validateAt(refreshed.access_token));
      await step('introspect', async () => {
        const res = await oauth.introspectionRequest(as, client, clientAuth, refreshed.access_token, insecure);
        return oauth.processIntrospectionResponse(as, client, res);
      });
      await step('revokeAccessWithRefreshHint', async () => {
        const res = await oauth.revocationRequest(as, client, clientAuth, refreshed.access_token, {
          additionalParameters: { token_type_hint: 'refresh_token' },
          ...insecure,
        });
        return oauth.processRevocationResponse(res);
      });
      await step('introspectRevoked', async () => {
        const res = await oauth.introspectionRequest(as, client, clientAuth, refreshed.access_token, insecure);
        return oauth.processIntrospectionResponse(as, client, res);
      });
      await step('revokeRefresh', async () => {
        const res = await oauth.revocationRequest(as, client, clientAuth, refreshed.refresh_token, insecure);
        return oauth.processRevocationResponse(res);
      });
      await step('refreshAfterRevoke', async () => {
        const res = await oauth.refreshTokenGrantRequest(as, client, clientAuth, refreshed.refresh_token, insecure);
        return oauth.processRefreshTokenResponse(as, client, res);
      });
    }
  }
  await step('wrongPassword', async () => {
    const res = await oauth.genericTokenEndpointRequest(as, client, clientAuth, 'password', { username: 'alice', password: 'nope' }, insecure);
    return oauth.processGenericTokenEndpointResponse(as, client, res);
  });
  await step('revokeWithUnsupportedHint', async () => {
    const res = await oauth.revocationRequest(as, client, clientAuth, 'whatever', { additionalParameters: { token_type_hint: 'id_token' }, ...insecure });
    return oauth.processRevocationResponse(res);
  });

  // client_secret_post, as Curity's and Oracle's examples send it.
  await step('clientSecretPost', async () => {
    const res = await oauth.genericTokenEndpointRequest(
      as,
      client,
      oauth.ClientSecretPost(input.webSecret),
      'password',
      { username: 'bob', password: 'hunter2', scope: 'orders' },
      insecure,
    );
    return oauth.processGenericTokenEndpointResponse(as, client, res);
  });
}

finish();

// __tests__/interop/openid-client.mjs
// Drives our server with openid-client v6 as an app would: discovery, password grant, userinfo, refresh,
// introspection, revocation. Prints one JSON line of step results (see steps.mjs).

import * as client from 'openid-client';
import { finish, input, step } from './steps.mjs';

const options = { execute: [client.allowInsecureRequests], algorithm: input.algorithm };

const config = await step('discovery', async () =>
  client.discovery(new URL(input.issuer), 'web', undefined, client.ClientSecretBasic(input.webSecret), options),
);
if (config) {
  await step('metadata', () => config.serverMetadata());

  const tokens = await step('password', async () => {
    const t = await client.genericGrantRequest(config, 'password', { username: 'alice', password: 'correct horse', scope: 'openid profile email orders' });
    return { ...t, idTokenClaims: t.claims() };
  });
  if (tokens) {
    await step('userinfo', () => client.fetchUserInfo(config, tokens.access_token, tokens.idTokenClaims.sub));
    await step('protectedResource', async () => {
      const res = await client.fetchProtectedResource(config, tokens.access_token, new URL(input.resource), 'GET');
      return { status: res.status, body: await res.json() };
    });
    const refreshed = await step('refresh', () => client.refreshTokenGrant(config, tokens.refresh_token));
    if (refreshed) {
      await step('introspectAccess', () => client.tokenIntrospection(config, refreshed.access_token));
      await step('introspectRefresh', () => client.tokenIntrospection(config, refreshed.refresh_token, { token_type_hint: 'refresh_token' }));
      await step('revokeRefresh', () => client.tokenRevocation(config, refreshed.refresh_token, { token_type_hint: 'refresh_token' }));
      await step('introspectAccessAfterRevoke', () => client.tokenIntrospection(config, refreshed.access_token));
      await step('introspectRefreshAfterRevoke', () => client.tokenIntrospection(config, refreshed.refresh_token));
      await step('refreshAfterRevoke', () => client.refreshTokenGrant(config, refreshed.refresh_token));
    }
  }

  // An access token revoked on its own, sent with the "wrong" hint as some clients do.
  const second = await step('password2', () =>
    client.genericGrantRequest(config, 'password', { username: 'alice', password: 'correct horse', scope: 'orders' }),
  );
  if (second) {
    await step('revokeAccess', () => client.tokenRevocation(config, second.access_token, { token_type_hint: 'refresh_token' }));
    await step('introspectRevokedAccess', () => client.tokenIntrospection(config, second.access_token));
    await step('protectedResourceAfterRevoke', () => client.fetchProtectedResource(config, second.access_token, new URL(input.resource), 'GET'));
  }

  await step('wrongPassword', () => client.genericGrantRequest(config, 'password', { username: 'alice', password: 'wrong' }));
  await step('revokeUnknown', () => client.tokenRevocation(config, 'not-a-token-we-know'));
}

// A public client (token_endpoint_auth_method none).
const publicConfig = await step('publicDiscovery', () => client.discovery(new URL(input.issuer), 'cli', undefined, client.None(), options));
if (publicConfig) {
  const t = await step('publicPassword', () => client.genericGrantRequest(publicConfig, 'password', { username: 'bob', password: 'hunter2', scope: 'orders' }));
  if (t) {
    await step('publicRefresh', () => client.refreshTokenGrant(publicConfig, t.refresh_token));
    await step('publicRevoke', () => client.tokenRevocation(publicConfig, t.access_token));
  }
}

// A wrong client secret: openid-client must see our JSON invalid_client.
const badConfig = await step('badDiscovery', () => client.discovery(new URL(input.issuer), 'web', undefined, client.ClientSecretBasic('wrong'), options));
if (badConfig) await step('badClientPassword', () => client.genericGrantRequest(badConfig, 'password', { username: 'alice', password: 'correct horse' }));

finish();

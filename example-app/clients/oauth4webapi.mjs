// example-app/clients/oauth4webapi.mjs
// A client of the example app with oauth4webapi 3: discovery, password grant, refresh, userinfo, revoke.

import * as oauth from 'oauth4webapi';

const issuer = new URL(process.env.ISSUER ?? 'http://localhost:3000');
// Plain http is for a local issuer only: in production the issuer is https and this option goes.
const http = issuer.protocol === 'http:' ? { [oauth.allowInsecureRequests]: true } : {};

// Discovery (/.well-known/openid-configuration) and the client's credentials, sent with HTTP Basic.
const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...http }));
const client = { client_id: 'demo-web' };
const clientAuth = oauth.ClientSecretBasic('demo-web-secret');

// The password grant (RFC 6749 §4.3), through the generic token endpoint functions.
const login = {
  username: 'alice@example.com',
  password: 'wonderland', // sent once, for this token request; keep the refresh token, never the password
  scope: 'openid profile email orders offline_access',
};
let response = await oauth.genericTokenEndpointRequest(as, client, clientAuth, 'password', login, http);
let tokens = await oauth.processGenericTokenEndpointResponse(as, client, response);
// The id_token's claims: oauth4webapi checks its issuer, audience and expiry (its signature: TLS to the token
// endpoint stands for it, OIDC Core §3.1.3.7).
const { sub } = oauth.getValidatedIdTokenClaims(tokens);
console.log(`signed in as ${sub} (scope: ${tokens.scope})`);

// Refresh: the refresh token rotates, so keep the new one (the old one, used again, ends the whole login).
response = await oauth.refreshTokenGrantRequest(as, client, clientAuth, tokens.refresh_token, http);
tokens = await oauth.processRefreshTokenResponse(as, client, response);
console.log('refreshed: the old refresh token is spent');

// UserInfo with the access token; oauth4webapi checks that its sub is the id_token's.
response = await oauth.userInfoRequest(as, client, tokens.access_token, http);
const userinfo = await oauth.processUserInfoResponse(as, client, sub, response);
console.log(`userinfo: ${JSON.stringify(userinfo)}`);

// Sign out: revoking the refresh token (RFC 7009) ends the login, its access tokens included.
response = await oauth.revocationRequest(as, client, clientAuth, tokens.refresh_token, {
  additionalParameters: { token_type_hint: 'refresh_token' },
  ...http,
});
await oauth.processRevocationResponse(response);
console.log('revoked: the login has ended');

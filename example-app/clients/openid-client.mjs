// example-app/clients/openid-client.mjs
// A client of the example app with openid-client 6: discovery, password grant, refresh, userinfo, revoke.

import * as client from 'openid-client';

const issuer = new URL(process.env.ISSUER ?? 'http://localhost:3000');
// Plain http is for a local issuer only: in production the issuer is https and this option goes.
const execute = issuer.protocol === 'http:' ? [client.allowInsecureRequests] : [];

// Discovery (/.well-known/openid-configuration) and the client's credentials, sent with HTTP Basic.
const config = await client.discovery(issuer, 'demo-web', undefined, client.ClientSecretBasic('demo-web-secret'), { execute });

// The password grant (RFC 6749 §4.3): openid-client has no helper named for it, genericGrantRequest sends it.
let tokens = await client.genericGrantRequest(config, 'password', {
  username: 'alice@example.com',
  password: 'wonderland', // sent once, for this token request; keep the refresh token, never the password
  scope: 'openid profile email orders offline_access',
});
// The id_token's claims: openid-client checks its issuer, audience and expiry (its signature: TLS to the token
// endpoint stands for it, OIDC Core §3.1.3.7).
const { sub } = tokens.claims();
console.log(`signed in as ${sub} (scope: ${tokens.scope})`);

// Refresh: the refresh token rotates, so keep the new one (the old one, used again, ends the whole login).
tokens = await client.refreshTokenGrant(config, tokens.refresh_token);
console.log('refreshed: the old refresh token is spent');

// UserInfo with the access token; openid-client checks that its sub is the id_token's.
const userinfo = await client.fetchUserInfo(config, tokens.access_token, sub);
console.log(`userinfo: ${JSON.stringify(userinfo)}`);

// Sign out: revoking the refresh token (RFC 7009) ends the login, its access tokens included.
await client.tokenRevocation(config, tokens.refresh_token, { token_type_hint: 'refresh_token' });
console.log('revoked: the login has ended');

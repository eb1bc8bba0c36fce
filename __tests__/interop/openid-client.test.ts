// Interoperability: openid-client v6 (panva), the most used OAuth/OIDC client for Node, against a real listening
// server on 127.0.0.1. Only its documented option for plain-http loopback (allowInsecureRequests) is used.
import { runClientScript, startInteropServer, type InteropServer, type StepResult, value, error } from './interop-server';
import { WEB_SECRET } from '../helpers/server';

describe.each([
  // The README's layout: issuer at the origin, router at /oauth2, discovery at the root, no endpointsBaseUrl.
  ['an origin issuer, router at /oauth2, OIDC discovery', { routerPath: '/oauth2' }, 'oidc'],
  ['an origin issuer, router at /oauth2, RFC 8414 discovery', { routerPath: '/oauth2' }, 'oauth2'],
  ['an origin issuer, router at /oauth2 named by endpointsBaseUrl, OIDC discovery', { routerPath: '/oauth2', explicitEndpointsBaseUrl: true }, 'oidc'],
  ['an issuer with a path, router at that path, RFC 8414 discovery', { issuerPath: '/tenant1', routerPath: '/tenant1' }, 'oauth2'],
  ['an issuer with a path, router at that path, OIDC discovery', { issuerPath: '/tenant1', routerPath: '/tenant1' }, 'oidc'],
])('openid-client with %s', (_name, serverOptions, algorithm) => {
  let server: InteropServer;
  let results: Record<string, StepResult>;

  beforeAll(async () => {
    server = await startInteropServer(serverOptions);
    results = await runClientScript('openid-client.mjs', { issuer: server.issuer, webSecret: WEB_SECRET, algorithm, resource: `${server.origin}/api/orders` });
  });
  afterAll(() => server.close());

  it('discovers the server and sees our issuer and endpoints', () => {
    const metadata = value(results, 'metadata');
    expect(metadata.issuer).toBe(server.issuer);
    expect(metadata.token_endpoint).toBe(`${server.origin}${serverOptions.routerPath}/token`);
  });

  it('logs in with the password grant through genericGrantRequest, validating our id_token', () => {
    const tokens = value(results, 'password');
    expect(tokens.token_type).toBe('bearer'); // openid-client lowercases it
    expect(tokens.expires_in).toBe(3600);
    expect(tokens.scope).toBe('openid profile email orders');
    expect(tokens.idTokenClaims).toMatchObject({ iss: server.issuer, sub: 'u-alice', aud: 'web', email: 'alice@example.com' });
  });

  it('fetches userinfo and calls a protected resource with the access token', () => {
    expect(value(results, 'userinfo')).toEqual({ sub: 'u-alice', name: 'Alice Liddell', email: 'alice@example.com', email_verified: true });
    expect(value(results, 'protectedResource')).toEqual({ status: 200, body: { sub: 'u-alice' } });
  });

  it('refreshes, introspects and revokes', () => {
    const refreshed = value(results, 'refresh');
    expect(typeof refreshed.refresh_token).toBe('string');
    expect(value(results, 'introspectAccess')).toMatchObject({ active: true, client_id: 'web', sub: 'u-alice', token_type: 'Bearer', iss: server.issuer });
    expect(value(results, 'introspectRefresh')).toMatchObject({ active: true, client_id: 'web', username: 'alice', token_type: 'refresh_token' });
    expect(results.revokeRefresh).toEqual({ ok: true, value: null });
    expect(value(results, 'introspectAccessAfterRevoke')).toEqual({ active: false });
    expect(value(results, 'introspectRefreshAfterRevoke')).toEqual({ active: false });
    expect(error(results, 'refreshAfterRevoke')).toMatchObject({ error: 'invalid_grant', status: 400 });
  });

  it('revokes an access token sent with the hint refresh_token, and the resource server refuses it', () => {
    expect(results.revokeAccess).toEqual({ ok: true, value: null });
    expect(value(results, 'introspectRevokedAccess')).toEqual({ active: false });
    // openid-client turns a 401 challenge into WWWAuthenticateChallengeError, with our challenge parsed.
    const after = error(results, 'protectedResourceAfterRevoke');
    expect(after).toMatchObject({ code: 'OAUTH_WWW_AUTHENTICATE_CHALLENGE', status: 401 });
    expect(after.challenges).toEqual([{ scheme: 'bearer', parameters: expect.objectContaining({ error: 'invalid_token', realm: server.issuer }) }]);
    expect(after.body).toMatchObject({ error: 'invalid_token' });
  });

  it('reads our JSON errors: invalid_grant, invalid_client; an unknown token revokes fine', () => {
    expect(error(results, 'wrongPassword')).toMatchObject({ error: 'invalid_grant', status: 400 });
    // RFC 6749 §5.2 requires WWW-Authenticate on a 401 after Basic; openid-client then throws the challenge error, and
    // the JSON body with the error code stays readable from its response.
    const bad = error(results, 'badClientPassword');
    expect(bad).toMatchObject({ code: 'OAUTH_WWW_AUTHENTICATE_CHALLENGE', status: 401, contentType: expect.stringMatching(/^application\/json/) });
    expect(bad.challenges).toEqual([{ scheme: 'basic', parameters: { realm: server.issuer } }]);
    expect(bad.body).toMatchObject({ error: 'invalid_client' });
    expect(results.revokeUnknown).toEqual({ ok: true, value: null });
  });

  it('works for a public client (auth method none): login, refresh, revoke', () => {
    expect(value(results, 'publicPassword').scope).toBe('orders');
    expect(typeof value(results, 'publicRefresh').access_token).toBe('string');
    expect(results.publicRevoke).toEqual({ ok: true, value: null });
  });

  it('caused no server error on our side', () => {
    expect(server.events.filter((e) => e.name === 'error')).toEqual([]);
  });
});

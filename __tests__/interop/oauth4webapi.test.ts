// Interoperability: oauth4webapi (panva), a strict, spec-checking OAuth 2 / OIDC client, against a real listening
// server on 127.0.0.1, including its RFC 9068 validateJwtAccessToken (our access tokens checked as a resource server
// would). Only its documented allowInsecureRequests option is used, for plain-http loopback.
import { RESOURCE_AUDIENCE, runClientScript, startInteropServer, type InteropServer, type StepResult, value, error } from './interop-server';
import { WEB_SECRET } from '../helpers/server';

describe.each([
  // The README's layout: issuer at the origin, router at /oauth2, discovery at the root, no endpointsBaseUrl.
  ['an origin issuer, router at /oauth2, OIDC discovery', { routerPath: '/oauth2' }, 'oidc'],
  ['an origin issuer, router at /oauth2, RFC 8414 discovery', { routerPath: '/oauth2' }, 'oauth2'],
  ['an issuer with a path, RFC 8414 discovery', { issuerPath: '/tenant1', routerPath: '/tenant1' }, 'oauth2'],
])('oauth4webapi with %s', (_name, serverOptions, algorithm) => {
  let server: InteropServer;
  let results: Record<string, StepResult>;

  beforeAll(async () => {
    server = await startInteropServer(serverOptions);
    results = await runClientScript('oauth4webapi.mjs', {
      issuer: server.issuer,
      webSecret: WEB_SECRET,
      algorithm,
      audience: RESOURCE_AUDIENCE,
      resource: `${server.origin}/api/orders`,
    });
  });
  afterAll(() => server.close());

  it('accepts our metadata: issuer identical to the one it asked for', () => {
    expect(value(results, 'discovery').issuer).toBe(server.issuer);
  });

  it('gets and validates tokens from the password grant (id_token claims checked by the library)', () => {
    const tokens = value(results, 'password');
    expect(tokens).toMatchObject({ token_type: 'bearer', expires_in: 3600, scope: 'openid profile orders' });
    expect(tokens.idTokenClaims).toMatchObject({ iss: server.issuer, aud: 'web', sub: 'u-alice', name: 'Alice Liddell' });
  });

  it('validates our access tokens per RFC 9068 with validateJwtAccessToken, and rejects a wrong audience or a tampered token', () => {
    expect(value(results, 'validateJwtAccessToken')).toMatchObject({
      iss: server.issuer,
      aud: RESOURCE_AUDIENCE,
      sub: 'u-alice',
      client_id: 'web',
      scope: 'openid profile orders',
      jti: expect.any(String),
    });
    expect(value(results, 'validateRefreshedAccessToken')).toMatchObject({ sub: 'u-alice', client_id: 'web' });
    expect(error(results, 'validateJwtAccessTokenWrongAudience').message).toMatch(/aud/);
    expect(error(results, 'validateTampered')).toMatchObject({ message: 'JWT signature verification failed' });
  });

  it('reads userinfo, refreshes, introspects and revokes', () => {
    expect(value(results, 'userinfo')).toEqual({ sub: 'u-alice', name: 'Alice Liddell' });
    expect(value(results, 'introspect')).toMatchObject({ active: true, client_id: 'web', token_type: 'Bearer' });
    expect(results.revokeAccessWithRefreshHint).toEqual({ ok: true, value: null });
    expect(value(results, 'introspectRevoked')).toEqual({ active: false });
    expect(results.revokeRefresh).toEqual({ ok: true, value: null });
    expect(error(results, 'refreshAfterRevoke')).toMatchObject({ error: 'invalid_grant', status: 400 });
  });

  it('reads our JSON error bodies', () => {
    expect(error(results, 'wrongPassword')).toMatchObject({ error: 'invalid_grant', status: 400 });
    // RFC 7009 §2.1: an unknown hint is ignored; the unknown token is answered 200 like any other.
    expect(results.revokeWithUnsupportedHint).toEqual({ ok: true, value: null });
  });

  it('authenticates with client_secret_post too', () => {
    expect(value(results, 'clientSecretPost')).toMatchObject({ scope: 'orders', token_type: 'bearer' });
  });

  it('caused no server error on our side', () => {
    expect(server.events.filter((e) => e.name === 'error')).toEqual([]);
  });
});

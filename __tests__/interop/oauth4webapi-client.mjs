// __tests__/interop/oauth4webapi-client.mjs
// Drives a running server with oauth4webapi (DPoP(), generateKeyPair(), PrivateKeyJwt(), ClientSecretJwt(),
// validateJwtAccessToken()) and jose, as real clients and resource servers would; prints one JSON result per step.
// Run by __tests__/interop/jwt-auth-dpop.test.ts (oauth4webapi and jose are ESM-only; jest here is CommonJS).

import { createServer } from 'node:http';
import * as oauth from 'oauth4webapi';
import * as jose from 'jose';

const { ISSUER, ISSUER_NONCE, AUDIENCE, PK_CLIENT_KEY, PK_KID, SJWT_SECRET, ED_CLIENT_KEY } = process.env;
const insecure = { [oauth.allowInsecureRequests]: true };
const as = { issuer: ISSUER, token_endpoint: `${ISSUER}/oauth2/token`, jwks_uri: `${ISSUER}/test-jwks` };
const login = { username: 'alice', password: 'correct horse', scope: 'orders profile' };
const results = [];

async function step(name, run) {
  try {
    results.push({ step: name, ok: true, value: await run() });
  } catch (err) {
    const challenge = Array.isArray(err?.cause) ? err.cause[0] : undefined;
    results.push({ step: name, ok: false, error: err?.error ?? err?.code ?? String(err), status: err?.status, message: err?.message, challenge });
  }
}

async function passwordGrant(client, auth, options = {}) {
  const response = await oauth.genericTokenEndpointRequest(as, client, auth, 'password', login, { ...insecure, ...options });
  return oauth.processGenericTokenEndpointResponse(as, client, response);
}

// A resource server built on oauth4webapi's own RFC 9068 + RFC 9449 validator, on a loopback port.
const rs = createServer(async (req, res) => {
  try {
    const request = new Request(`http://127.0.0.1:${rs.address().port}${req.url}`, { method: req.method, headers: req.headers });
    const claims = await oauth.validateJwtAccessToken(as, request, AUDIENCE, insecure);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ sub: claims.sub, cnf: claims.cnf }));
  } catch (err) {
    res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: err.code, message: err.message }));
  }
});
await new Promise((resolve) => rs.listen(0, '127.0.0.1', resolve));
const rsUrl = new URL(`http://127.0.0.1:${rs.address().port}/orders`);

const cli = { client_id: 'cli' };
const keyPair = await oauth.generateKeyPair('ES256');
const dpop = oauth.DPoP(cli, keyPair);
let bound;

await step('dpop: password grant with a DPoP proof', async () => {
  bound = await passwordGrant(cli, oauth.None(), { DPoP: dpop });
  const claims = jose.decodeJwt(bound.access_token);
  return { token_type: bound.token_type, jkt: claims.cnf?.jkt, expected: await dpop.calculateThumbprint() };
});

await step('dpop: protected resource with the DPoP scheme and proof', async () => {
  const response = await oauth.protectedResourceRequest(bound.access_token, 'GET', new URL(`${ISSUER}/api/orders`), new Headers(), null, {
    ...insecure,
    DPoP: dpop,
  });
  return { status: response.status, body: await response.json() };
});

await step('dpop: the bound token sent as Bearer is refused', async () => {
  const response = await oauth.protectedResourceRequest(bound.access_token, 'GET', new URL(`${ISSUER}/api/orders`), new Headers(), null, insecure);
  return { status: response.status };
});

await step('dpop: oauth4webapi validateJwtAccessToken accepts our bound token and proof', async () => {
  const response = await oauth.protectedResourceRequest(bound.access_token, 'GET', rsUrl, new Headers(), null, { ...insecure, DPoP: dpop });
  return { status: response.status, body: await response.json() };
});

await step('dpop: refresh with the same key', async () => {
  const response = await oauth.refreshTokenGrantRequest(as, cli, oauth.None(), bound.refresh_token, { ...insecure, DPoP: dpop });
  const refreshed = await oauth.processRefreshTokenResponse(as, cli, response);
  bound = refreshed;
  return { token_type: refreshed.token_type, jkt: jose.decodeJwt(refreshed.access_token).cnf?.jkt };
});

await step('dpop: refresh with another key is refused', async () => {
  const thief = oauth.DPoP(cli, await oauth.generateKeyPair('ES256'));
  const response = await oauth.refreshTokenGrantRequest(as, cli, oauth.None(), bound.refresh_token, { ...insecure, DPoP: thief });
  return oauth.processRefreshTokenResponse(as, cli, response);
});

await step('private_key_jwt: oauth4webapi PrivateKeyJwt', async () => {
  const key = await crypto.subtle.importKey('pkcs8', pemToDer(PK_CLIENT_KEY), { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign']);
  const client = { client_id: 'pk-interop' };
  const result = await passwordGrant(client, oauth.PrivateKeyJwt({ key, kid: PK_KID }));
  return { token_type: result.token_type, client_id: jose.decodeJwt(result.access_token).client_id };
});

await step('private_key_jwt: oauth4webapi PrivateKeyJwt with DPoP', async () => {
  const key = await crypto.subtle.importKey('pkcs8', pemToDer(PK_CLIENT_KEY), { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign']);
  const client = { client_id: 'pk-interop' };
  const handle = oauth.DPoP(client, await oauth.generateKeyPair('PS256'));
  const result = await passwordGrant(client, oauth.PrivateKeyJwt({ key, kid: PK_KID }), { DPoP: handle });
  return { token_type: result.token_type, jkt: jose.decodeJwt(result.access_token).cnf?.jkt, expected: await handle.calculateThumbprint() };
});

await step('client_secret_jwt: oauth4webapi ClientSecretJwt', async () => {
  const client = { client_id: 'sjwt-interop' };
  const result = await passwordGrant(client, oauth.ClientSecretJwt(SJWT_SECRET));
  return { token_type: result.token_type };
});

await step('private_key_jwt: a jose EdDSA assertion with aud = token endpoint, sent without client_id', async () => {
  const key = await jose.importPKCS8(ED_CLIENT_KEY, 'EdDSA');
  const assertion = await new jose.SignJWT({})
    .setProtectedHeader({ alg: 'EdDSA' })
    .setIssuer('ed-interop')
    .setSubject('ed-interop')
    .setAudience(as.token_endpoint)
    .setJti(crypto.randomUUID())
    .setIssuedAt()
    .setExpirationTime('1m')
    .sign(key);
  const body = new URLSearchParams({
    grant_type: 'password',
    ...login,
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: assertion,
  });
  const response = await fetch(as.token_endpoint, { method: 'POST', body });
  return { status: response.status, token_type: (await response.json()).token_type };
});

// A second server that requires DPoP nonces: oauth4webapi caches the DPoP-Nonce of the error response, and the
// caller retries once when isDPoPNonceError() says so (the pattern oauth4webapi documents).
const nonceAs = { issuer: ISSUER_NONCE, token_endpoint: `${ISSUER_NONCE}/oauth2/token` };
const nonceKeys = await oauth.generateKeyPair('ES256');
const nonceDpop = oauth.DPoP(cli, nonceKeys);
let nonceToken;

async function retryOnNonce(run) {
  try {
    return { retried: false, value: await run() };
  } catch (err) {
    if (!oauth.isDPoPNonceError(err)) throw err;
    return { retried: true, value: await run() };
  }
}

await step('nonce: password grant retried after use_dpop_nonce', async () => {
  const { retried, value } = await retryOnNonce(async () => {
    const response = await oauth.genericTokenEndpointRequest(nonceAs, cli, oauth.None(), 'password', login, { ...insecure, DPoP: nonceDpop });
    return oauth.processGenericTokenEndpointResponse(nonceAs, cli, response);
  });
  nonceToken = value;
  return { retried, token_type: value.token_type };
});

await step('nonce: protected resource retried after use_dpop_nonce', async () => {
  // A new handle for the same key has no cached nonce, so the resource must ask for one.
  const fresh = oauth.DPoP(cli, nonceKeys);
  const { retried, value } = await retryOnNonce(() =>
    oauth.protectedResourceRequest(nonceToken.access_token, 'GET', new URL(`${ISSUER_NONCE}/api/orders`), new Headers(), null, { ...insecure, DPoP: fresh }),
  );
  return { retried, status: value.status };
});

rs.close();
process.stdout.write(JSON.stringify(results));

function pemToDer(pem) {
  return Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
}

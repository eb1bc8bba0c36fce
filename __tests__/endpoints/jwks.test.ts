// RFC 7517 §5: a JWK Set; RFC 7517 §4.2-4.5: use, kid, alg. Only public keys are published (RFC 7517 §9.2:
// private and symmetric key members must never appear in a public set). Rotation: the first key signs, all verify.
import { constants, createPublicKey, generateKeyPairSync, sign, verify as verifySignature, type JsonWebKey } from 'node:crypto';
import request from 'supertest';
import { basic, createServer, WEB_SECRET } from '../helpers/server';
import { decodeJwt, loginWeb } from '../helpers/login';
import { rsaKeyPair, rsaPem } from '../helpers/keys';
import { MemoryStore } from '../../lib';

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth'];

function verifyWithJwk(token: string, jwk: JsonWebKey): boolean {
  const [h, p, s] = token.split('.');
  const key = createPublicKey({ key: jwk, format: 'jwk' });
  const alg = String(jwk.alg);
  const data = Buffer.from(`${h}.${p}`);
  const signature = Buffer.from(s, 'base64url');
  if (alg === 'ES256') return verifySignature('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, signature);
  if (alg === 'PS256') return verifySignature('sha256', data, { key, padding: 6, saltLength: 32 }, signature);
  return verifySignature('sha256', data, key, signature);
}

describe('GET /jwks', () => {
  it('publishes the public signing key with kid, alg and use, cacheable, and it verifies our tokens', async () => {
    const { app } = await createServer();
    const res = await request(app).get('/oauth2/jwks');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['cache-control']).toMatch(/^public, max-age=\d+$/);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.body.keys).toHaveLength(1);
    const [jwk] = res.body.keys;
    expect(jwk).toEqual({ kty: 'RSA', n: expect.any(String), e: 'AQAB', kid: 'k1', alg: 'RS256', use: 'sig' });
    const expected = rsaKeyPair().publicKey.export({ format: 'jwk' });
    expect(jwk.n).toBe(expected.n);
    const tokens = await loginWeb(app, 'openid orders');
    expect(verifyWithJwk(tokens.access_token, jwk)).toBe(true);
    expect(verifyWithJwk(tokens.id_token!, jwk)).toBe(true);
  });

  it('answers HEAD like GET and other methods with 405 JSON', async () => {
    const { app } = await createServer();
    expect((await request(app).head('/oauth2/jwks')).status).toBe(200);
    const post = await request(app).post('/oauth2/jwks');
    expect(post.status).toBe(405);
    expect(post.headers['content-type']).toMatch(/^application\/json/);
  });

  it('never publishes HS256 secrets or private members, and publishes EC and RSA-PSS keys correctly', async () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pss = generateKeyPairSync('rsa-pss', { modulusLength: 2048 });
    const secret = 'an HS256 secret of at least thirty-two bytes!!';
    const { app } = await createServer({
      signingKeys: [
        { kid: 'ec1', alg: 'ES256', key: ec.privateKey },
        { kid: 'hs1', alg: 'HS256', key: secret },
        { kid: 'pss1', alg: 'PS256', key: pss.publicKey },
        { kid: 'rsa1', alg: 'RS256', key: rsaPem() },
      ],
    });
    const res = await request(app).get('/oauth2/jwks');
    expect(res.body.keys.map((k: JsonWebKey & { kid: string }) => k.kid)).toEqual(['ec1', 'pss1', 'rsa1']);
    for (const key of res.body.keys) {
      for (const member of PRIVATE_MEMBERS) expect(key).not.toHaveProperty(member);
      expect(key.use).toBe('sig');
    }
    expect(res.text).not.toContain(Buffer.from(secret).toString('base64url'));
    expect(res.body.keys[0]).toEqual({ kty: 'EC', crv: 'P-256', x: expect.any(String), y: expect.any(String), kid: 'ec1', alg: 'ES256', use: 'sig' });
    expect(res.body.keys[0]).toMatchObject({ x: ec.publicKey.export({ format: 'jwk' }).x });
    // The RSA-PSS key is published as an RSA JWK with alg PS256 and the same public numbers.
    const pssJwk = res.body.keys[1];
    expect(pssJwk).toMatchObject({ kty: 'RSA', alg: 'PS256', e: 'AQAB' });
    const data = Buffer.from('signed by the PSS key');
    const signature = sign('sha256', data, { key: pss.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
    const published = createPublicKey({ key: pssJwk, format: 'jwk' });
    expect(verifySignature('sha256', data, { key: published, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, signature)).toBe(true);
    const tokens = await loginWeb(app, 'orders');
    expect(decodeJwt(tokens.access_token).header.kid).toBe('ec1');
    expect(verifyWithJwk(tokens.access_token, res.body.keys[0])).toBe(true);
  });

  it('publishes an empty set when the only key is an HS256 secret', async () => {
    const { app } = await createServer({ signingKeys: { kid: 'h', alg: 'HS256', key: 'x'.repeat(40) } });
    expect((await request(app).get('/oauth2/jwks')).body).toEqual({ keys: [] });
  });
});

describe('key rotation', () => {
  it('keeps tokens signed by an older key valid while new tokens use the first key', async () => {
    const store = new MemoryStore();
    const oldKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const before = await createServer({ store, signingKeys: { kid: 'old', alg: 'ES256', key: oldKey } });
    const oldTokens = await loginWeb(before.app, 'openid orders');
    expect(decodeJwt(oldTokens.access_token).header.kid).toBe('old');

    // The restart after rotation: the new key first (signs), the old one second (verifies only).
    const after = await createServer({
      store,
      signingKeys: [
        { kid: 'new', alg: 'RS256', key: rsaPem() },
        { kid: 'old', alg: 'ES256', key: oldKey },
      ],
    });
    const api = await request(after.app).get('/api/orders').set('Authorization', `Bearer ${oldTokens.access_token}`);
    expect(api.status).toBe(200);
    const newTokens = await loginWeb(after.app, 'openid orders');
    expect(decodeJwt(newTokens.access_token).header).toMatchObject({ kid: 'new', alg: 'RS256' });
    expect(decodeJwt(newTokens.id_token!).header).toMatchObject({ kid: 'new', alg: 'RS256' });
    // The refresh token of the old grant still works and now yields tokens signed by the new key.
    const refreshed = await request(after.app)
      .post('/oauth2/token')
      .set('Authorization', basic('web', WEB_SECRET))
      .type('form')
      .send(`grant_type=refresh_token&refresh_token=${oldTokens.refresh_token}`);
    expect(decodeJwt(refreshed.body.access_token).header.kid).toBe('new');
    const jwks = (await request(after.app).get('/oauth2/jwks')).body.keys;
    expect(jwks.map((k: { kid: string }) => k.kid)).toEqual(['new', 'old']);
    expect(verifyWithJwk(oldTokens.access_token, jwks[1])).toBe(true);
    expect(verifyWithJwk(newTokens.access_token, jwks[0])).toBe(true);

    // Once the old key is dropped, its tokens are refused.
    const later = await createServer({ store, signingKeys: { kid: 'new', alg: 'RS256', key: rsaPem() } });
    expect((await request(later.app).get('/api/orders').set('Authorization', `Bearer ${oldTokens.access_token}`)).status).toBe(401);
  });
});

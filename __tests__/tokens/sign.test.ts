// RFC 7515 §7.1 (compact serialization), RFC 7518 §3.2-3.5 (HS256, RS256, ES256, PS256): tokens we sign with
// node:crypto directly verify with an independent implementation (jsonwebtoken) under each algorithm we offer.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { AUDIENCE, basic, createServer, form, ISSUER, WEB_SECRET } from '../helpers/server';
import { rsaKeyPair } from '../helpers/keys';

const HS_SECRET = 'an HS256 secret of at least thirty-two bytes';

const KEYS: ReadonlyArray<{ alg: 'RS256' | 'PS256' | 'ES256' | 'HS256'; key: KeyObject | string; verifyKey: KeyObject | string }> = [
  { alg: 'RS256', key: rsaKeyPair().privateKey, verifyKey: rsaKeyPair().publicKey },
  { alg: 'PS256', key: rsaKeyPair().privateKey, verifyKey: rsaKeyPair().publicKey },
  (() => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    return { alg: 'ES256' as const, key: privateKey, verifyKey: publicKey };
  })(),
  { alg: 'HS256', key: HS_SECRET, verifyKey: HS_SECRET },
];

describe.each(KEYS)('tokens signed with $alg', ({ alg, key, verifyKey }) => {
  let body: Record<string, string>;

  beforeAll(async () => {
    const { app } = await createServer({ signingKeys: { kid: `kid-${alg}`, alg, key } });
    const res = await request(app)
      .post('/oauth2/token')
      .set('Authorization', basic('web', WEB_SECRET))
      .type('form')
      .send(form({ grant_type: 'password', username: 'alice', password: 'correct horse', scope: 'openid orders' }));
    expect(res.status).toBe(200);
    body = res.body;
  });

  it('gives an access token whose header is exactly {alg, typ: at+jwt, kid} and which jsonwebtoken verifies', () => {
    const [header] = body.access_token.split('.');
    expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toEqual({ alg, typ: 'at+jwt', kid: `kid-${alg}` });
    const claims = jwt.verify(body.access_token, verifyKey, { algorithms: [alg], issuer: ISSUER, audience: AUDIENCE }) as jwt.JwtPayload;
    expect(claims).toMatchObject({ sub: 'u-alice', client_id: 'web', scope: 'openid orders' });
    expect(claims.iat).toBe(claims.exp! - Number(body.expires_in));
  });

  it('gives an id_token of typ JWT that jsonwebtoken verifies for the client', () => {
    const [header] = body.id_token.split('.');
    expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toEqual({ alg, typ: 'JWT', kid: `kid-${alg}` });
    expect(jwt.verify(body.id_token, verifyKey, { algorithms: [alg], issuer: ISSUER, audience: 'web' })).toMatchObject({ sub: 'u-alice' });
  });

  it('encodes the header in the order alg, typ, kid and, where the signature is deterministic, matches jsonwebtoken.sign byte for byte', () => {
    for (const [token, typ] of [
      [body.access_token, 'at+jwt'],
      [body.id_token, 'JWT'],
    ] as const) {
      const [header, payload] = token.split('.');
      expect(Buffer.from(header, 'base64url').toString()).toBe(`{"alg":"${alg}","typ":"${typ}","kid":"kid-${alg}"}`);
      // RS256 (PKCS #1 v1.5) and HS256 are deterministic; PS256 and ES256 signatures are randomised.
      if (alg === 'RS256' || alg === 'HS256') {
        const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
        expect(jwt.sign(claims, key, { algorithm: alg, header: { alg, typ, kid: `kid-${alg}` } })).toBe(token);
      }
    }
  });

  it('makes a signature that does not verify once one payload byte changes', () => {
    const [header, payload, signature] = body.access_token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const tampered = `${header}.${Buffer.from(JSON.stringify({ ...claims, sub: 'u-mallory' })).toString('base64url')}.${signature}`;
    expect(() => jwt.verify(tampered, verifyKey, { algorithms: [alg] })).toThrow(/invalid signature/);
  });
});

it('signs ES256 as R || S (64 bytes, RFC 7518 §3.4), not DER', async () => {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const { app } = await createServer({ signingKeys: { kid: 'ec', alg: 'ES256', key: privateKey } });
  const res = await request(app)
    .post('/oauth2/token')
    .set('Authorization', basic('web', WEB_SECRET))
    .type('form')
    .send(form({ grant_type: 'password', username: 'alice', password: 'correct horse' }));
  expect(Buffer.from(res.body.access_token.split('.')[2], 'base64url')).toHaveLength(64);
});

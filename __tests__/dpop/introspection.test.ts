// __tests__/dpop/introspection.test.ts
// RFC 9449 §6.2: introspection of a DPoP-bound token reports token_type "DPoP" and the binding in cnf.jkt,
// for the access token and for a public client's bound refresh token.

import request from 'supertest';
import { jwkThumbprint } from '../../lib';
import { dpopKey, proof } from '../helpers/dpop';
import { TOKEN_URL } from '../helpers/jwt';
import { basic, createServer, form, WEB_SECRET } from '../helpers/server';

it('reports DPoP-bound access and refresh tokens with token_type DPoP and cnf.jkt', async () => {
  const key = dpopKey('ES256');
  const { app } = await createServer();
  const issued = await request(app)
    .post('/oauth2/token')
    .set('DPoP', proof(key, { htu: TOKEN_URL }))
    .type('form')
    .send(form({ grant_type: 'password', client_id: 'cli', username: 'alice', password: 'correct horse', scope: 'orders' }));
  expect(issued.body.token_type).toBe('DPoP');
  const introspect = (token: string) =>
    request(app).post('/oauth2/introspect').set('Authorization', basic('web', WEB_SECRET)).type('form').send(form({ token }));
  const access = await introspect(issued.body.access_token);
  expect(access.body).toMatchObject({ active: true, token_type: 'DPoP', cnf: { jkt: jwkThumbprint(key.publicKey) } });
  const refresh = await request(app)
    .post('/oauth2/introspect')
    .set('Authorization', basic('web', WEB_SECRET))
    .type('form')
    .send(form({ token: issued.body.refresh_token }));
  // A refresh token is only reported active to its own client; 'cli' is public and may not introspect, so 'web' sees it inactive.
  expect(refresh.body).toEqual({ active: false });
});

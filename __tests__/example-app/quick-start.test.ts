// __tests__/example-app/quick-start.test.ts
// Runs the README's Quick start (example-app/quick-start.ts, the very file the README shows) over HTTP, in process.

import fs from 'node:fs';
import path from 'node:path';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { app } from '../../example-app/quick-start';

const ISSUER = 'http://localhost:3000';

function passwordLogin(password: string) {
  return request(app)
    .post('/oauth2/token')
    .type('form')
    .send({ grant_type: 'password', client_id: 'my-cli', username: 'alice', password, scope: 'openid profile' });
}

describe('the Quick start app', () => {
  it('issues tokens for its bcrypt-hashed user and lets them call its protected route', async () => {
    const res = await passwordLogin('wonderland');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ token_type: 'Bearer', scope: 'openid profile' });
    expect(typeof res.body.refresh_token).toBe('string');
    expect(jwt.decode(res.body.access_token)).toMatchObject({ iss: ISSUER, sub: 'u1', client_id: 'my-cli' });
    expect(jwt.decode(res.body.id_token)).toMatchObject({ sub: 'u1', aud: 'my-cli', name: 'Alice' });

    const me = await request(app).get('/api/me').set('Authorization', `Bearer ${res.body.access_token}`);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ sub: 'u1', clientId: 'my-cli', scope: ['openid', 'profile'] });
  });

  it('answers a wrong password and an unknown user alike with 400 invalid_grant', async () => {
    const wrong = await passwordLogin('not-wonderland');
    const unknown = await request(app)
      .post('/oauth2/token')
      .type('form')
      .send({ grant_type: 'password', client_id: 'my-cli', username: 'mallory', password: 'wonderland' });
    for (const res of [wrong, unknown]) {
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_grant');
    }
    expect(wrong.body).toEqual(unknown.body);
    expect((await request(app).get('/api/me')).status).toBe(401);
  });

  it("publishes discovery at the root with the router's endpoints under /oauth2", async () => {
    const res = await request(app).get('/.well-known/openid-configuration');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ issuer: ISSUER, token_endpoint: `${ISSUER}/oauth2/token`, jwks_uri: `${ISSUER}/oauth2/jwks` });
  });
});

describe('the README', () => {
  it('shows example-app/quick-start.ts and quick-start-server.ts verbatim as its Quick start', () => {
    const root = path.join(__dirname, '../..');
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Quick start'));
    const shown = [...section.matchAll(/```ts\n([\s\S]*?)```/g)].slice(0, 2).map((m) => m[1]);
    const files = ['quick-start.ts', 'quick-start-server.ts'].map((name) => fs.readFileSync(path.join(root, 'example-app', name), 'utf8'));
    expect(shown).toEqual(files);
  });
});

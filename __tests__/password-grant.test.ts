// __tests__/password-grant.test.ts
// passwordGrant() end to end, the smoke test: the handle it returns issues, refreshes and accepts tokens.
import request from 'supertest';
import { basic, createServer, form, WEB_SECRET } from './helpers/server';

it('issues, refreshes and accepts tokens end to end', async () => {
  const { app } = await createServer();
  const res = await request(app)
    .post('/oauth2/token')
    .set('Authorization', basic('web', WEB_SECRET))
    .type('form')
    .send(form({ grant_type: 'password', username: 'alice', password: 'correct horse', scope: 'openid profile orders' }));
  expect(res.status).toBe(200);
  expect(res.body.token_type).toBe('Bearer');
  const me = await request(app).get('/api/me').set('Authorization', `Bearer ${res.body.access_token}`);
  expect(me.status).toBe(200);
  expect(me.body.sub).toBe('u-alice');
  const r2 = await request(app)
    .post('/oauth2/token')
    .set('Authorization', basic('web', WEB_SECRET))
    .type('form')
    .send(form({ grant_type: 'refresh_token', refresh_token: res.body.refresh_token }));
  expect(r2.status).toBe(200);
  expect(r2.body.refresh_token).not.toBe(res.body.refresh_token);
});

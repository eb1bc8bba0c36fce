// The request shapes our users send today to Okta, Curity and Oracle IAM (../shared/reference/), sent verbatim:
// the same headers and the same body bytes must work against us unchanged.
import request from 'supertest';
import { basic, createServer } from '../helpers/server';

describe('vendor reference requests', () => {
  it("Okta: Basic client auth, accept header, percent-encoded password '%7CmCovrlnU9oZU4qWGrhQSM%3Dyd', scope=openid", async () => {
    let seenPassword: string | undefined;
    const { fixture } = await createServer();
    const { app: watched } = await createServer({
      verifyUser: async (username, password) => {
        seenPassword = password;
        const row = fixture.users.get(username);
        const bcrypt = await import('bcrypt');
        return row && (await bcrypt.compare(password, row.passwordHash)) ? { id: row.id } : null;
      },
    });
    const res = await request(watched)
      .post('/oauth2/token')
      .set('accept', 'application/json')
      .set('authorization', basic('0oabucvy', 'okta-secret'))
      .set('content-type', 'application/x-www-form-urlencoded')
      .send('grant_type=password&username=testuser1%40example.com&password=%7CmCovrlnU9oZU4qWGrhQSM%3Dyd&scope=openid');
    expect(seenPassword).toBe('|mCovrlnU9oZU4qWGrhQSM=yd');
    expect(res.status).toBe(200);
    // Okta's documented response: access_token, expires_in, id_token, scope "openid", token_type "Bearer".
    expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'openid' });
    expect(res.body.id_token).toEqual(expect.any(String));
  });

  it('Curity: client_secret_post with client_id and client_secret in the body', async () => {
    const { app } = await createServer();
    const res = await request(app)
      .post('/oauth2/token')
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .send('grant_type=password&client_id=legacy&client_secret=THE_SECRET&username=THE_USERNAME&password=THE_USER_PASSWORD');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ token_type: 'Bearer', scope: 'read', refresh_token: expect.any(String) });
  });

  it('Oracle IAM: Basic auth, charset=UTF-8 content type, scope with %20offline_access, refresh token issued', async () => {
    const { fixture } = await createServer();
    const legacy = fixture.clients.get('legacy')!;
    const { app } = await createServer({
      requireOfflineAccess: true,
      findClient: (id) => (id === 'legacy' ? { ...legacy, scopes: ['urn:opc:resource:consumer::all', 'offline_access'] } : null),
    });
    const res = await request(app)
      .post('/oauth2/token')
      .set('Authorization', basic('legacy', 'THE_SECRET'))
      .set('Content-Type', 'application/x-www-form-urlencoded;charset=UTF-8')
      .send('grant_type=password&username=THE_USERNAME&password=THE_USER_PASSWORD&scope=urn:opc:resource:consumer::all%20offline_access');
    expect(res.status).toBe(200);
    expect(res.body.scope).toBe('urn:opc:resource:consumer::all offline_access');
    expect(res.body.refresh_token).toEqual(expect.any(String));
  });

  it('Oracle IAM: without offline_access, no refresh token', async () => {
    const { fixture } = await createServer();
    const legacy = fixture.clients.get('legacy')!;
    const { app } = await createServer({ requireOfflineAccess: true, findClient: (id) => (id === 'legacy' ? legacy : null) });
    const res = await request(app)
      .post('/oauth2/token')
      .set('Authorization', basic('legacy', 'THE_SECRET'))
      .set('Content-Type', 'application/x-www-form-urlencoded;charset=UTF-8')
      .send('grant_type=password&username=THE_USERNAME&password=THE_USER_PASSWORD&scope=read');
    expect(res.status).toBe(200);
    expect(res.body.refresh_token).toBeUndefined();
  });
});

// RFC 6749 §2.3.1: client_secret_basic (form-urlencoded id and secret, then base64) or client_secret_post;
// "The client MUST NOT use more than one authentication method in each request." Public clients send client_id only.
import bcrypt from 'bcrypt';
import request from 'supertest';
import { basic, COST, createServer, form, WEB_SECRET } from '../helpers/server';

const grant = { grant_type: 'password', username: 'alice', password: 'correct horse' };
const tripwire = (): never => {
  throw new Error('verifyUser must not be called when client authentication fails');
};

describe('client authentication', () => {
  it('accepts client_secret_basic with a secret containing a colon, a space and unicode', async () => {
    const { app } = await createServer();
    const res = await request(app).post('/oauth2/token').set('Authorization', basic('web', WEB_SECRET)).type('form').send(form(grant));
    expect(res.status).toBe(200);
  });

  it('splits Basic credentials on the first colon only (secrets may contain colons)', async () => {
    const { app } = await createServer();
    // Not form-encoded at all, as many clients send it: the colon inside the secret must survive.
    const raw = 'Basic ' + Buffer.from(`web:${WEB_SECRET}`).toString('base64');
    const res = await request(app).post('/oauth2/token').set('Authorization', raw).type('form').send(form(grant));
    expect(res.status).toBe(200);
  });

  it('accepts client_secret_post', async () => {
    const { app } = await createServer();
    const res = await request(app)
      .post('/oauth2/token')
      .type('form')
      .send(form({ ...grant, client_id: 'web', client_secret: WEB_SECRET }));
    expect(res.status).toBe(200);
  });

  it('accepts a public client by client_id alone (auth method none)', async () => {
    const { app } = await createServer();
    const res = await request(app)
      .post('/oauth2/token')
      .type('form')
      .send(form({ ...grant, client_id: 'cli' }));
    expect(res.status).toBe(200);
  });

  it('rejects two methods at once with invalid_request', async () => {
    const { app } = await createServer({ verifyUser: tripwire });
    const res = await request(app)
      .post('/oauth2/token')
      .set('Authorization', basic('web', WEB_SECRET))
      .type('form')
      .send(form({ ...grant, client_id: 'web', client_secret: WEB_SECRET }));
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
  });

  it('rejects a body client_id that contradicts the Basic header', async () => {
    const { app } = await createServer({ verifyUser: tripwire });
    const res = await request(app)
      .post('/oauth2/token')
      .set('Authorization', basic('web', WEB_SECRET))
      .type('form')
      .send(form({ ...grant, client_id: 'cli' }));
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
  });

  it.each([
    ['a wrong secret over Basic', basic('web', 'wrong'), undefined],
    ['an unknown client over Basic', basic('nobody', 'whatever'), undefined],
    ['a malformed Basic header', 'Basic !!!notbase64', undefined],
    ['Basic without a colon', 'Basic ' + Buffer.from('webonly').toString('base64'), undefined],
  ])('answers %s with 401 invalid_client and a Basic challenge', async (_n, header) => {
    const { app, events } = await createServer({ verifyUser: tripwire });
    const res = await request(app).post('/oauth2/token').set('Authorization', header).type('form').send(form(grant));
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
    expect(res.headers['www-authenticate']).toBe('Basic realm="https://auth.example.com"');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(events.some((e) => e.name === 'client.failed')).toBe(true);
  });

  it.each([
    ['a wrong secret in the body', { client_id: 'web', client_secret: 'wrong' }],
    ['an unknown client in the body', { client_id: 'nobody', client_secret: 'x' }],
    ['an unknown public client', { client_id: 'nobody' }],
    ['a confidential client without its secret', { client_id: 'web' }],
    ['a public client sending a secret', { client_id: 'cli', client_secret: 'anything' }],
    ['no client at all', {}],
  ])('answers %s with 401 invalid_client and a Basic challenge (RFC 9110 §11.6.1: every 401 has one)', async (_n, creds) => {
    const { app } = await createServer({ verifyUser: tripwire });
    const res = await request(app)
      .post('/oauth2/token')
      .type('form')
      .send(form({ ...grant, ...creds }));
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'invalid_client', error_description: 'Client authentication failed' });
    expect(res.headers['www-authenticate']).toBe('Basic realm="https://auth.example.com"');
  });

  it('does not let one client act as another when findClient ignores its argument', async () => {
    const { fixture } = await createServer();
    const { app } = await createServer({ findClient: () => fixture.clients.get('cli')! });
    const res = await request(app)
      .post('/oauth2/token')
      .type('form')
      .send(form({ ...grant, client_id: 'someone-else' }));
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
  });

  it('honours a client restricted to client_secret_post', async () => {
    const { fixture } = await createServer();
    const web = fixture.clients.get('web')!;
    const { app: strict } = await createServer({
      findClient: (id) => (id === 'web' ? { ...web, tokenEndpointAuthMethod: 'client_secret_post' } : null),
    });
    const viaBasic = await request(strict).post('/oauth2/token').set('Authorization', basic('web', WEB_SECRET)).type('form').send(form(grant));
    expect(viaBasic.status).toBe(401);
    const viaPost = await request(strict)
      .post('/oauth2/token')
      .type('form')
      .send(form({ ...grant, client_id: 'web', client_secret: WEB_SECRET }));
    expect(viaPost.status).toBe(200);
  });

  it('answers a throwing findClient with server_error and an error event, revealing nothing', async () => {
    const { app, events } = await createServer({
      findClient: () => {
        throw new Error('db password is hunter2');
      },
    });
    const res = await request(app).post('/oauth2/token').set('Authorization', basic('web', WEB_SECRET)).type('form').send(form(grant));
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: 'server_error', error_description: 'The server encountered an unexpected condition' });
    const error = events.find((e) => e.name === 'error')?.payload as { detail: string; cause: Error };
    expect(error.detail).toBe('findClient threw');
    expect(error.cause.message).toBe('db password is hunter2');
  });

  it('answers a findClient returning garbage with server_error', async () => {
    const { app } = await createServer({ findClient: () => ({ name: 'no id' }) as never });
    const res = await request(app)
      .post('/oauth2/token')
      .type('form')
      .send(form({ ...grant, client_id: 'cli' }));
    expect(res.status).toBe(500);
    expect(res.body.error).toBe('server_error');
  });
});

describe('an unknown client costs what a known one does (RFC 6819 §4.4.3.2)', () => {
  /** The bcrypt cost of every hash compared during `run` (the spy calls through to the real bcrypt). */
  async function costsCompared(run: () => Promise<unknown>): Promise<number[]> {
    const spy = jest.spyOn(bcrypt, 'compare');
    try {
      await run();
      return spy.mock.calls.map(([, hash]) => Number(String(hash).split('$')[2]));
    } finally {
      spy.mockRestore();
    }
  }

  it('spends its dummy compare at the cost of the client secrets this instance has seen', async () => {
    const { app } = await createServer({ verifyUser: tripwire });
    const unknown = () => request(app).post('/oauth2/token').set('Authorization', basic('nobody', 'whatever')).type('form').send(form(grant));
    // Before any client secret was loaded: the library's default cost.
    expect(await costsCompared(unknown)).toEqual([10]);
    // After one (fixture secrets are hashed at cost 4): the dummy follows it, so both answers take one cost-4 compare.
    expect(await costsCompared(() => request(app).post('/oauth2/token').set('Authorization', basic('web', 'wrong')).type('form').send(form(grant)))).toEqual([
      COST,
    ]);
    expect(await costsCompared(unknown)).toEqual([COST]);
  });
});

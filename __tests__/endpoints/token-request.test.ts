// RFC 6749 §3.2: "The client MUST use the HTTP "POST" method when making access token requests." Parameters sent
// without a value MUST be treated as if omitted; request and response parameters MUST NOT be included more than once.
import express from 'express';
import request from 'supertest';
import { basic, createServer, form, WEB_SECRET } from '../helpers/server';

const good = form({ grant_type: 'password', username: 'alice', password: 'correct horse' });

function expectOAuthError(res: request.Response, status: number, error: string): void {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.headers.pragma).toBe('no-cache');
  expect(res.body.error).toBe(error);
  expect(typeof res.body.error_description).toBe('string');
  expect(JSON.stringify(res.body)).not.toMatch(/at .*\.(ts|js):\d+/);
}

describe('token endpoint request rules', () => {
  it.each(['get', 'put', 'delete', 'patch'] as const)('answers %s with 405 and Allow: POST', async (method) => {
    const { app } = await createServer();
    const res = await request(app)[method]('/oauth2/token');
    expectOAuthError(res, 405, 'invalid_request');
    expect(res.headers.allow).toBe('POST');
  });

  it.each([
    ['JSON', 'application/json', JSON.stringify({ grant_type: 'password', username: 'alice', password: 'correct horse' })],
    ['text', 'text/plain', good],
    ['multipart', 'multipart/form-data; boundary=x', '--x--'],
  ])('rejects a %s body with invalid_request', async (_n, type, body) => {
    const { app } = await createServer();
    const res = await request(app).post('/oauth2/token').set('Authorization', basic('web', WEB_SECRET)).set('Content-Type', type).send(body);
    expectOAuthError(res, 400, 'invalid_request');
  });

  it('accepts a form body with a charset parameter (Oracle IAM sends one)', async () => {
    const { app } = await createServer();
    const res = await request(app)
      .post('/oauth2/token')
      .set('Authorization', basic('web', WEB_SECRET))
      .set('Content-Type', 'application/x-www-form-urlencoded;charset=UTF-8')
      .send(good);
    expect(res.status).toBe(200);
  });

  it('rejects parameters in the query string, even with a valid body', async () => {
    const { app } = await createServer();
    const res = await request(app).post('/oauth2/token?password=correct+horse').set('Authorization', basic('web', WEB_SECRET)).type('form').send(good);
    expectOAuthError(res, 400, 'invalid_request');
  });

  it.each([
    ['grant_type', 'grant_type=password&grant_type=password&username=alice&password=correct+horse'],
    ['username', 'grant_type=password&username=alice&username=bob&password=correct+horse'],
    ['password', 'grant_type=password&username=alice&password=x&password=correct+horse'],
  ])('rejects a repeated %s', async (_n, body) => {
    const { app } = await createServer();
    const res = await request(app).post('/oauth2/token').set('Authorization', basic('web', WEB_SECRET)).type('form').send(body);
    expectOAuthError(res, 400, 'invalid_request');
  });

  it.each([
    ['grant_type', form({ username: 'alice', password: 'correct horse' }), 'grant_type'],
    ['username', form({ grant_type: 'password', password: 'correct horse' }), 'username'],
    ['password', form({ grant_type: 'password', username: 'alice' }), 'password'],
    ['an empty password', form({ grant_type: 'password', username: 'alice', password: '' }), 'password'],
    ['username and password', form({ grant_type: 'password' }), 'username, password'],
  ])('names a missing %s', async (_n, body, named) => {
    const { app } = await createServer({
      verifyUser: () => {
        throw new Error('verifyUser must not be called');
      },
    });
    const res = await request(app).post('/oauth2/token').set('Authorization', basic('web', WEB_SECRET)).type('form').send(body);
    expectOAuthError(res, 400, 'invalid_request');
    expect(res.body.error_description).toContain(named);
  });

  it('answers an oversized body with 413 JSON', async () => {
    const { app } = await createServer();
    const res = await request(app)
      .post('/oauth2/token')
      .type('form')
      .send(`${good}&pad=${'a'.repeat(20_000)}`);
    expectOAuthError(res, 413, 'invalid_request');
  });

  it('answers a streamed oversized body (no Content-Length) with 413 JSON', async () => {
    const { app } = await createServer({ limits: { bodyBytes: 100 } });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const { port } = server.address() as { port: number };
      const http = await import('node:http');
      const result = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = http.request(
          {
            host: '127.0.0.1',
            port,
            method: 'POST',
            path: '/oauth2/token',
            headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Transfer-Encoding': 'chunked' },
          },
          (res) => {
            let body = '';
            res.on('data', (c) => (body += c)).on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          },
        );
        req.on('error', reject);
        req.write('a='.padEnd(80, 'a'));
        req.end('b='.padEnd(80, 'b'));
      });
      expect(result.status).toBe(413);
      expect(JSON.parse(result.body).error).toBe('invalid_request');
    } finally {
      server.close();
    }
  });

  it.each([
    ['broken percent-encoding', 'grant_type=password&username=%zz&password=x'],
    ['percent-encoded invalid UTF-8', 'grant_type=password&username=%ff%fe&password=x'],
    ['a truncated escape', 'grant_type=password&username=alice&password=%4'],
  ])('rejects %s with invalid_request', async (_n, body) => {
    const { app } = await createServer();
    const res = await request(app).post('/oauth2/token').set('Authorization', basic('web', WEB_SECRET)).type('form').send(body);
    expectOAuthError(res, 400, 'invalid_request');
  });

  it('rejects raw invalid UTF-8 bytes in the body', async () => {
    const { app } = await createServer();
    const body = Buffer.concat([Buffer.from('grant_type=password&username='), Buffer.from([0xff, 0xfe]), Buffer.from('&password=x')]);
    // serialize: superagent would otherwise form-encode a Buffer as an object (0=103&1=114...) and send no bad bytes.
    const res = await request(app)
      .post('/oauth2/token')
      .set('Authorization', basic('web', WEB_SECRET))
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .serialize((b: string) => b)
      .send(body as unknown as string);
    expectOAuthError(res, 400, 'invalid_request');
    expect(res.body.error_description).toBe('The request body is not valid UTF-8');
  });

  it('rejects more parameters than the limit', async () => {
    const { app } = await createServer({ limits: { parameters: 5 } });
    const body = `${good}&a=1&b=2&c=3`;
    const res = await request(app).post('/oauth2/token').set('Authorization', basic('web', WEB_SECRET)).type('form').send(body);
    expectOAuthError(res, 400, 'invalid_request');
  });

  it('answers an unknown grant_type with unsupported_grant_type', async () => {
    const { app } = await createServer();
    const res = await request(app)
      .post('/oauth2/token')
      .set('Authorization', basic('web', WEB_SECRET))
      .type('form')
      .send(form({ grant_type: 'authorization_code', code: 'x' }));
    expectOAuthError(res, 400, 'unsupported_grant_type');
  });

  it('answers a grant the client lacks with unauthorized_client, before checking the user', async () => {
    const { app } = await createServer({
      verifyUser: () => {
        throw new Error('verifyUser must not be called');
      },
    });
    const res = await request(app).post('/oauth2/token').set('Authorization', basic('refreshonly', 'refresh-only-secret')).type('form').send(good);
    expectOAuthError(res, 400, 'unauthorized_client');
  });

  describe.each([
    ['express.urlencoded({ extended: false })', (app: express.Express) => app.use(express.urlencoded({ extended: false }))],
    ['express.urlencoded({ extended: true })', (app: express.Express) => app.use(express.urlencoded({ extended: true }))],
    ['express.json()', (app: express.Express) => app.use(express.json())],
  ])('with the app already running %s', (_n, install) => {
    async function appWithParser(): Promise<express.Express> {
      const { auth } = await createServer();
      const app = express();
      install(app);
      app.use('/oauth2', auth.router);
      return app;
    }

    it('issues tokens the same', async () => {
      const res = await request(await appWithParser())
        .post('/oauth2/token')
        .set('Authorization', basic('web', WEB_SECRET))
        .type('form')
        .send(good);
      expect(res.status).toBe(200);
      expect(res.body.access_token).toEqual(expect.any(String));
    });

    it('still rejects repeated parameters', async () => {
      const res = await request(await appWithParser())
        .post('/oauth2/token')
        .set('Authorization', basic('web', WEB_SECRET))
        .type('form')
        .send(`${good}&username=bob`);
      expectOAuthError(res, 400, 'invalid_request');
    });
  });

  it('works under any mount path', async () => {
    const { auth } = await createServer();
    const app = express();
    app.use('/deep/auth/v1', auth.router);
    const res = await request(app).post('/deep/auth/v1/token').set('Authorization', basic('web', WEB_SECRET)).type('form').send(good);
    expect(res.status).toBe(200);
  });

  it('leaves other paths to the app', async () => {
    const { auth } = await createServer();
    const app = express();
    app.use('/oauth2', auth.router);
    app.use((_req, res) => {
      res.status(404).json({ app: 'not found' });
    });
    const res = await request(app).post('/oauth2/elsewhere');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ app: 'not found' });
  });
});

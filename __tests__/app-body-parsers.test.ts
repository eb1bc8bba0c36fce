// __tests__/app-body-parsers.test.ts
// Express 5 apps that install express.urlencoded()/express.json() app-wide, before the router: same token endpoint.

import express from 'express';
import request from 'supertest';
import { basic, createServer, form, WEB_SECRET } from './helpers/server';

// body-parser 2.x (Express 5) leaves no req._body flag, only a consumed stream: the router must not wait on it.
const withParsers = Object.assign(() => express().use(express.urlencoded({ extended: false }), express.json()), express);

function post(app: express.Express, body: string, type = 'application/x-www-form-urlencoded') {
  return request(app).post('/oauth2/token').set('Authorization', basic('web', WEB_SECRET)).set('Content-Type', type).send(body);
}

describe('app-level body parsers before the router (Express 5)', () => {
  it('issues tokens from the form the app already parsed', async () => {
    const { app } = await createServer({}, withParsers as unknown as typeof express);
    const res = await post(app, form({ grant_type: 'password', username: 'alice', password: 'correct horse' }));
    expect(res.status).toBe(200);
    expect(res.body.token_type).toBe('Bearer');
  });

  it.each([
    ['a repeated parameter', 'grant_type=password&username=alice&password=a&password=b'],
    ['a nested parameter', 'grant_type=password&username=alice&password[x]=b'],
    ['no grant_type', 'username=alice&password=correct+horse'],
  ])('still answers 400 invalid_request for %s', async (_name, body) => {
    const { app } = await createServer({}, withParsers as unknown as typeof express);
    const res = await post(app, body);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('answers 400 invalid_request for a JSON body the app parsed with express.json()', async () => {
    const { app } = await createServer({}, withParsers as unknown as typeof express);
    const res = await post(app, JSON.stringify({ grant_type: 'password', username: 'alice', password: 'correct horse' }), 'application/json');
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
  });
});

describe('auth.errorHandler: the app parsers\' own failures on the router\'s paths', () => {
  /** An app as many are written: parsers first, then the router with auth.errorHandler next to it. */
  async function appWithHandler(limit = '100kb') {
    const s = await createServer();
    const app = express();
    app.use(express.json({ limit }), express.urlencoded({ extended: false, limit }));
    app.use('/oauth2', s.auth.router, s.auth.errorHandler);
    app.post('/elsewhere', (_req, res) => res.json({ ok: true }));
    app.use((_err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      void _next;
      res.status(418).type('text/html').send('<h1>the app\'s own error page</h1>');
    });
    return { ...s, app };
  }

  it('answers a malformed JSON body with 400 invalid_request JSON, never echoing the body', async () => {
    const { app, events } = await appWithHandler();
    const res = await post(app, '{"grant_type":"password","password":"hunter2-secret', 'application/json');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({ error: 'invalid_request', error_description: 'The request body could not be read' });
    expect(res.text).not.toContain('hunter2');
    expect(events.filter((e) => e.name === 'error')).toEqual([]);
  });

  it('answers a body over the app parser\'s limit with 413 invalid_request JSON', async () => {
    const { app } = await appWithHandler('1kb');
    const res = await post(app, form({ grant_type: 'password', username: 'alice', password: 'x'.repeat(4096) }));
    expect(res.status).toBe(413);
    expect(res.body).toEqual({ error: 'invalid_request', error_description: 'Request body too large' });
  });

  it('answers an unsupported body encoding with 415 invalid_request JSON', async () => {
    const { app } = await appWithHandler();
    const res = await request(app).post('/oauth2/token').set('Content-Type', 'application/x-www-form-urlencoded').set('Content-Encoding', 'compress-x').send('grant_type=password');
    expect(res.status).toBe(415);
    expect(res.body.error).toBe('invalid_request');
  });

  it('turns any other failure before the router into server_error and an error event', async () => {
    const s = await createServer();
    const app = express();
    app.use((_req, _res, next) => next(new Error('session store down')));
    app.use('/oauth2', s.auth.router, s.auth.errorHandler);
    const res = await post(app, form({ grant_type: 'password', username: 'alice', password: 'correct horse' }));
    expect(res.status).toBe(500);
    expect(res.body.error).toBe('server_error');
    expect(res.text).not.toContain('session store down');
    expect(s.events.some((e) => e.name === 'error')).toBe(true);
  });

  it('leaves the app\'s other paths, and unknown paths under the router, to the app\'s error handler', async () => {
    const { app } = await appWithHandler();
    const elsewhere = await request(app).post('/elsewhere').set('Content-Type', 'application/json').send('{oops');
    expect(elsewhere.status).toBe(418);
    const unknown = await request(app).post('/oauth2/nope').set('Content-Type', 'application/json').send('{oops');
    expect(unknown.status).toBe(418);
  });

  it('changes nothing for valid requests', async () => {
    const { app } = await appWithHandler();
    const res = await post(app, form({ grant_type: 'password', username: 'alice', password: 'correct horse' }));
    expect(res.status).toBe(200);
    expect(res.body.token_type).toBe('Bearer');
  });
});

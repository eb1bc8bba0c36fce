// __tests__/http/app-body-parsers.test.ts
// Express 5 apps that install express.urlencoded()/express.json() app-wide, before the router: same token endpoint.

import express from 'express';
import request from 'supertest';
import { eventually } from '../helpers/eventually';
import { basic, createServer, form, WEB_SECRET } from '../helpers/server';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const express4 = require('express4') as typeof express;

// body-parser 2.x (Express 5) leaves no req._body flag, only a consumed stream: the router must not wait on it.
const withParsers = Object.assign(() => express().use(express.urlencoded({ extended: false }), express.json()), express);

// These apps leave out auth.errorHandler on purpose: its warning is tested below.
const quiet = { warnings: { silence: ['EPG_BODY_PARSED_BEFORE'] } } as const;

function post(app: express.Express, body: string, type = 'application/x-www-form-urlencoded') {
  return request(app).post('/oauth2/token').set('Authorization', basic('web', WEB_SECRET)).set('Content-Type', type).send(body);
}

describe('app-level body parsers before the router (Express 5)', () => {
  it('issues tokens from the form the app already parsed', async () => {
    const { app } = await createServer(quiet, withParsers);
    const res = await post(app, form({ grant_type: 'password', username: 'alice', password: 'correct horse' }));
    expect(res.status).toBe(200);
    expect(res.body.token_type).toBe('Bearer');
  });

  it.each([
    ['a repeated parameter', 'grant_type=password&username=alice&password=a&password=b'],
    ['a nested parameter', 'grant_type=password&username=alice&password[x]=b'],
    ['no grant_type', 'username=alice&password=correct+horse'],
  ])('still answers 400 invalid_request for %s', async (_name, body) => {
    const { app } = await createServer(quiet, withParsers);
    const res = await post(app, body);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('answers 400 invalid_request for a JSON body the app parsed with express.json()', async () => {
    const { app } = await createServer(quiet, withParsers);
    const res = await post(app, JSON.stringify({ grant_type: 'password', username: 'alice', password: 'correct horse' }), 'application/json');
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
  });
});

describe("auth.errorHandler: the app parsers' own failures on the router's paths", () => {
  /** An app as many are written: parsers first, then the router with auth.errorHandler next to it. */
  async function appWithHandler(limit = '100kb') {
    const s = await createServer();
    const app = express();
    app.use(express.json({ limit }), express.urlencoded({ extended: false, limit }));
    app.use('/oauth2', s.auth.router, s.auth.errorHandler);
    app.post('/elsewhere', (_req, res) => res.json({ ok: true }));
    app.use((_err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      void _next;
      res.status(418).type('text/html').send("<h1>the app's own error page</h1>");
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

  it("answers a body over the app parser's limit with 413 invalid_request JSON", async () => {
    const { app } = await appWithHandler('1kb');
    const res = await post(app, form({ grant_type: 'password', username: 'alice', password: 'x'.repeat(4096) }));
    expect(res.status).toBe(413);
    expect(res.body).toEqual({ error: 'invalid_request', error_description: 'Request body too large' });
  });

  it('answers an unsupported body encoding with 415 invalid_request JSON', async () => {
    const { app } = await appWithHandler();
    const res = await request(app)
      .post('/oauth2/token')
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .set('Content-Encoding', 'compress-x')
      .send('grant_type=password');
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

  it("leaves the app's other paths, and unknown paths under the router, to the app's error handler", async () => {
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

describe('EPG_BODY_PARSED_BEFORE: an app-wide parser before the router, without auth.errorHandler', () => {
  const MESSAGE =
    'a body parser of the app (express.json(), express.urlencoded(), ...) runs before auth.router, and ' +
    'auth.errorHandler is not mounted: a body it cannot parse (malformed JSON, over its limit) sent to the token ' +
    "endpoint gets Express's HTML error page instead of an RFC 6749 §5.2 JSON error, and Express's default error " +
    "handler writes the parser's error to stderr, where it can quote the body and its password. Mount it next to the " +
    'router: app.use(\'/oauth2\', auth.router, auth.errorHandler) (see docs/endpoints.md, "Body parsers").';
  const MALFORMED = '{"grant_type":"password","username":"alice","password":"hunter2-secret';
  const login = () => form({ grant_type: 'password', username: 'alice', password: 'correct horse' });

  /** An app as the first hour writes it: discovery, then what `mount` adds (parsers, the router, maybe the handler). */
  async function build(impl: typeof express, mount: (app: express.Express, auth: Awaited<ReturnType<typeof createServer>>['auth']) => void) {
    const { auth } = await createServer();
    const warnings: Array<{ code: string; message: string }> = [];
    auth.on('warning', (w) => warnings.push(w));
    const app = impl();
    app.use(auth.discovery);
    mount(app, auth);
    return { app, warnings };
  }

  let logged: unknown[];
  let spy: jest.SpyInstance;
  beforeEach(() => {
    logged = [];
    spy = jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void logged.push(...args));
  });
  afterEach(() => spy.mockRestore());

  it.each([
    ['Express 5', express],
    ['Express 4', express4],
  ])('is given once, at the first request the router sees, with the one-line fix (%s)', async (_name, impl) => {
    const { app, warnings } = await build(impl, (a, auth) => a.use(impl.json()).use('/oauth2', auth.router));
    // A malformed body never reaches the router: Express answers it with its HTML page, and nothing warns yet.
    const malformed = await post(app, MALFORMED, 'application/json');
    expect(malformed.status).toBe(400);
    expect(malformed.headers['content-type']).toMatch(/^text\/html/);
    expect(warnings).toEqual([]);
    for (let i = 0; i < 2; i++) expect((await post(app, login())).status).toBe(200);
    expect(warnings).toEqual([{ code: 'EPG_BODY_PARSED_BEFORE', message: MESSAGE }]);
  });

  it("documents the leak: outside NODE_ENV=test, Express 5 logs the parser's error with the raw body, password included", async () => {
    const { app } = await build(express, (a, auth) => a.set('env', 'development').use(express.json()).use('/oauth2', auth.router));
    expect((await post(app, MALFORMED, 'application/json')).status).toBe(400);
    // Express logs it on the next turn of the event loop (finalhandler defers it).
    await eventually(() => logged.length > 0, "Express's log line");
    expect(logged).toEqual([expect.objectContaining({ body: MALFORMED })]);
  });

  it.each([
    ['Express 5', express],
    ['Express 4', express4],
  ])('is not given, and Express logs nothing, with auth.errorHandler next to the router (%s)', async (_name, impl) => {
    const { app, warnings } = await build(impl, (a, auth) => a.set('env', 'development').use(impl.json()).use('/oauth2', auth.router, auth.errorHandler));
    const malformed = await post(app, MALFORMED, 'application/json');
    expect(malformed.status).toBe(400);
    expect(malformed.body).toEqual({ error: 'invalid_request', error_description: 'The request body could not be read' });
    expect((await post(app, login())).status).toBe(200);
    expect(warnings).toEqual([]);
    // auth.errorHandler answered: the error never reached Express's final handler, which is what logs.
    expect(logged).toEqual([]);
  });

  it('is not given with auth.errorHandler mounted app-wide after the routes, or inside a Router', async () => {
    const atTheEnd = await build(express, (a, auth) =>
      a
        .use(express.urlencoded({ extended: false }))
        .use('/oauth2', auth.router)
        .use(auth.errorHandler),
    );
    const inRouter = await build(express, (a, auth) => {
      const api = express.Router();
      api.use(express.json(), auth.router, auth.errorHandler);
      a.use('/oauth2', api);
    });
    for (const { app, warnings } of [atTheEnd, inRouter]) {
      expect((await post(app, login())).status).toBe(200);
      expect(warnings).toEqual([]);
    }
  });

  it("is not given when the router is mounted before the app's parsers, or without any", async () => {
    const before = await build(express, (a, auth) => a.use('/oauth2', auth.router).use(express.json()));
    const none = await build(express, (a, auth) => a.use('/oauth2', auth.router));
    for (const { app, warnings } of [before, none]) {
      expect((await post(app, login())).status).toBe(200);
      expect(warnings).toEqual([]);
    }
  });
});

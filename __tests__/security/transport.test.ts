// __tests__/security/transport.test.ts
// requireTLS (RFC 6749 §3.2: "The authorization server MUST require the use of TLS ... when sending requests to the
// token endpoint") honouring `trust proxy`, and the request limits, each a clear 4xx JSON error.

import express from 'express';
import request from 'supertest';
import { basic, createServer, form, WEB_SECRET } from '../helpers/server';

// express4 ships without types; it is Express 4 under an alias.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const express4 = require('express4') as typeof express;

const body = form({ grant_type: 'password', username: 'alice', password: 'correct horse' });
const post = (app: express.Express, path = '/oauth2/token') => request(app).post(path).set('Authorization', basic('web', WEB_SECRET)).type('form');

describe('requireTLS', () => {
  it.each([
    ['Express 5', express],
    ['Express 4', express4],
  ])('refuses plain HTTP with 400 invalid_request (%s)', async (_name, impl) => {
    const { app, events } = await createServer({ requireTLS: true }, impl);
    const res = await post(app).send(body);
    expect(res.status).toBe(400);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({ error: 'invalid_request', error_description: 'TLS is required: use https' });
    expect(events.filter((e) => e.name.startsWith('login'))).toEqual([]);
  });

  it("names requireTLS: false and app.set('trust proxy', ...) in one warning per instance, not in the response", async () => {
    const spy = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const first = await createServer({ requireTLS: true });
      const second = await createServer({ requireTLS: true });
      for (let i = 0; i < 2; i++) {
        const res = await post(first.app).send(body);
        expect(res.body).toEqual({ error: 'invalid_request', error_description: 'TLS is required: use https' });
      }
      await post(second.app).send(body);
      const warnings = spy.mock.calls.filter(([, options]) => options?.code === 'EPG_REQUIRE_TLS').map(([message]) => message);
      const message =
        'express-password-grant: requireTLS refused a plain-HTTP request (400 invalid_request "TLS is required: use https"). ' +
        'It is on by default when NODE_ENV=production. For local development over http, pass requireTLS: false to passwordGrant(). ' +
        "Behind a TLS-terminating proxy, call app.set('trust proxy', ...) with its hop count or address, e.g. app.set('trust proxy', 1), " +
        'so that its X-Forwarded-Proto: https counts.';
      // Two refusals by the first instance, one by the second: one warning each.
      expect(warnings).toEqual([message, message]);
    } finally {
      spy.mockRestore();
    }
  });

  it.each(['/oauth2/TOKEN', '/oauth2/token/', '/oauth2/Token/'])('cannot be sidestepped by spelling the path %s', async (path) => {
    const { app } = await createServer({ requireTLS: true });
    expect((await post(app, path).send(body)).body.error).toBe('invalid_request');
  });

  it('refuses a GET to the endpoint too, before the 405', async () => {
    const { app } = await createServer({ requireTLS: true });
    expect((await request(app).get('/oauth2/token')).status).toBe(400);
  });

  it('accepts X-Forwarded-Proto: https when Express trusts the proxy', async () => {
    const { app } = await createServer({ requireTLS: true });
    app.set('trust proxy', 'loopback');
    expect((await post(app).set('X-Forwarded-Proto', 'https').send(body)).status).toBe(200);
  });

  it('ignores X-Forwarded-Proto when Express does not trust the proxy', async () => {
    const { app } = await createServer({ requireTLS: true });
    expect((await post(app).set('X-Forwarded-Proto', 'https').send(body)).status).toBe(400);
  });

  describe('behind a TLS-terminating proxy Express does not trust', () => {
    const trustProxyWarnings = (spy: jest.SpyInstance): string[] =>
      spy.mock.calls.filter(([, options]) => (options as { code?: string } | undefined)?.code === 'EPG_TRUST_PROXY').map(([message]) => String(message));

    it.each([
      ['Express 5', express],
      ['Express 4', express4],
    ])("names app.set('trust proxy', ...) in every error event and in one warning per instance (%s)", async (_name, impl) => {
      const spy = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
      try {
        const first = await createServer({ requireTLS: true }, impl);
        const second = await createServer({ requireTLS: true }, impl);
        for (let i = 0; i < 2; i++) {
          const res = await post(first.app).set('X-Forwarded-Proto', 'https').send(body);
          // The wire answer is unchanged; the fix is for the operator.
          expect(res.status).toBe(400);
          expect(res.body).toEqual({ error: 'invalid_request', error_description: 'TLS is required: use https' });
        }
        const errors = first.events.filter((e) => e.name === 'error').map((e) => e.payload as { error: string; detail: string });
        expect(errors).toHaveLength(2);
        for (const err of errors) {
          expect(err.error).toBe('invalid_request');
          expect(err.detail).toMatch(
            /^plain-HTTP request with X-Forwarded-Proto: https from \S+, a proxy Express does not trust; set app\.set\('trust proxy', \.\.\.\) to trust it$/,
          );
        }
        expect(trustProxyWarnings(spy)).toHaveLength(1);
        expect(trustProxyWarnings(spy)[0]).toContain("app.set('trust proxy', 1)");
        expect(trustProxyWarnings(spy)[0]).toContain('NODE_ENV=production');
        // Another instance warns for itself.
        await post(second.app).set('X-Forwarded-Proto', 'https, http').send(body);
        expect(trustProxyWarnings(spy)).toHaveLength(2);
      } finally {
        spy.mockRestore();
      }
    });

    it('gives no error event nor trust-proxy warning for plain HTTP without the header, and once the app trusts the proxy', async () => {
      const spy = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
      try {
        const { app, events } = await createServer({ requireTLS: true });
        expect((await post(app).send(body)).status).toBe(400);
        expect((await post(app).set('X-Forwarded-Proto', 'http').send(body)).status).toBe(400);
        app.set('trust proxy', 'loopback');
        expect((await post(app).set('X-Forwarded-Proto', 'https').send(body)).status).toBe(200);
        expect(events.filter((e) => e.name === 'error')).toEqual([]);
        expect(trustProxyWarnings(spy)).toEqual([]);
      } finally {
        spy.mockRestore();
      }
    });
  });

  it("does not touch the app's own routes when the router is mounted at /", async () => {
    const { auth } = await createServer({ requireTLS: true });
    const app = express();
    app.use(auth.router);
    app.get('/hello', (_req, res) => {
      res.send('hi');
    });
    expect((await request(app).get('/hello')).text).toBe('hi');
    expect((await post(app as express.Express, '/token').send(body)).status).toBe(400);
  });

  it('is on by default when NODE_ENV is production, off otherwise', async () => {
    const previous = process.env.NODE_ENV;
    try {
      process.env.NODE_ENV = 'production';
      const prod = await createServer();
      process.env.NODE_ENV = 'development';
      const dev = await createServer();
      expect((await post(prod.app).send(body)).status).toBe(400);
      expect((await post(dev.app).send(body)).status).toBe(200);
    } finally {
      process.env.NODE_ENV = previous;
    }
  });

  it('rejects a non-boolean at construction', async () => {
    await expect(createServer({ requireTLS: 'yes' as unknown as boolean })).rejects.toThrow('options.requireTLS must be a boolean');
  });
});

describe('limits', () => {
  const limits = { bodyBytes: 600, parameters: 6, username: 12, password: 20, scope: 30 };

  it('a body over limits.bodyBytes is 413 with a JSON error', async () => {
    const { app } = await createServer({ limits });
    const res = await post(app).send(form({ grant_type: 'password', username: 'alice', password: 'x'.repeat(700) }));
    expect(res.status).toBe(413);
    expect(res.body).toEqual({ error: 'invalid_request', error_description: 'Request body too large' });
  });

  it('a declared Content-Length over the limit is refused before reading', async () => {
    const { app } = await createServer({ limits });
    const res = await post(app).set('Content-Length', '100000').send('grant_type=password');
    expect([413, 400]).toContain(res.status);
    expect(res.headers['content-type']).toMatch(/json/);
  });

  it('a body that is not UTF-8 is 400 invalid_request (it once crashed the process from inside a stream listener)', async () => {
    const { app } = await createServer();
    const raw = Buffer.from([0x67, 0x72, 0x61, 0x6e, 0x74, 0x5f, 0x74, 0x79, 0x70, 0x65, 0x3d, 0xff, 0xfe, 0xc0, 0x80]); // grant_type=\xff\xfe\xc0\x80
    const res = await post(app)
      .serialize((b: Buffer) => b as unknown as string)
      .send(raw);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_request', error_description: 'The request body is not valid UTF-8' });
  });

  it('more than limits.parameters parameters is 400', async () => {
    const { app } = await createServer({ limits });
    const res = await post(app).send('grant_type=password&username=alice&password=x&a=1&b=2&c=3&d=4');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_request', error_description: 'Too many parameters' });
  });

  it('counts parameters also when the app installed express.urlencoded()', async () => {
    const { auth } = await createServer({ limits });
    const app = express();
    app.use(express.urlencoded({ extended: false }));
    app.use('/oauth2', auth.router);
    const res = await post(app as express.Express).send('grant_type=password&username=alice&password=x&a=1&b=2&c=3&d=4');
    expect(res.body).toEqual({ error: 'invalid_request', error_description: 'Too many parameters' });
  });

  it.each([
    ['Express 5', express],
    ['Express 4', express4],
  ])('does not hang when the app parsed the body first with urlencoded() (%s)', async (_name, impl) => {
    const { auth } = await createServer({}, impl);
    const app = impl();
    app.use(impl.urlencoded({ extended: false }));
    app.use('/oauth2', auth.router);
    expect(
      (
        await post(app as express.Express)
          .timeout(5000)
          .send(body)
      ).status,
    ).toBe(200);
  });

  it.each([
    ['username', { username: 'a'.repeat(13), password: 'x' }, 'Parameter username is too long (max 12)'],
    ['password', { username: 'alice', password: 'p'.repeat(21) }, 'Parameter password is too long (max 20)'],
    ['scope', { username: 'alice', password: 'x', scope: 'orders '.repeat(5) }, 'Parameter scope is too long (max 30)'],
  ])('an over-long %s is 400 naming the parameter', async (_name, params, description) => {
    const { app, events } = await createServer({ limits });
    const res = await post(app).send(form({ grant_type: 'password', ...params }));
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_request', error_description: description });
    expect(events.filter((e) => e.name === 'login.failed')).toEqual([]); // refused before verifyUser
  });

  it('rejects unknown or non-positive limits at construction', async () => {
    await expect(createServer({ limits: { body: 1 } as never })).rejects.toThrow('options.limits.body is not a known option; did you mean bodyBytes?');
    await expect(createServer({ limits: { password: 0 } })).rejects.toThrow('options.limits.password must be a positive integer');
  });
});

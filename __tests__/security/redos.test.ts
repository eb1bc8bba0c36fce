// __tests__/security/redos.test.ts
// Regular expressions on the request path cost time linear in their input: doubling a hostile input must not
// (about) quadruple the time of the request that carries it. Ratios of medians, never absolute times.
//
// Audited (lib/): own-route's trailing-slash strip was quadratic (`/\/+$/` retried at every slash of a run); it now
// scans backwards. The Authorization-header patterns (Bearer/DPoP, Basic) are anchored with disjoint classes and are
// linear; they are measured here too so a future edit cannot quietly make them super-linear.

import type { Server } from 'node:http';
import express from 'express';
import request from 'supertest';
import { doublingRatio, listen } from '../helpers/linear-cost';
import { createServer } from '../helpers/server';

// Node's default header limit is 16 KiB, request line included: 2 x 7,000 characters fit.
const N = 7000;
const slashes = (n: number) => '/oauth2' + '/'.repeat(n) + 'x';
const servers: Server[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
});

async function serve(app: express.Express): Promise<Server> {
  const server = await listen(app);
  servers.push(server);
  return server;
}

describe('hostile paths', () => {
  it('a plain-HTTP request with a long run of slashes costs linear time when requireTLS is on', async () => {
    const { app } = await createServer({ requireTLS: true });
    const server = await serve(app);
    const send = async (path: string) => {
      const res = await request(server).get(path);
      expect(res.status).toBe(404);
    };
    expect(await doublingRatio(slashes, N, send)).toBeLessThan(3);
  });

  it('a body the app parser rejects, on a path with a long run of slashes, costs linear time in auth.errorHandler', async () => {
    const { auth } = await createServer();
    const app = express();
    app.use(express.json());
    app.use('/oauth2', auth.router, auth.errorHandler);
    const server = await serve(app);
    const send = async (path: string) => {
      const res = await request(server).post(path).set('Content-Type', 'application/json').send('{not json');
      expect(res.status).toBe(400);
    };
    expect(await doublingRatio(slashes, N, send)).toBeLessThan(3);
  });

  it('still refuses plain HTTP on the endpoint spelled with trailing slashes', async () => {
    const { app } = await createServer({ requireTLS: true });
    const res = await request(app).post('/oauth2/token///').type('form').send('grant_type=password');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_request', error_description: 'TLS is required: use https' });
  });
});

describe('hostile Authorization headers', () => {
  it.each([
    ['Bearer followed by token characters and a stray byte', (n: number) => 'Bearer ' + 'a'.repeat(n) + '!'],
    ['Bearer followed by spaces and a stray byte', (n: number) => 'Bearer ' + ' '.repeat(n) + '!'],
    ['DPoP with a long padding run', (n: number) => 'DPoP a' + '='.repeat(n) + '!'],
  ])('%s costs linear time at requireToken', async (_name, make) => {
    const { app } = await createServer();
    const server = await serve(app);
    const send = async (value: string) => {
      const res = await request(server).get('/api/orders').set('Authorization', value);
      expect(res.status).toBe(400);
    };
    expect(await doublingRatio(make, N, send)).toBeLessThan(3);
  });

  it.each([
    ['Basic followed by base64 characters and a stray byte', (n: number) => 'Basic ' + 'a'.repeat(n) + '!'],
    ['Basic followed by spaces and a stray byte', (n: number) => 'Basic ' + ' '.repeat(n) + '!'],
  ])('%s costs linear time at the token endpoint', async (_name, make) => {
    const { app } = await createServer();
    const server = await serve(app);
    const send = async (value: string) => {
      const res = await request(server).post('/oauth2/token').set('Authorization', value).type('form').send('grant_type=password');
      expect(res.status).toBeGreaterThanOrEqual(400);
    };
    expect(await doublingRatio(make, N, send)).toBeLessThan(3);
  });
});

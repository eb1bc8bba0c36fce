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

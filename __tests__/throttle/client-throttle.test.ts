// __tests__/throttle/client-throttle.test.ts
// Guessing a client secret (RFC 6749 §2.3.1) is throttled per client id and IP, and softly per client id.

import request from 'supertest';
import { hashSecret } from '../../lib';
import { basic, COST, createServer, form, loadFixture, WEB_SECRET, type TestServer } from '../helpers/server';

function token(s: TestServer, secret: string, ip: string) {
  return request(s.app)
    .post('/oauth2/token')
    .set('X-Forwarded-For', ip)
    .set('Authorization', basic('web', secret))
    .type('form')
    .send(form({ grant_type: 'password', username: 'alice', password: 'correct horse' }));
}

async function server(throttle: object = {}) {
  const s = await createServer({ throttle });
  s.app.set('trust proxy', true);
  return s;
}

it('answers 429 with Retry-After after 10 wrong secrets from one IP, even for the right secret', async () => {
  const s = await server();
  for (let i = 0; i < 10; i++) {
    const res = await token(s, `guess-${i}`, '203.0.113.5');
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
  }
  const res = await token(s, WEB_SECRET, '203.0.113.5');
  expect(res.status).toBe(429);
  expect(res.body.error).toBe('slow_down');
  expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(30);
  expect(s.events.at(-1)).toEqual({ name: 'throttled', payload: { clientId: 'web', ip: '203.0.113.5', key: 'clientIp', retryAfter: expect.any(Number) } });
  // The real backend at its own address keeps working.
  expect((await token(s, WEB_SECRET, '198.51.100.2')).status).toBe(200);
});

it('throttles unknown client ids per IP, like a wrong secret', async () => {
  const s = await server({ clientIp: { max: 3 } });
  const unknown = () =>
    request(s.app)
      .post('/oauth2/token')
      .set('X-Forwarded-For', '203.0.113.5')
      .set('Authorization', basic('nobody', 'x'))
      .type('form')
      .send(form({ grant_type: 'password', username: 'alice', password: 'correct horse' }));
  for (let i = 0; i < 3; i++) expect((await unknown()).status).toBe(401);
  expect((await unknown()).status).toBe(429);
});

it('the per-client limit spares an IP from which the client authenticated, and gives a new IP one attempt', async () => {
  const s = await server({ client: { max: 6 } });
  expect((await token(s, 'wrong', '203.0.113.1')).status).toBe(401); // the attack begins
  expect((await token(s, WEB_SECRET, '10.0.0.8')).status).toBe(200); // the backend, remembered
  for (let i = 2; i < 7; i++) await token(s, 'wrong', `203.0.113.${i}`);
  expect((await token(s, 'wrong', '203.0.113.99')).status).toBe(401); // a new IP's one attempt
  expect((await token(s, 'wrong again', '203.0.113.99')).status).toBe(429);
  expect(s.events.at(-1)).toMatchObject({ name: 'throttled', payload: { key: 'client' } });
  expect((await token(s, WEB_SECRET, '10.0.0.8')).status).toBe(200);
});

it('a successful authentication clears the client+IP counter', async () => {
  const s = await server({ clientIp: { max: 3 } });
  await token(s, 'wrong', '203.0.113.1');
  await token(s, 'wrong', '203.0.113.1');
  expect((await token(s, WEB_SECRET, '203.0.113.1')).status).toBe(200);
  await token(s, 'wrong', '203.0.113.1');
  await token(s, 'wrong', '203.0.113.1');
  expect((await token(s, WEB_SECRET, '203.0.113.1')).status).toBe(200);
});

// Issue 19's sibling: client ids are counted exactly, and a record is kept only when its id is the id presented.
describe('spellings of a client id', () => {
  const post = (s: TestServer, id: string, secret: string) =>
    request(s.app)
      .post('/oauth2/token')
      .set('X-Forwarded-For', '203.0.113.5')
      .set('Authorization', basic(id, secret))
      .type('form')
      .send(form({ grant_type: 'password', username: 'alice', password: 'correct horse' }));

  it("an attacker's own client WEB (ids case-sensitive) authenticating does not clear web's failures at his IP", async () => {
    const f = await loadFixture();
    const own = { ...f.clients.get('web')!, id: 'WEB', secretHash: await hashSecret('mallory-secret', COST) };
    const s = await createServer({ findClient: (id) => (id === 'WEB' ? own : (f.clients.get(id) ?? null)) });
    s.app.set('trust proxy', true);
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 5; i++) expect((await post(s, 'web', `guess-${round}-${i}`)).status).toBe(401);
      expect((await post(s, 'WEB', 'mallory-secret')).status).toBe(200);
    }
    expect((await post(s, 'web', 'guess-again')).status).toBe(429);
  });

  it('a registry matching ids case-insensitively: another spelling is an unknown id, never a check of the secret', async () => {
    const f = await loadFixture();
    const s = await createServer({ findClient: (id) => f.clients.get(id.toLowerCase()) ?? null, throttle: { clientIp: { max: 3 } } });
    s.app.set('trust proxy', true);
    for (const id of ['WEB', 'Web', 'wEB']) expect((await post(s, id, WEB_SECRET)).status).toBe(401);
    expect(s.events.filter((e) => e.name === 'client.failed').map((e) => (e.payload as { detail: string }).detail)).toEqual(Array(3).fill('unknown client'));
    expect((await post(s, 'WeB', WEB_SECRET)).status).toBe(429); // the per-IP bucket of unknown ids
    expect((await post(s, 'web', WEB_SECRET)).status).toBe(200); // the exact id has its own
  });
});

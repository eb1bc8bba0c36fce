// __tests__/throttle/store-failure.test.ts
// A store that fails for a moment (503) must not leave reservations behind: after it recovers, the right credential
// gets in, from the same IP, at once.

import request from 'supertest';
import { MemoryStore, type TokenStore } from '../../lib';
import { basic, createServer, form, WEB_SECRET } from '../helpers/server';

/** A real MemoryStore whose marker reads (`peek`) fail while `down` is set, as on a flaky connection. */
function flaky(): { store: TokenStore; setDown: (down: boolean) => void } {
  const base = new MemoryStore();
  let down = false;
  const store: TokenStore = Object.assign(Object.create(base) as TokenStore, {
    peek: (key: string) => (down ? Promise.reject(new Error('connection reset')) : base.peek(key)),
  });
  return { store, setDown: (d) => (down = d) };
}

it('a login whose reservation half-failed (503) gives back what it reserved: the user is not locked afterwards', async () => {
  const { store, setDown } = flaky();
  const s = await createServer({ store });
  s.app.set('trust proxy', true);
  const login = () =>
    request(s.app)
      .post('/oauth2/token')
      .set('X-Forwarded-For', '192.0.2.40')
      .type('form')
      .send(form({ grant_type: 'password', client_id: 'cli', username: 'bob', password: 'hunter2' }));
  setDown(true);
  for (let i = 0; i < 6; i += 1) expect((await login()).status).toBe(503);
  setDown(false);
  const res = await login();
  expect(res.status).toBe(200);
});

it('a client authentication whose reservation half-failed (503) gives back what it reserved', async () => {
  const { store, setDown } = flaky();
  const s = await createServer({ store });
  s.app.set('trust proxy', true);
  const auth = () =>
    request(s.app)
      .post('/oauth2/token')
      .set('X-Forwarded-For', '192.0.2.41')
      .set('Authorization', basic('web', WEB_SECRET))
      .type('form')
      .send(form({ grant_type: 'password', username: 'bob', password: 'hunter2' }));
  setDown(true);
  for (let i = 0; i < 11; i += 1) expect((await auth()).status).toBe(503);
  setDown(false);
  expect((await auth()).status).toBe(200);
});

// __tests__/example-app/restart.test.ts
// The example app keeps its token state in its SQLite file (SqliteStore): a restart keeps users signed in,
// revocations revoked and throttles counting. Requires the built package and example (`npm test` builds both).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { createApp, type ExampleApp } from '../../example-app/app';

const ALICE = { email: 'alice@example.com', password: 'wonderland' };
const WEB = { id: 'demo-web', secret: 'demo-web-secret' };

let dataDir: string;
const running: ExampleApp[] = [];

/** Starts the example on `dataDir`, as `npm start` would after a restart (same data directory, new process state). */
function start(): ExampleApp {
  const example = createApp({ dataDir, port: 4322, log: () => undefined, bcryptCost: 4 });
  running.push(example);
  return example;
}

/** Stops an instance the way server.ts does on SIGTERM: its store and database closed. */
async function stop(example: ExampleApp): Promise<void> {
  await example.store.close?.();
  example.db.close();
  running.splice(running.indexOf(example), 1);
}

const token = (example: ExampleApp, body: Record<string, string>) =>
  request(example.app).post('/oauth2/token').auth(WEB.id, WEB.secret).type('form').send(new URLSearchParams(body).toString());

beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'epg-restart-'));
});

afterEach(async () => {
  for (const example of [...running]) await stop(example);
  fs.rmSync(dataDir, { recursive: true, force: true });
});

it('keeps a user signed in across a restart: a refresh token issued before it still refreshes after it', async () => {
  const first = start();
  const login = await token(first, { grant_type: 'password', username: ALICE.email, password: ALICE.password, scope: 'openid profile orders' });
  expect(login.status).toBe(200);
  await stop(first);

  const second = start();
  const refreshed = await token(second, { grant_type: 'refresh_token', refresh_token: login.body.refresh_token });
  expect(refreshed.status).toBe(200);
  expect(refreshed.body.refresh_token).not.toBe(login.body.refresh_token);
  const me = await request(second.app).get('/api/me').set('Authorization', `Bearer ${refreshed.body.access_token}`);
  expect(me.status).toBe(200);
  // The old refresh token was spent before the restart's successor was issued: reuse is still detected after it.
  const reused = await token(second, { grant_type: 'refresh_token', refresh_token: login.body.refresh_token });
  expect(reused.status).toBe(400);
  expect(reused.body.error).toBe('invalid_grant');
});

it('keeps a revocation across a restart', async () => {
  const first = start();
  const login = await token(first, { grant_type: 'password', username: ALICE.email, password: ALICE.password, scope: 'profile' });
  expect(login.status).toBe(200);
  const revoked = await request(first.app)
    .post('/oauth2/revoke')
    .auth(WEB.id, WEB.secret)
    .type('form')
    .send(new URLSearchParams({ token: login.body.access_token }).toString());
  expect(revoked.status).toBe(200);
  await stop(first);

  const second = start();
  const me = await request(second.app).get('/api/me').set('Authorization', `Bearer ${login.body.access_token}`);
  expect(me.status).toBe(401);
});

// __tests__/example-app/sqlite-lock.test.ts
// The example app while another process writes to its SQLite file (say `npm run add-user`, or a backup): its other
// routes keep answering and the login waiting for the lock completes once it is free. Requires the built package.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { createApp, type ExampleApp } from '../../example-app/app';
import { holdWriteLock, nextStoreCall, type LockHolder } from '../helpers/sqlite';

let dataDir: string;
let example: ExampleApp | undefined;
let holder: LockHolder | undefined;

beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'epg-example-lock-'));
});

afterEach(async () => {
  await holder?.release();
  await example?.store.close?.();
  example?.db.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

it('answers discovery while a login waits for the lock another process holds, then issues the tokens', async () => {
  example = createApp({ dataDir, port: 4323, log: () => undefined, bcryptCost: 4 });
  holder = await holdWriteLock(path.join(dataDir, 'example.sqlite'));
  const reached = nextStoreCall(example.store);
  let settled = false;
  const login = request(example.app)
    .post('/oauth2/token')
    .auth('demo-web', 'demo-web-secret')
    .type('form')
    .send(new URLSearchParams({ grant_type: 'password', username: 'alice@example.com', password: 'wonderland', scope: 'orders' }).toString())
    .then((res) => {
      settled = true;
      return res;
    });
  await reached;
  const discovery = await request(example.app).get('/.well-known/openid-configuration');
  expect(discovery.status).toBe(200);
  // The login is in the store, waiting for the lock, and yet discovery got an answer: the event loop was free.
  expect(settled).toBe(false);
  await holder.release();
  const res = await login;
  expect(res.status).toBe(200);
  expect(res.body.access_token).toEqual(expect.any(String));
});

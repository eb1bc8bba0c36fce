// __tests__/example-app/sqlite-lock.test.ts
// The example app while another process writes to its SQLite file (say `npm run add-user`, or a backup): its other
// routes keep answering and the login waiting for the lock completes once it is free. Requires the built package.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { createApp, type ExampleApp } from '../../example-app/app';
import { holdWriteLock, whileLocked, type LockHolder } from '../helpers/sqlite';

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
  const { app, store } = (example = createApp({ dataDir, port: 4323, log: () => undefined, bcryptCost: 4 }));
  holder = await holdWriteLock(path.join(dataDir, 'example.sqlite'));
  const login = () =>
    request(app)
      .post('/oauth2/token')
      .auth('demo-web', 'demo-web-secret')
      .type('form')
      .send(new URLSearchParams({ grant_type: 'password', username: 'alice@example.com', password: 'wonderland', scope: 'orders' }).toString());
  const discovery = () => request(app).get('/.well-known/openid-configuration');
  const { otherStatus, otherFirst, waited: res } = await whileLocked(store, holder, login, discovery);
  expect(otherStatus).toBe(200);
  // The login was in the store, waiting for the lock, and yet discovery got an answer: the event loop was free.
  expect(otherFirst).toBe(true);
  expect(res.status).toBe(200);
  expect(res.body.access_token).toEqual(expect.any(String));
});

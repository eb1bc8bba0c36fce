// __tests__/stores/process-exit.test.ts
// A process using the library exits by itself once the app has closed what it opened (its server, its Redis
// client): the library's own timers and connections never keep it alive. Runs the built dist in a child process.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describeWithPostgres, uniqueSchema } from '../helpers/postgres';
import { describeWithRedis, uniquePrefix } from '../helpers/redis';

const ROOT = path.join(__dirname, '..', '..');
const EXIT_WITHIN_MS = 10_000;

/** Everything before the app's own shutdown: an app served over HTTP, one request answered. */
const APP = `
const { generateKeyPairSync } = require('node:crypto');
const express = require('express');
const lib = require('./dist');
const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' });
function serve(store) {
  const auth = lib.passwordGrant({
    issuer: 'https://auth.example.com',
    signingKeys: { kid: 'k1', alg: 'ES256', key },
    findClient: () => null,
    verifyUser: () => null,
    store,
  });
  const app = express();
  app.use('/oauth2', auth.router);
  app.get('/api', auth.requireToken(), (req, res) => res.json({}));
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', async () => {
      const res = await fetch('http://127.0.0.1:' + server.address().port + '/api', { headers: { connection: 'close' } });
      if (res.status !== 401) throw new Error('unexpected status ' + res.status);
      await new Promise((r) => server.close(r));
      resolve();
    });
  });
}
// Resolves once the store's revocation subscription is live, so a test cannot pass by quitting before it opened.
function untilSubscribed(store) {
  return new Promise((resolve) => {
    store.onRevocation(resolve);
    const probe = setInterval(() => store.revokeAccessToken('probe', 0).catch(() => undefined), 50);
    store.onRevocation(() => clearInterval(probe));
  });
}
`;

/** Runs `body` after APP in `node -e`; resolves with how it ended, or kills it if it is still alive after the limit. */
function run(body: string): Promise<{ exited: boolean; code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-e', APP + body], { cwd: ROOT, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), EXIT_WITHIN_MS);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ exited: signal === null, code, stdout, stderr });
    });
  });
}

beforeAll(() => {
  if (!existsSync(path.join(ROOT, 'dist', 'index.js'))) throw new Error('dist/ is missing: run `npm run build` (npm test does it first)');
});

it("exits by itself with a MemoryStore nobody closed (its sweep timer is unref'd)", async () => {
  const result = await run(`serve(new lib.MemoryStore()).then(() => console.log('served'));`);
  expect(result).toMatchObject({ exited: true, code: 0, stdout: 'served\n', stderr: '' });
});

describeWithRedis('with a RedisStore', () => {
  it('exits once the app quits its own Redis client, though it never called store.close()', async () => {
    // The token cache subscribes to revocations at once: a second connection the app did not open itself.
    const result = await run(`
      const Redis = require('ioredis');
      const redis = new Redis(process.env.REDIS_URL);
      const store = new lib.RedisStore({ client: redis, prefix: '${uniquePrefix('exit')}' });
      serve(store).then(async () => {
        await untilSubscribed(store);
        await redis.quit();
        console.log('quit');
      });
    `);
    expect(result).toMatchObject({ exited: true, code: 0, stdout: 'quit\n', stderr: '' });
  });

  it('exits once the app quits its own node-redis client too', async () => {
    const result = await run(`
      const { createClient } = require('redis');
      createClient({ url: process.env.REDIS_URL }).connect().then(async (redis) => {
        const store = new lib.RedisStore({ client: redis, prefix: '${uniquePrefix('exit-nr')}' });
        await serve(store);
        await untilSubscribed(store);
        await redis.quit();
        console.log('quit');
      });
    `);
    expect(result).toMatchObject({ exited: true, code: 0, stdout: 'quit\n', stderr: '' });
  });
});

describeWithPostgres('with a PostgresStore', () => {
  const schema = uniqueSchema('exit');
  afterAll(() => import('../helpers/postgres').then((h) => h.dropSchema(schema)));

  it('exits once the app closes the store and ends its pool: the LISTEN connection is released', async () => {
    // The token cache listens for revocations at once: a connection held out of the app's pool until close().
    const result = await run(`
      const { Pool } = require('pg');
      const pool = new Pool({ connectionString: process.env.DATABASE_URL, connectionTimeoutMillis: 2000 });
      const store = new lib.PostgresStore({ pool, schema: '${schema}' });
      store.migrate().then(() => serve(store)).then(async () => {
        await untilSubscribed(store);
        await store.close();
        await pool.end();
        console.log('ended');
      });
    `);
    expect(result).toMatchObject({ exited: true, code: 0, stdout: 'ended\n', stderr: '' });
  });

  it('exits once the app ends its pool, though it never called store.close()', async () => {
    // pool.end() waits for every checked-out connection: the store lets go of its LISTEN connection by itself.
    const result = await run(`
      const { Pool } = require('pg');
      const pool = new Pool({ connectionString: process.env.DATABASE_URL, connectionTimeoutMillis: 2000 });
      const store = new lib.PostgresStore({ pool, schema: '${schema}' });
      store.migrate().then(() => serve(store)).then(async () => {
        await untilSubscribed(store);
        await pool.end();
        console.log('ended');
      });
    `);
    expect(result).toMatchObject({ exited: true, code: 0, stdout: 'ended\n', stderr: '' });
  });
});

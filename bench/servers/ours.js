// bench/servers/ours.js
// express-password-grant as an app wires it: router at /oauth2, requireToken() on /api/me, the passport strategy on
// /api/orders. STORE=memory|redis|postgres|sqlite; TOKEN_CACHE=0 turns the verified-token cache off; SIGN_ALG=ES256
// signs with a P-256 key instead of RSA 2048; PREFILL=n stores n other users' refresh tokens before listening;
// FIND_USER=1 gives `findUser` (an async primary-key lookup in a Map), which every refresh then calls.

// @ts-check
'use strict';

const path = require('node:path');
const express = require('express');
const bcrypt = require('bcrypt');
const passport = require('passport');
/** @type {typeof import('../../lib')} the built package (dist/), typed by its source */
const epg = require(path.join(__dirname, '..', '..', 'dist'));
const f = require('../fixtures');
const { prefill } = require('../prefill');
const { InstantStrategy } = require('./instant-strategy');
const { PerformanceObserver } = require('node:perf_hooks');
const { generateKeyPairSync } = require('node:crypto');

/** @typedef {import('../../lib').AuthInfo} AuthInfo */
/** @typedef {{ client: import('ioredis').Redis, prefix: string }} RedisHandle  the RedisStore's client and key prefix */
/** @typedef {{ store: import('../../lib').TokenStore, cleanUp: () => Promise<void>, redis?: RedisHandle }} BenchStore */

// Time the main thread spent in GC, read by the runner around each window (where a large heap costs). Only when
// GC_STATS=1 (the growth rows): observing GC costs every collection a JS callback, which the peers' servers and the
// ceilings do not pay, so the other rows run without it.
const gcTotals = { ms: 0, count: 0 };
if (process.env.GC_STATS === '1') {
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gcTotals.ms += entry.duration;
      gcTotals.count += 1;
    }
  }).observe({ entryTypes: ['gc'] });
}

// Counts bcrypt compares (user passwords and client secrets alike), so the bench can show that a confidential
// client costs one bcrypt per request, not two. One increment per call; the library uses this same bcrypt module.
let bcryptCompares = 0;
const compare = bcrypt.compare;
bcrypt.compare = /** @type {typeof compare} */ (
  /**
   * @this {unknown}
   * @param {unknown[]} args
   */
  function countedCompare(...args) {
    bcryptCompares += 1;
    return compare.apply(this, /** @type {Parameters<typeof compare>} */ (args));
  }
);

/**
 * The store, and how to remove what the run left in it (a RedisStore run must not leave keys in the user's Redis).
 * @returns {Promise<BenchStore>}
 */
async function createStore() {
  if (process.env.STORE === 'postgres') return createPostgresStore();
  if (process.env.STORE === 'sqlite') return createSqliteStore();
  if (process.env.STORE !== 'redis') return { store: new epg.MemoryStore(), cleanUp: async () => undefined };
  const { Redis } = require('ioredis');
  const { RedisStore } = epg;
  const client = new Redis(process.env.REDIS_URL || 'redis://127.0.0.1:6379');
  const prefix = `epg-bench-${process.pid}:`;
  const cleanUp = async () => {
    const deadline = setTimeout(() => process.exit(0), 3000);
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length > 0) await client.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
    clearTimeout(deadline);
  };
  return { store: new RedisStore({ client, prefix }), cleanUp, redis: { client, prefix } };
}

/**
 * A PostgresStore in a schema of its own (DATABASE_URL), dropped at the end; the pool as the docs advise.
 * @returns {Promise<BenchStore>}
 */
async function createPostgresStore() {
  const { Pool } = require('pg');
  const pool = new Pool({ connectionString: process.env.DATABASE_URL || 'postgres://root@127.0.0.1:5432/test', connectionTimeoutMillis: 1000 });
  pool.on('error', () => undefined);
  const schema = `epg_bench_${process.pid}`;
  const store = new epg.PostgresStore({ pool, schema });
  await store.migrate();
  const cleanUp = async () => {
    await store.close();
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  };
  return { store, cleanUp };
}

/**
 * A SqliteStore in a temporary file, WAL mode and synchronous=NORMAL as the docs advise; deleted at the end.
 * @returns {Promise<BenchStore>}
 */
async function createSqliteStore() {
  const fs = require('node:fs');
  const os = require('node:os');
  const Database = require('better-sqlite3');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'epg-bench-'));
  const db = new Database(path.join(dir, 'auth.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const store = new epg.SqliteStore({ database: db });
  await store.migrate();
  const cleanUp = async () => {
    await store.close();
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  return { store, cleanUp };
}

async function main() {
  const privatePem =
    process.env.SIGN_ALG === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
      : f.rsaPem().privatePem;
  const userHash = await f.passwordHash();
  const clients = new Map([
    [f.PUBLIC_CLIENT_ID, { id: f.PUBLIC_CLIENT_ID, grants: ['password', 'refresh_token'], scopes: ['profile', 'orders'] }],
    [
      f.CLIENT_ID,
      { id: f.CLIENT_ID, secretHash: await epg.hashSecret(f.CLIENT_SECRET, f.COST), grants: ['password', 'refresh_token'], scopes: ['profile', 'orders'] },
    ],
  ]);
  // The app's users by id, as findUser reads them: the lookup docs/sessions.md advises (a primary key, no joins).
  const usersById = new Map([
    ['u-alice', { id: 'u-alice', claims: { name: 'Alice' } }],
    ['u-probe', { id: 'u-probe', claims: {} }],
  ]);
  const { store, cleanUp, redis } = await createStore();
  const prefilled = await prefillStore(store, Number(process.env.PREFILL || 0), redis);
  const auth = epg.passwordGrant({
    issuer: f.ISSUER,
    audience: f.AUDIENCE,
    signingKeys: { kid: 'k1', alg: process.env.SIGN_ALG === 'ES256' ? 'ES256' : 'RS256', key: privatePem },
    findClient: (id) => clients.get(id) ?? null,
    // The app's own check, as the README shows it: async bcrypt, a dummy compare for unknown users.
    verifyUser: async (username, password) => {
      if (username === f.SEED_USERNAME) return { id: 'u-alice' };
      if (username === f.PROBE_USERNAME) return { id: 'u-probe' };
      if (username !== f.USERNAME) return epg.dummyVerify(password, f.COST).then(() => null);
      return (await bcrypt.compare(password, userHash)) ? { id: 'u-alice' } : null;
    },
    store,
    // One user logging in ~40 times a second, 10 at a time, from one address is exactly the burst the per-user+IP
    // bucket exists to stop; its ceiling is raised so every request still pays the throttle's counter reads/writes.
    // The runner starts servers with NODE_ENV=production over plain loopback HTTP; in production TLS ends at a proxy.
    requireTLS: false,
    throttle: { usernameIp: { max: 1_000_000, windowSeconds: 900, lockSeconds: 30 } },
    ...(process.env.TOKEN_CACHE === '0' ? { tokenCacheSize: 0 } : {}),
    ...(process.env.FIND_USER === '1' ? { findUser: async (sub) => usersById.get(sub) ?? null } : {}),
  });
  auth.on('error', (err) => process.stderr.write(`error event: ${err.message}\n`));
  passport.use(auth.strategy());
  const app = express();
  app.use('/oauth2', auth.router);
  app.get('/api/me', auth.requireToken({ scope: 'profile' }), (req, res) => {
    res.json({ sub: /** @type {AuthInfo} */ (req.auth).sub, scope: /** @type {AuthInfo} */ (req.auth).scope });
  });
  app.get('/api/orders', passport.initialize(), passport.authenticate('oauth2-bearer', { session: false, scope: 'profile' }), (req, res) => {
    res.json({ sub: /** @type {AuthInfo} */ (req.auth).sub, scope: /** @type {AuthInfo} */ (req.auth).scope });
  });
  // The bare route again, in this process: separates the cost of requireToken() from differences between processes.
  app.get('/bench/bare', (_req, res) => {
    res.json({ sub: 'u-alice', scope: ['profile'] });
  });
  // ... and behind a middleware that only sets req.auth: what any Express middleware costs, requireToken() or not.
  /** @type {AuthInfo} */
  const fixedAuth = { sub: 'u-alice', clientId: f.PUBLIC_CLIENT_ID, scope: ['profile'], claims: {}, token: '' };
  app.get(
    '/bench/middleware',
    (req, _res, next) => {
      req.auth = fixedAuth;
      next();
    },
    (req, res) => {
      res.json({ sub: /** @type {AuthInfo} */ (req.auth).sub, scope: /** @type {AuthInfo} */ (req.auth).scope });
    },
  );
  // ... and the passport floor (bench/servers/instant-strategy.js) in this process, beside the `oauth2-bearer` route.
  passport.use(new InstantStrategy());
  app.get('/bench/passport-floor', passport.initialize(), passport.authenticate('instant', { session: false }), (req, res) => {
    res.json({ sub: /** @type {{ id: string }} */ (req.user).id, scope: /** @type {{ scope: string[] }} */ (req.authInfo).scope });
  });
  app.get('/bench/bcrypt-compares', (_req, res) => res.json({ count: bcryptCompares }));
  app.get('/bench/gc', (_req, res) => res.json(gcTotals));
  app.get('/bench/prefill', (_req, res) => res.json(prefilled));
  announce(app, cleanUp);
}

/**
 * Stores `count` refresh tokens and measures what they cost: retained heap and RSS per token after forced GC (when
 * run with --expose-gc); for a RedisStore also Redis bytes per token, from INFO memory and from MEMORY USAGE of the
 * keys under the bench's prefix.
 * @param {import('../../lib').TokenStore} store
 * @param {number} count
 * @param {RedisHandle | undefined} redis
 * @returns {Promise<import('../types/wire').PrefillStats>}
 */
async function prefillStore(store, count, redis) {
  if (count === 0) return { count };
  const gc = () => {
    for (let i = 0; i < 4; i += 1) global.gc?.();
  };
  /** @param {RedisHandle} r */
  const usedMemory = async (r) => Number(/** @type {RegExpExecArray} */ (/used_memory:(\d+)/.exec(await r.client.info('memory')))[1]);
  gc();
  const before = process.memoryUsage();
  const redisBefore = redis ? await usedMemory(redis) : 0;
  const started = Date.now();
  await prefill(store, count, { inFlight: redis ? 64 : 1 });
  const seconds = (Date.now() - started) / 1000;
  gc();
  const after = process.memoryUsage();
  /** @type {import('../types/wire').PrefillStats} */
  const result = {
    count,
    seconds,
    heapPerToken: global.gc ? (after.heapUsed - before.heapUsed) / count : undefined,
    // MemoryStore's refresh tokens live in Buffers (lib/stores/memory/record-table.ts): counted in arrayBuffers, not heapUsed.
    offHeapPerToken: global.gc ? (after.arrayBuffers - before.arrayBuffers) / count : undefined,
    rssPerToken: global.gc ? (after.rss - before.rss) / count : undefined,
    heapUsedMB: after.heapUsed / 1048576,
    rssMB: after.rss / 1048576,
  };
  if (redis) {
    result.redisUsedMemoryPerToken = ((await usedMemory(redis)) - redisBefore) / count;
    let cursor = '0';
    let bytes = 0;
    let keys = 0;
    do {
      const [next, batch] = await redis.client.scan(cursor, 'MATCH', `${redis.prefix}*`, 'COUNT', 1000);
      const pipe = redis.client.pipeline();
      for (const key of batch) pipe.memory('USAGE', key);
      // null only for an aborted MULTI: a pipeline always answers.
      for (const [, n] of /** @type {[Error | null, unknown][]} */ (await pipe.exec())) bytes += Number(n);
      keys += batch.length;
      cursor = next;
    } while (cursor !== '0');
    result.redisMemoryUsagePerToken = bytes / count;
    result.redisKeysPerToken = keys / count;
  }
  return result;
}

const { announce } = f;
main().catch((err) => {
  process.stderr.write(`${err.stack}\n`);
  process.exit(1);
});

// bench/start-servers.js
// The servers a run measures (bench/servers/), started side by side: which of them this build and machine can run
// (RedisStore, PostgresStore, SqliteStore), and a note saying why a row was skipped.

// @ts-check
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { ROOT, start } = require('./runner');

/** @typedef {import('./runner').Server} Server */

/**
 * Every server of a run; a store's server is undefined when its store cannot run here (or under --quick).
 * @typedef {object} Servers
 * @property {Server} ceiling
 * @property {Server} ours
 * @property {Server} oursNoCache
 * @property {Server} oauth2orize
 * @property {Server} nodeOauth
 * @property {Server | undefined} oursRedis
 * @property {Server | undefined} oursPostgres
 * @property {Server | undefined} oursSqlite
 * @property {Server} oursEs256
 * @property {Server} passportFloor
 * @property {Server} oursProtected  the protected-route rows' own server (bench/scenarios/protected.js)
 * @property {Server | undefined} oursFindUser
 * @property {Server | undefined} pgCeiling  the ceilings with PostgreSQL as the durable store (bench/servers/pg-ceiling.js)
 */

/**
 * Starts every server of a run at once. `redisNote`: why the RedisStore rows are skipped (undefined: they run); it is
 * returned set when the RedisStore server does not start.
 * @param {import('./settings').Settings} settings
 * @param {string | undefined} redisNote
 * @param {string | undefined} sqlNote  why the PostgresStore rows are skipped (undefined: they run)
 * @returns {Promise<{ servers: Servers, redisNote: string | undefined }>}
 */
async function startServers(settings, redisNote, sqlNote) {
  /**
   * A server whose store may not run here: undefined (and a line saying why) when it does not start.
   * @param {string} name
   * @param {string} file
   * @param {Record<string, string>} [env]
   */
  const startOrSkip = (name, file, env) =>
    start(name, file, env).catch((err) => {
      process.stdout.write(`${name} did not start: ${err.message.split('\n').slice(0, 3).join(' ')}\n`);
      return undefined;
    });
  /** @type {{ [K in keyof Servers]: Promise<Servers[K]> | undefined }} */
  const starting = {
    ceiling: start('ceiling', 'servers/ceiling.js'),
    ours: start('ours', 'servers/ours.js'),
    oursNoCache: start('ours-nocache', 'servers/ours.js', { TOKEN_CACHE: '0' }),
    oauth2orize: start('oauth2orize', 'servers/oauth2orize.js'),
    nodeOauth: start('node-oauth', 'servers/node-oauth.js'),
    oursRedis: redisNote
      ? undefined
      : start('ours-redis', 'servers/ours.js', { STORE: 'redis' }).catch((err) => {
          // A RedisStore whose constructor differs from `new RedisStore({ client, prefix })` must not sink the run.
          redisNote = `skipped: the RedisStore server did not start (${err.message.split('\n').slice(0, 3).join(' ')})`;
          return undefined;
        }),
    oursPostgres: sqlNote || settings.quickAll ? undefined : startOrSkip('ours-postgres', 'servers/ours.js', { STORE: 'postgres' }),
    oursSqlite:
      !settings.quickAll && fs.existsSync(path.join(ROOT, 'dist', 'stores', 'sqlite', 'sqlite-store.js'))
        ? startOrSkip('ours-sqlite', 'servers/ours.js', { STORE: 'sqlite' })
        : undefined,
    oursEs256: start('ours-es256', 'servers/ours.js', { SIGN_ALG: 'ES256' }),
    passportFloor: start('passport-floor', 'servers/passport-floor.js'),
    oursProtected: start('ours-protected', 'servers/ours.js'),
    oursFindUser: settings.quickAll ? undefined : start('ours-finduser', 'servers/ours.js', { FIND_USER: '1' }),
    pgCeiling: sqlNote || settings.quickAll ? undefined : startOrSkip('pg-ceiling', 'servers/pg-ceiling.js'),
  };
  // Started side by side, then awaited together (a row whose server is undefined is skipped).
  const entries = await Promise.all(Object.entries(starting).map(async ([name, server]) => [name, await server]));
  const servers = /** @type {Servers} */ (Object.fromEntries(entries));
  return { servers, redisNote };
}

/**
 * The SQL stores' servers that started: [scenario id, store name, server].
 * @param {Pick<Servers, 'oursPostgres' | 'oursSqlite'>} s
 * @returns {[string, string, Server][]}
 */
function sqlServers(s) {
  /** @type {[string, string, Server | undefined][]} */
  const all = [
    ['ours-postgres', 'PostgresStore', s.oursPostgres],
    ['ours-sqlite', 'SqliteStore', s.oursSqlite],
  ];
  return /** @type {[string, string, Server][]} */ (all.filter(([, , server]) => server));
}

/** Why the RedisStore rows are skipped, or undefined when this build has RedisStore and Redis answers at REDIS_URL. */
async function redisAvailable() {
  // The source decides: tsc leaves stale files in dist/ when a source file goes away.
  if (
    !fs.existsSync(path.join(ROOT, 'lib', 'stores', 'redis', 'redis-store.ts')) ||
    !fs.existsSync(path.join(ROOT, 'dist', 'stores', 'redis', 'redis-store.js'))
  ) {
    return 'skipped: lib/stores/redis/redis-store.ts is not in this build';
  }
  const { Redis } = require('ioredis');
  const client = new Redis(process.env.REDIS_URL || 'redis://127.0.0.1:6379', { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 1000 });
  try {
    await client.connect();
    await client.ping();
    return undefined;
  } catch (err) {
    return `skipped: Redis unreachable (${/** @type {Error} */ (err).message})`;
  } finally {
    client.disconnect();
  }
}

/** Why the PostgresStore rows are skipped, or undefined when PostgreSQL answers at DATABASE_URL. */
async function postgresAvailable() {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'stores', 'postgres', 'postgres-store.js'))) return 'skipped: PostgresStore is not in this build';
  const { Client } = require('pg');
  const client = new Client({ connectionString: process.env.DATABASE_URL || 'postgres://root@127.0.0.1:5432/test', connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (err) {
    return `skipped: PostgreSQL unreachable (${/** @type {Error} */ (err).message})`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

module.exports = { startServers, sqlServers, redisAvailable, postgresAvailable };

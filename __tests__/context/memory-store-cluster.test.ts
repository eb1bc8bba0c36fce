// __tests__/context/memory-store-cluster.test.ts
// A MemoryStore in a cluster worker keeps tokens and limits per worker: passwordGrant() warns once at startup
// (EPG_MEMORY_STORE_CLUSTER), in a real node:cluster worker (the built dist) and under pm2's cluster mode.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MemoryStore, passwordGrant, SqliteStore, type PasswordGrantOptions, type Warning } from '../../lib';
import { rsaPem } from '../helpers/keys';
import { tempDatabase } from '../helpers/sqlite';

const ROOT = path.join(__dirname, '..', '..');

const MESSAGE =
  'this process is a cluster worker (node:cluster, pm2 cluster mode) and the token store is a MemoryStore (the ' +
  'default): each worker keeps its own, so a refresh token or a revocation one worker issued is unknown to the ' +
  'others, and every throttling limit is multiplied by the number of workers. Give every worker the same shared ' +
  'store: store: new RedisStore(...) or new PostgresStore(...) (see docs/stores.md).';

/**
 * A primary that forks one worker; the worker builds three instances (default store with a `warning` listener attached
 * right after passwordGrant() returns, an explicit MemoryStore without one, a SqliteStore) and reports what it heard.
 */
const CLUSTER = `
const path = require('node:path');
const cluster = require('node:cluster');
if (cluster.isPrimary) {
  const worker = cluster.fork();
  let reported = false;
  worker.on('message', (report) => { reported = true; process.stdout.write(JSON.stringify(report)); worker.kill(); });
  worker.on('exit', () => { if (!reported) process.exitCode = 1; });
} else {
  const { generateKeyPairSync } = require('node:crypto');
  const Database = require(require.resolve('better-sqlite3', { paths: [process.env.EPG_ROOT] }));
  const lib = require(path.join(process.env.EPG_ROOT, 'dist'));
  const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' });
  const base = { issuer: 'https://auth.example.com', signingKeys: { kid: 'k1', alg: 'ES256', key }, findClient: () => null, verifyUser: () => null };
  const processWarnings = [];
  process.on('warning', (w) => { if (String(w.code).startsWith('EPG_')) processWarnings.push({ code: w.code, message: w.message }); });
  const events = [];
  lib.passwordGrant(base).on('warning', (w) => events.push(w));
  lib.passwordGrant({ ...base, store: new lib.MemoryStore() });
  lib.passwordGrant({ ...base, store: new lib.SqliteStore({ database: new Database(':memory:'), sweepIntervalMs: 0 }) });
  // process 'warning' listeners hear emitWarning on a later tick; an immediate runs after every tick.
  setImmediate(() => process.send({ isWorker: cluster.isWorker, events, processWarnings }));
}
`;

/** Runs CLUSTER from a file (cluster.fork() runs the primary's script again, which `node -e` does not have). */
function runCluster(): Promise<string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'epg-cluster-'));
  const script = path.join(dir, 'cluster.js');
  writeFileSync(script, CLUSTER);
  return new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, [script], { cwd: ROOT, env: { ...process.env, EPG_ROOT: ROOT }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`exit ${code}: ${stderr}`))));
  }).finally(() => rmSync(dir, { recursive: true, force: true }));
}

beforeAll(() => {
  if (!existsSync(path.join(ROOT, 'dist', 'index.js'))) throw new Error('dist/ is missing: run `npm run build` (npm test does it first)');
});

it('warns once per instance in a node:cluster worker whose store is a MemoryStore, and not for a SqliteStore', async () => {
  const report = JSON.parse(await runCluster());
  expect(report).toEqual({
    isWorker: true,
    // The listener attached after passwordGrant() returned heard it; that instance wrote no process warning.
    events: [{ code: 'EPG_MEMORY_STORE_CLUSTER', message: MESSAGE }],
    processWarnings: [{ code: 'EPG_MEMORY_STORE_CLUSTER', message: `express-password-grant: ${MESSAGE}` }],
  });
}, 30_000);

describe('under pm2 cluster mode (its environment: pm_id, exec_mode=cluster_mode, instances)', () => {
  const PM2 = ['pm_id', 'exec_mode', 'instances'] as const;
  const saved = Object.fromEntries(PM2.map((name) => [name, process.env[name]]));
  afterEach(() => {
    for (const name of PM2) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });

  /** The warnings one instance gives in the process environment `env`, heard by a listener attached right away. */
  async function warningsWith(env: Partial<Record<(typeof PM2)[number], string>>, store?: PasswordGrantOptions['store']): Promise<Warning[]> {
    for (const name of PM2) delete process.env[name];
    Object.assign(process.env, env);
    const heard: Warning[] = [];
    passwordGrant({
      issuer: 'https://auth.example.com',
      signingKeys: { kid: 'k1', alg: 'RS256', key: rsaPem() },
      findClient: () => null,
      verifyUser: () => null,
      store,
    }).on('warning', (w) => heard.push(w));
    await new Promise((resolve) => setImmediate(resolve));
    return heard;
  }

  it('warns for the default store and for an explicit MemoryStore with several instances', async () => {
    const cluster = { pm_id: '2', exec_mode: 'cluster_mode', instances: '4' };
    expect(await warningsWith(cluster)).toEqual([{ code: 'EPG_MEMORY_STORE_CLUSTER', message: MESSAGE }]);
    expect(await warningsWith(cluster, new MemoryStore())).toEqual([{ code: 'EPG_MEMORY_STORE_CLUSTER', message: MESSAGE }]);
  });

  it('stays quiet for one instance, in fork mode, outside pm2, with a shared store, or when silenced', async () => {
    expect(await warningsWith({ pm_id: '0', exec_mode: 'cluster_mode', instances: '1' })).toEqual([]);
    expect(await warningsWith({ pm_id: '0', exec_mode: 'fork_mode', instances: '4' })).toEqual([]);
    expect(await warningsWith({})).toEqual([]);
    const database = tempDatabase('cluster');
    try {
      expect(
        await warningsWith({ pm_id: '2', exec_mode: 'cluster_mode', instances: '4' }, new SqliteStore({ database: database.db, sweepIntervalMs: 0 })),
      ).toEqual([]);
    } finally {
      database.remove();
    }
    for (const name of PM2) delete process.env[name];
    Object.assign(process.env, { pm_id: '2', exec_mode: 'cluster_mode', instances: '4' });
    const heard: Warning[] = [];
    passwordGrant({
      issuer: 'https://auth.example.com',
      signingKeys: { kid: 'k1', alg: 'RS256', key: rsaPem() },
      findClient: () => null,
      verifyUser: () => null,
      warnings: { silence: ['EPG_MEMORY_STORE_CLUSTER'] },
    }).on('warning', (w) => heard.push(w));
    await new Promise((resolve) => setImmediate(resolve));
    expect(heard).toEqual([]);
  });
});

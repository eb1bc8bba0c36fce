// bench/memory.js
// Run with --expose-gc: RSS and retained heap per refresh token after storing 100k of them in a MemoryStore; with
// MEMORY_FAILED_IDENTITIES=n, the heap the throttle state of n distinct failed logins leaves (bounded by maxEntries).

// @ts-check
'use strict';

const path = require('node:path');
const { createHash, randomUUID } = require('node:crypto');
/** @type {typeof import('../lib')} the built package (dist/), typed by its source */
const { MemoryStore } = require(path.join(__dirname, '..', 'dist'));
const { refreshRecord } = require('./prefill');

const COUNT = Number(process.env.MEMORY_TOKENS || 100_000);
const FAILED = Number(process.env.MEMORY_FAILED_IDENTITIES || 0);
/** @param {string} s */
const sha = (s) => createHash('sha256').update(s).digest('base64url');

/** Forced full collections, so heap readings compare live data only. */
function settle() {
  const { gc } = global;
  if (gc === undefined) throw new Error('run with node --expose-gc');
  for (let i = 0; i < 4; i += 1) gc();
}

/**
 * The worst case for the throttle's state: every failed login a new username from a new IP, so each writes the
 * three counters lib/throttle/login-throttle.ts reserves (username+IP, IP, username) under the keys it uses. 100k
 * refresh tokens are stored first, to show that the cap never evicts them.
 */
async function failedIdentities() {
  const store = new MemoryStore();
  const now = Math.floor(Date.now() / 1000);
  settle();
  const before = process.memoryUsage();
  for (let i = 0; i < 1000; i += 1) {
    await store.saveRefreshToken({
      id: sha(`rt${i}`),
      familyId: randomUUID(),
      clientId: 'web',
      sub: `u-${i}`,
      scope: ['orders'],
      authTime: now,
      issuedAt: now,
      expiresAt: now + 1_209_600,
    });
  }
  const started = Date.now();
  for (let i = 0; i < FAILED; i += 1) {
    const user = `user${i}@example.com`;
    const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    await store.hitBelow(`thr:f:usernameIp:${sha(`${user}\0${ip}`)}`, 5, 900);
    await store.hitBelow(`thr:f:ip:${sha(ip)}`, 100, 3600);
    await store.hitBelow(`thr:f:username:${sha(user)}`, 20, 3600);
  }
  const seconds = (Date.now() - started) / 1000;
  settle();
  const after = process.memoryUsage();
  let tokensKept = 0;
  for (let i = 0; i < 1000; i += 1) if ((await store.findRefreshToken(sha(`rt${i}`))) !== undefined) tokensKept += 1;
  await store.close();
  process.stdout.write(
    JSON.stringify({
      failedIdentities: FAILED,
      counterWrites: FAILED * 3,
      stored: store.size,
      tokensKept,
      heapGrowthMB: (after.heapUsed - before.heapUsed) / 1048576,
      heapUsedMB: after.heapUsed / 1048576,
      rssMB: after.rss / 1048576,
      seconds,
    }) + '\n',
  );
}

async function main() {
  if (typeof global.gc !== 'function') throw new Error('run with node --expose-gc');
  if (FAILED > 0) return failedIdentities();
  const store = new MemoryStore();
  const now = Math.floor(Date.now() / 1000);
  settle();
  const before = process.memoryUsage();
  for (let i = 0; i < COUNT; i += 1) {
    await store.saveRefreshToken(refreshRecord(i, now)); // one login's record (bench/prefill.js)
  }
  settle();
  const after = process.memoryUsage();
  await store.close();
  process.stdout.write(
    JSON.stringify({
      tokens: COUNT,
      stored: store.size,
      heapPerToken: (after.heapUsed - before.heapUsed) / COUNT,
      // MemoryStore keeps refresh tokens in Buffers (lib/stores/memory/record-table.ts): outside heapUsed, inside arrayBuffers.
      offHeapPerToken: (after.arrayBuffers - before.arrayBuffers) / COUNT,
      rssPerToken: (after.rss - before.rss) / COUNT,
      heapUsedMB: after.heapUsed / 1048576,
      rssMB: after.rss / 1048576,
    }) + '\n',
  );
}

main().catch((err) => {
  process.stderr.write(`${err.stack}\n`);
  process.exit(1);
});

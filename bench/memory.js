// bench/memory.js
// Run with --expose-gc: RSS and retained heap per refresh token after storing 100k of them in a MemoryStore.

'use strict';

const path = require('node:path');
const { createHash, randomBytes, randomUUID } = require('node:crypto');
const { MemoryStore } = require(path.join(__dirname, '..', 'dist'));

const COUNT = Number(process.env.MEMORY_TOKENS || 100_000);

function settle() {
  for (let i = 0; i < 4; i += 1) global.gc();
}

async function main() {
  if (typeof global.gc !== 'function') throw new Error('run with node --expose-gc');
  const store = new MemoryStore();
  const now = Math.floor(Date.now() / 1000);
  settle();
  const before = process.memoryUsage();
  for (let i = 0; i < COUNT; i += 1) {
    // The record lib/grants/password.ts saves for one login: SHA-256 id of a 256-bit token, a fresh family (sid).
    const refreshToken = randomBytes(32).toString('base64url');
    await store.saveRefreshToken({
      id: createHash('sha256').update(refreshToken).digest('base64url'),
      familyId: randomUUID(),
      clientId: 'web',
      sub: `u-${i % 5000}`,
      scope: ['openid', 'profile', 'orders'],
      authTime: now,
      issuedAt: now,
      expiresAt: now + 1_209_600,
      username: `user${i % 5000}@example.com`,
    });
  }
  settle();
  const after = process.memoryUsage();
  await store.close();
  process.stdout.write(JSON.stringify({
    tokens: COUNT,
    stored: store.size,
    heapPerToken: (after.heapUsed - before.heapUsed) / COUNT,
    rssPerToken: (after.rss - before.rss) / COUNT,
    heapUsedMB: after.heapUsed / 1048576,
    rssMB: after.rss / 1048576,
  }) + '\n');
}

main().catch((err) => {
  process.stderr.write(`${err.stack}\n`);
  process.exit(1);
});

// bench/prefill.js
// Fills a store with `count` refresh tokens of other users' logins (records shaped as the password grant saves them),
// a bounded number of saves in flight, so the bench can measure cost as the stored work grows.

// @ts-check
'use strict';

const { createHash, randomBytes, randomUUID } = require('node:crypto');

/**
 * The record lib/grants/password.ts saves for login `i`: SHA-256 id of a fresh 256-bit token, a fresh family.
 * @param {number} i
 * @param {number} now  seconds since the epoch
 * @returns {import('../lib').RefreshTokenRecord}
 */
function refreshRecord(i, now) {
  return {
    id: createHash('sha256').update(randomBytes(32)).digest('base64url'),
    familyId: randomUUID(),
    clientId: 'web',
    sub: `u-${i % 5000}`,
    scope: ['openid', 'profile', 'orders'],
    authTime: now,
    issuedAt: now,
    expiresAt: now + 1_209_600,
    username: `user${i % 5000}@example.com`,
  };
}

/**
 * Saves `count` records through `store.saveRefreshToken()`, at most `inFlight` at a time (1 suits MemoryStore, whose
 * saves finish at once; a network store wants a few dozen). Resolves with the number saved.
 * @param {Pick<import('../lib').RefreshTokenStore, 'saveRefreshToken'>} store
 * @param {number} count
 * @param {{ inFlight?: number, now?: number }} [options]
 * @returns {Promise<number>}
 */
async function prefill(store, count, { inFlight = 1, now = Math.floor(Date.now() / 1000) } = {}) {
  if (!Number.isSafeInteger(count) || count < 0) throw new TypeError('prefill: count must be an integer >= 0');
  if (!Number.isSafeInteger(inFlight) || inFlight < 1) throw new TypeError('prefill: inFlight must be an integer >= 1');
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next;
      next += 1;
      await store.saveRefreshToken(refreshRecord(i, now));
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, Math.max(count, 1)) }, worker));
  return count;
}

module.exports = { prefill, refreshRecord };

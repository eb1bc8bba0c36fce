// bench/scenarios/footprint.js
// What stored state costs, each measured by a script of its own in a child process: bytes per refresh token in the
// SQL stores (bench/sql-size.js), MemoryStore's heap per refresh token and the throttle state of a flood of failed
// logins (bench/memory.js, under --expose-gc).

// @ts-check
'use strict';

const { runNode } = require('../runner');

/** @typedef {import('../types/wire').SqlSize} SqlSize */
/** @typedef {import('../types/wire').MemoryRun} MemoryRun */
/** @typedef {import('../types/wire').ThrottleMemory} ThrottleMemory */

/**
 * Bytes per refresh token after 100k in PostgresStore (unless `sqlNote` says why not) and SqliteStore.
 * @param {string | undefined} sqlNote
 * @returns {Promise<SqlSize[]>}
 */
async function sqlSizes(sqlNote) {
  /** @type {SqlSize[]} */
  const sizes = [];
  process.stdout.write('\nSQL stores: bytes per refresh token after 100k\n');
  for (const which of [...(sqlNote ? [] : ['postgres']), 'sqlite']) {
    const size = /** @type {SqlSize} */ (await runNode('sql-size.js', [], {}, [which]));
    sizes.push(size);
    process.stdout.write(`  ${size.store} ${size.bytesPerToken.toFixed(1)} B/token\n`);
  }
  return sizes;
}

/**
 * 100k refresh tokens in a MemoryStore, `runs` times.
 * @param {number} runs
 * @returns {Promise<MemoryRun[]>}
 */
async function memoryRuns(runs) {
  /** @type {MemoryRun[]} */
  const memory = [];
  process.stdout.write('\nMemory: 100k refresh tokens in MemoryStore\n');
  for (let run = 1; run <= runs; run += 1) {
    const m = /** @type {MemoryRun} */ (await runNode('memory.js', ['--expose-gc']));
    memory.push(m);
    process.stdout.write(
      `  run ${run} ${m.heapPerToken.toFixed(1)} B heap/token, ${m.offHeapPerToken.toFixed(1)} B off-heap/token, ${m.rssPerToken.toFixed(1)} B RSS/token\n`,
    );
  }
  return memory;
}

/**
 * The throttle state 1,000,000 distinct failed logins leave in a MemoryStore.
 * @returns {Promise<ThrottleMemory>}
 */
async function throttleMemory() {
  process.stdout.write('\nMemory: throttle state of 1,000,000 distinct failed logins in MemoryStore\n');
  const t = /** @type {ThrottleMemory} */ (await runNode('memory.js', ['--expose-gc'], { MEMORY_FAILED_IDENTITIES: '1000000' }));
  process.stdout.write(`  ${t.stored} entries, heap +${t.heapGrowthMB.toFixed(1)} MB\n`);
  return t;
}

module.exports = { sqlSizes, memoryRuns, throttleMemory };

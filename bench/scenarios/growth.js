// bench/scenarios/growth.js
// Cost as the work grows: servers of ours holding 1k, 100k, 1M stored refresh tokens of other users' logins
// (MemoryStore, and RedisStore when Redis answers), each measured on the protected route, the refresh grant and the
// token endpoint, with the memory each stored token costs.

// @ts-check
'use strict';

const f = require('../fixtures');
const { form, getJson, post } = require('../http');
const { fmt } = require('../report/format');
const { measureGroup, start } = require('../runner');
const { login, loginsFor } = require('./login');
const { CHAINS, refreshScenario } = require('./refresh');

/** @typedef {import('../runner').Scenario} Scenario */

/**
 * One stored-token count: its server and what the prefill cost.
 * @typedef {object} GrowthRow
 * @property {string} id
 * @property {string} label
 * @property {import('../runner').Server} server
 * @property {import('../types/wire').PrefillStats} stats
 */

/**
 * The growth rows and their scenarios in each group (one per row, same id).
 * @typedef {object} Growth
 * @property {GrowthRow[]} rows
 * @property {Scenario[]} prot
 * @property {Scenario[]} refresh
 * @property {Scenario[]} token
 */

/**
 * Cost as the work grows: the same three measurements on servers holding 1k, 100k, 1M stored refresh tokens.
 * @param {import('../settings').Settings} settings
 * @param {string | undefined} redisNote  why the RedisStore rows are skipped (undefined: they run)
 * @returns {Promise<Growth>}
 */
async function growth(settings, redisNote) {
  /** @type {[string, string, Record<string, string>][]} */
  const defs = settings.growth.map((n) => [`mem-${n}`, `MemoryStore, ${n.toLocaleString('en-US')} stored`, { PREFILL: String(n), GC_STATS: '1' }]);
  const redisCount = settings.growthRedis;
  if (!redisNote && redisCount > 0)
    defs.push([
      `redis-${redisCount}`,
      `RedisStore, ${redisCount.toLocaleString('en-US')} stored`,
      { PREFILL: String(redisCount), STORE: 'redis', GC_STATS: '1' },
    ]);
  process.stdout.write(`
Growth: prefilling ${defs.map((d) => d[0]).join(', ')}
`);
  // --max-old-space-size: 1M records are ~0.5 GB of heap, under V8's default limit on small machines.
  const servers = await Promise.all(defs.map(([id, , env]) => start(id, 'servers/ours.js', env, ['--expose-gc', '--max-old-space-size=4096'])));
  /** @type {GrowthRow[]} */
  const rows = [];
  for (let i = 0; i < defs.length; i += 1) {
    const stats = /** @type {import('../types/wire').PrefillStats} */ (await getJson(`${servers[i].url}/bench/prefill`));
    rows.push({ id: defs[i][0], label: defs[i][1], server: servers[i], stats });
    process.stdout
      .write(`  ${defs[i][0]}: ${fmt(stats.heapPerToken)} B heap/token, ${fmt(stats.offHeapPerToken)} B off-heap/token, ${fmt(stats.rssPerToken)} B RSS/token${stats.redisMemoryUsagePerToken ? `, Redis ${fmt(stats.redisMemoryUsagePerToken)} B/token (MEMORY USAGE)` : ''}
`);
  }
  /** @type {Scenario[]} */
  const prot = [];
  for (const r of rows) {
    const t = await post(`${r.server.url}/oauth2/token`, form({ ...login, client_id: f.PUBLIC_CLIENT_ID }));
    prot.push({
      id: r.id,
      label: r.label,
      gc: true,
      request: { url: `${r.server.url}/api/me`, method: 'GET', headers: { authorization: `Bearer ${t.access_token}` } },
    });
  }
  const refresh = rows.map((r) => {
    const url = `${r.server.url}/oauth2/token`;
    return refreshScenario(r.id, r.label, url, { client_id: f.PUBLIC_CLIENT_ID }, {}, loginsFor(url, { client_id: f.PUBLIC_CLIENT_ID }), { gc: true });
  });
  /** @type {Scenario[]} */
  const token = rows.map((r) => ({
    id: r.id,
    label: r.label,
    request: {
      url: `${r.server.url}/oauth2/token`,
      method: 'POST',
      body: form({ ...login, client_id: f.PUBLIC_CLIENT_ID }),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    },
  }));
  await measureGroup(settings, 'Growth: protected route, `requireToken()` (req/s)', prot, 10, settings.duration, settings.protectedRuns);
  await measureGroup(settings, 'Growth: refresh grant, public client (req/s)', refresh, CHAINS, settings.duration, settings.refreshRuns);
  // The token endpoint's p99 is a bcrypt queue: a 1 s window holds ~30 responses, no p99. Not under --quick.
  if (!settings.quick || settings.only !== undefined)
    await measureGroup(settings, 'Growth: token endpoint, password grant (p99)', token, 8, settings.tokenDuration, settings.tokenRuns, true);
  for (const r of rows) r.server.child.kill('SIGTERM');
  return { rows, prot, refresh, token };
}

module.exports = { growth };

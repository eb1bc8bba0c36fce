// bench/scenarios/loop.js
// Event-loop blocking: the protected route's p99 at a fixed rate, alone and while the token endpoint is saturated,
// on the ceiling server and on ours.

// @ts-check
'use strict';

const f = require('../fixtures');
const { form, post } = require('../http');
const { cannon, median } = require('../runner');
const { probeLogin } = require('./login');
const { tokenScenarios } = require('./token');

/**
 * One server's p99s (ms), a pair per round.
 * @typedef {object} LoopTarget
 * @property {string} id
 * @property {string} label
 * @property {string} me  the protected route probed
 * @property {import('autocannon').Options} token  the request that saturates the token endpoint
 * @property {number[]} idle
 * @property {number[]} loaded
 * @property {number} problems  non-2xx responses, errors and timeouts of the probes
 * @property {number} idleMedian
 * @property {number} loadedMedian
 */

/**
 * p99 of the protected route at `settings.rate` req/s, alone and while the token endpoint is saturated.
 * @param {import('../settings').Settings} settings
 * @param {import('../start-servers').Servers} servers
 * @returns {Promise<LoopTarget[]>}
 */
async function eventLoop(settings, servers) {
  const { rate, duration } = settings;
  process.stdout.write(`\nEvent-loop blocking: protected route at ${rate} req/s, p99 idle and under token load\n`);
  // A token of the server probed (each server process signs with a key of its own; the ceiling's /api/me ignores it).
  const { access_token: token } = await post(`${servers.ours.url}/oauth2/token`, form({ ...probeLogin, client_id: f.PUBLIC_CLIENT_ID }));
  const targets = [
    {
      id: 'ceiling',
      label: 'Ceiling server (async bcrypt /token, bare /api/me)',
      me: `${servers.ceiling.url}/api/me`,
      token: { url: `${servers.ceiling.url}/token`, method: 'POST' },
    },
    { id: 'ours', label: 'Ours (token endpoint, `requireToken()` MemoryStore)', me: `${servers.ours.url}/api/me`, token: tokenScenarios(servers)[1].request },
  ].map((t) => ({ ...t, idle: /** @type {number[]} */ ([]), loaded: /** @type {number[]} */ ([]), problems: 0 }));
  /** @param {typeof targets[number]} t */
  const probe = async (t) => {
    const r = await cannon({ url: t.me, headers: { authorization: `Bearer ${token}` }, overallRate: rate, duration });
    t.problems += r.non2xx + r.errors + r.timeouts;
    return r.latency.p99;
  };
  for (let run = 1; run <= settings.loopRuns; run += 1) {
    for (const t of targets) {
      t.idle.push(await probe(t));
      const saturate = cannon({ ...t.token, connections: 8, duration: duration + 1.5 });
      await new Promise((r) => setTimeout(r, 1000));
      t.loaded.push(await probe(t));
      await saturate;
      process.stdout.write(
        `  run ${run} ${t.id.padEnd(8)} p99 idle ${t.idle[t.idle.length - 1]} ms, loaded ${t.loaded[t.loaded.length - 1]} ms${t.problems > 0 ? `, ${t.problems} non-2xx/errors so far` : ''}\n`,
      );
    }
  }
  return targets.map((t) => ({ ...t, idleMedian: median(t.idle), loadedMedian: median(t.loaded) }));
}

module.exports = { eventLoop };

// bench/report/summary.js
// The issue-14 ratios, one line each with its verdict: printed by --quick and BENCH_ONLY runs, and written into
// RESULTS.md.

// @ts-check
'use strict';

const { fmt, verdict } = require('./format');

/** @typedef {import('../runner').Scenario} Scenario */

/**
 * The row of `list` with this id; throws when there is none.
 * @template {{ readonly id: string }} T
 * @param {readonly T[]} list
 * @param {string} id
 * @returns {T}
 */
function byId(list, id) {
  const found = list.find((item) => item.id === id);
  if (found === undefined) throw new Error(`no row ${id}`);
  return found;
}

/**
 * median(a) / median(b) of two scenarios of one list, by id (undefined when either did not run).
 * @param {readonly Scenario[] | undefined} list
 * @param {string} a
 * @param {string} b
 */
function ratioOf(list, a, b) {
  const x = list?.find((sc) => sc.id === a);
  const y = list?.find((sc) => sc.id === b);
  return x?.median === undefined || y?.median === undefined ? undefined : x.median / y.median;
}

/**
 * The median over rounds of a's window / b's window in the same round (undefined when either did not run). Rounds are
 * interleaved seconds apart, so each pair saw the same machine load: steadier than a ratio of medians when the load
 * drifts (the protected route's bare row ranged 1,658-3,762 req/s over one run's rounds).
 * @param {readonly Scenario[] | undefined} list
 * @param {string} a
 * @param {string} b
 */
function pairedOf(list, a, b) {
  const x = list?.find((sc) => sc.id === a);
  const y = list?.find((sc) => sc.id === b);
  if (!x?.samples?.length || !y?.samples?.length || x.samples.length !== y.samples.length) return undefined;
  const ratios = x.samples.map((v, i) => v / /** @type {number[]} */ (y.samples)[i]).sort((p, q) => p - q);
  const mid = Math.floor(ratios.length / 2);
  return ratios.length % 2 === 1 ? ratios[mid] : (ratios[mid - 1] + ratios[mid]) / 2;
}

/**
 * The issue-14 ratios, one line each, with their targets: printed by --quick and written into RESULTS.md.
 * @param {{ token: Scenario[], refresh: Scenario[], prot: Scenario[], grown: import('../scenarios/growth').Growth | undefined }} measured
 * @returns {string[]}
 */
function summary({ token, refresh, prot, grown }) {
  /**
   * @param {string} label
   * @param {number | undefined} value
   * @param {number} [target]
   * @param {boolean} [lowerIsBetter]
   */
  const line = (label, value, target, lowerIsBetter = false) =>
    value === undefined ? undefined : `- ${label}: **${fmt(value, 3)}**${target === undefined ? '' : ` — ${verdict(value, target, lowerIsBetter)}`}`;
  const lines = [
    line('Token endpoint, ours public / ceiling (one bcrypt)', ratioOf(token, 'ours-public', 'ceiling'), 0.97),
    line('Token endpoint, ours confidential / ceiling (one bcrypt)', ratioOf(token, 'ours-confidential', 'ceiling'), 0.97),
    line('Refresh grant, ours public / ceiling (MemoryStore, RS256)', ratioOf(refresh, 'ours-public', 'ceiling'), 0.95),
    line('Refresh grant, ours confidential / ceiling (MemoryStore, RS256)', ratioOf(refresh, 'ours-conf', 'ceiling'), 0.95),
    line('Refresh grant, ours public / ceiling (RedisStore)', ratioOf(refresh, 'ours-redis-public', 'ceiling')),
    line('Refresh grant, ours confidential / ceiling (RedisStore)', ratioOf(refresh, 'ours-redis-conf', 'ceiling')),
    line('Token endpoint, ours public / ceiling (one bcrypt), PostgresStore (3 round trips per login)', ratioOf(token, 'ours-postgres', 'ceiling'), 0.97),
    line('Refresh grant, ours public / ceiling (PostgresStore)', ratioOf(refresh, 'ours-postgres-public', 'ceiling'), 0.9),
    line('Refresh grant, ours confidential / ceiling (PostgresStore)', ratioOf(refresh, 'ours-postgres-conf', 'ceiling'), 0.9),
    // The same targets against what any PostgreSQL-backed server pays on this machine (bench/servers/pg-ceiling.js):
    // PostgreSQL shares the cores, so the lines above mix the database's own cost with ours; these separate them.
    line('PostgreSQL ceiling / ceiling, token endpoint (what one INSERT per login costs any server here)', ratioOf(token, 'pg-ceiling', 'ceiling')),
    line('PostgreSQL ceiling / ceiling, refresh grant (what one consume-and-store statement costs any server here)', ratioOf(refresh, 'pg-ceiling', 'ceiling')),
    line('Token endpoint, ours public, PostgresStore / PostgreSQL ceiling', ratioOf(token, 'ours-postgres', 'pg-ceiling'), 0.97),
    line('Refresh grant, ours public, PostgresStore / PostgreSQL ceiling', ratioOf(refresh, 'ours-postgres-public', 'pg-ceiling'), 0.9),
    line('Refresh grant, ours confidential, PostgresStore / PostgreSQL ceiling', ratioOf(refresh, 'ours-postgres-conf', 'pg-ceiling'), 0.9),
    line('Refresh grant, ES256 / RS256 (ours public, MemoryStore)', ratioOf(refresh, 'ours-es256-public', 'ours-public')),
    line('Refresh grant, `findUser` given / not given (ours public, MemoryStore)', ratioOf(refresh, 'ours-finduser-public', 'ours-public')),
    line('Refresh grant, ours ES256 public / express-oauth-server (opaque)', ratioOf(refresh, 'ours-es256-public', 'node-oauth'), 1),
    line('Refresh grant, ours ES256 confidential / express-oauth-server (opaque)', ratioOf(refresh, 'ours-es256-conf', 'node-oauth'), 1),
    line('Refresh grant, oauth2orize / ceiling', ratioOf(refresh, 'oauth2orize', 'ceiling')),
    line('Refresh grant, express-oauth-server / ceiling', ratioOf(refresh, 'node-oauth', 'ceiling')),
    // The verdict on the median of per-round ratios (issue 21 item 6: a median stable enough to judge); the ratio of
    // medians beside it, without one.
    line('Protected route, `requireToken()` / bare Express, median of per-round ratios', pairedOf(prot, 'ours-memory', 'bare'), 0.95),
    line('Protected route, `requireToken()` / bare Express, ratio of medians', ratioOf(prot, 'ours-memory', 'bare')),
    // No verdict: the router adds no work to a route that does not use it (Express skips the mount); what this ratio
    // shows is the difference between two processes, which is noise around 1.
    line(
      'Protected route, bare route inside our process / bare Express (what the router costs a route that does not use it: nothing, so 1 within noise)',
      ratioOf(prot, 'ours-bare', 'bare'),
    ),
    line(
      'Protected route, `requireToken()` / a middleware that only sets `req.auth` (both in our process: what our code costs beyond any middleware)',
      ratioOf(prot, 'ours-memory', 'ours-middleware'),
    ),
    line('Protected route, passport floor / bare Express', ratioOf(prot, 'passport-floor', 'bare')),
    line('Protected route, ours `oauth2-bearer` / passport floor', ratioOf(prot, 'ours-passport', 'passport-floor'), 0.95),
    line(
      'Protected route, ours `oauth2-bearer` / passport floor in our process (same process: no process-to-process difference)',
      ratioOf(prot, 'ours-passport', 'ours-passport-floor'),
    ),
  ];
  if (grown) {
    const [first] = grown.rows;
    for (const r of grown.rows.slice(1)) {
      /** @param {Scenario[]} list  undefined when either p99 was not measured */
      const p99 = (list) => (byId(list, r.id).p99 ?? NaN) / (byId(list, first.id).p99 ?? NaN) || undefined;
      lines.push(
        line(`Growth ${r.label} / ${first.label}: protected-route req/s`, ratioOf(grown.prot, r.id, first.id), 0.9),
        line(`Growth ${r.label} / ${first.label}: refresh-grant p99`, p99(grown.refresh), 1.1, true),
        line(`Growth ${r.label} / ${first.label}: token-endpoint p99`, p99(grown.token), 1.1, true),
      );
    }
    for (const r of grown.rows) {
      const perToken = r.stats.redisMemoryUsagePerToken;
      if (perToken !== undefined) lines.push(line(`Redis bytes per stored refresh token (MEMORY USAGE, ${r.label})`, perToken, 300, true));
    }
  }
  return lines.filter((l) => l !== undefined);
}

module.exports = { byId, ratioOf, summary };

// bench/settings.js
// What a run measures and for how long, read once from the environment and the command line (docs/performance.md,
// "How to run"): rounds and windows per group, BENCH_ONLY's groups, BENCH_ROWS' rows, and whether RESULTS.md is written.

// @ts-check
'use strict';

/** @typedef {'token' | 'refresh' | 'protected'} RowGroup  a group whose rows BENCH_ROWS, BENCH_ONLY=sql and --quick select */
/** @typedef {RowGroup | 'loop' | 'growth' | 'sqlsize' | 'memory'} Group  a group BENCH_ONLY names (`sql` selects several) */
/** @typedef {ReturnType<typeof readSettings>} Settings */

/** Under BENCH_ONLY=sql a group keeps its ceiling (first row) and the SQL stores' rows only. */
const SQL_IDS = new Set(['ours-postgres', 'ours-sqlite', 'pg-ceiling']);
// --quick keeps to the issue-14 ratios: the SQL stores' token-endpoint and protected-route rows, the SQL sizes and the
// memory rows run only when BENCH_ONLY names them (the growth rows state heap per token under --quick).
// Under --quick (without BENCH_ONLY) each group keeps the rows summary() reads, so the run fits in about a minute: the
// peers' token-endpoint and protected-route rows, the SQL stores' rows, the event loop, the SQL sizes and the memory
// rows run in the full bench, or when BENCH_ONLY names their group.
/** @type {Record<RowGroup, Set<string>>} */
const QUICK_ROWS = {
  token: new Set(['ceiling', 'ours-public', 'ours-confidential']),
  refresh: new Set(['ceiling', 'ours-public', 'ours-conf', 'ours-es256-public', 'ours-es256-conf', 'ours-redis-public', 'ours-redis-conf', 'node-oauth']),
  protected: new Set(['bare', 'ours-memory', 'ours-bare', 'ours-middleware', 'passport-floor', 'ours-passport', 'ours-passport-floor']),
};

/**
 * The settings of one run. `npm run bench -- --quick` (or BENCH_QUICK=1): the same ratios from one short round each,
 * in about a minute, nothing written (for a change that touches a hot path).
 * @param {NodeJS.ProcessEnv} env
 * @param {readonly string[]} argv
 */
function readSettings(env, argv) {
  const quick = env.BENCH_QUICK === '1' || argv.includes('--quick');
  const runs = Number(env.BENCH_RUNS || (quick ? 1 : 3));
  // BENCH_ONLY=token,refresh,protected,growth,loop,memory runs some groups only (for iterating; RESULTS.md is then not written).
  // BENCH_ONLY=sql runs only the SQL stores' rows: token endpoint and protected route beside their ceilings, and the
  // bytes per stored refresh token.
  const only = env.BENCH_ONLY ? new Set(env.BENCH_ONLY.split(',')) : undefined;
  // BENCH_ROWS=ours-public,ours-finduser-public measures only those rows of each group, plus its first (the ceiling every
  // ratio is taken to); for iterating on one row. RESULTS.md is then not written.
  const rows = env.BENCH_ROWS ? new Set(env.BENCH_ROWS.split(',')) : undefined;
  const sqlOnly = only !== undefined && only.has('sql') && only.size === 1;
  const quickAll = quick && only === undefined;
  return {
    quick,
    runs,
    // The protected route swings by up to ±10% between windows on a shared 2-core VM: more rounds there, and its
    // verdict is the median of per-round ratios (report/summary.js): 9 rounds read 0.944 and 15 rounds 0.980 on one
    // quiet machine an hour apart (bench/RESULTS.md, 2026-12-07), so 15.
    protectedRuns: Number(env.BENCH_PROTECTED_RUNS || (quick ? runs : 15)),
    /** Seconds per measurement. */
    duration: Number(env.BENCH_DURATION || (quick ? 1 : 5)),
    // bcrypt-bound scenarios serve ~30 req/s: longer windows so that each median rests on a few hundred requests.
    tokenDuration: Number(env.BENCH_TOKEN_DURATION || (quick ? 1 : 5)),
    // ... and more rounds: bcrypt throughput swings with any other load on the machine, so pair rounds closely.
    tokenRuns: Number(env.BENCH_TOKEN_RUNS || (quick ? runs : 7)),
    // A p99 of 1000 samples moves with every hiccup of a shared machine: more rounds for the event-loop test too.
    loopRuns: Number(env.BENCH_LOOP_RUNS || (quick ? runs : 5)),
    warmup: quick ? 0.3 : 1.5,
    // The refresh grant's rounds (its CHAINS rotating chains: bench/scenarios/refresh.js).
    refreshRuns: Number(env.BENCH_REFRESH_RUNS || (quick ? runs : 5)),
    // Cost as the work grows: refresh tokens of other users' logins stored before the server listens. --quick stops at
    // 100k, and RedisStore at 10k (a 1M prefill takes ~10 s and ~0.5 GB); BENCH_GROWTH=1000,100000,1000000 and
    // BENCH_GROWTH_REDIS=100000 choose.
    growth: (env.BENCH_GROWTH || (quick ? '1000,100000' : '1000,100000,1000000')).split(',').map(Number),
    growthRedis: Number(env.BENCH_GROWTH_REDIS || (quick ? 10_000 : 100_000)),
    /** req/s of the protected route in the event-loop test. */
    rate: 200,
    only,
    rows,
    sqlOnly,
    quickAll,
    write: only === undefined && rows === undefined && (!quick || env.BENCH_WRITE === '1'),
    // A bcrypt-bound window answers ~200 requests in bursts (4 pool threads, 8 connections): counting responses over
    // the whole window swings by a burst depending on where the window happens to end. Those scenarios are rated over
    // their steady state instead: responses after the first steadySkip seconds, up to the last one, per elapsed second.
    steadySkip: quick ? 0.5 : 1,
    /** A line quoted in RESULTS.md. */
    note: env.BENCH_NOTE,
    /**
     * Whether BENCH_ONLY lets `group` run.
     * @param {Group} group
     */
    measures: (group) => only === undefined || only.has(group) || (sqlOnly && (group === 'token' || group === 'protected' || group === 'sqlsize')),
    /**
     * The rows of `group` this run measures: BENCH_ROWS', BENCH_ONLY=sql's or --quick's, each beside the group's first.
     * @template {{ readonly id: string }} S
     * @param {RowGroup} group
     * @param {S[]} scenarios
     * @returns {S[]}
     */
    forGroup: (group, scenarios) =>
      rows
        ? scenarios.filter((sc, i) => i === 0 || rows.has(sc.id))
        : sqlOnly
          ? scenarios.filter((sc, i) => i === 0 || SQL_IDS.has(sc.id))
          : quickAll
            ? scenarios.filter((sc) => QUICK_ROWS[group].has(sc.id))
            : scenarios,
    /**
     * Groups --quick leaves to the full bench unless BENCH_ONLY names them.
     * @param {Group} group
     */
    quickSkips: (group) => quickAll && (group === 'sqlsize' || group === 'memory' || group === 'loop'),
  };
}

module.exports = { readSettings };

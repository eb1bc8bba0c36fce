// bench/run.js
// `npm run bench`: starts each server as a child process on 127.0.0.1, drives it with autocannon, reports medians
// and ratios measured in the same run, and writes bench/RESULTS.md. `npm run bench -- --quick` (or BENCH_QUICK=1): the
// same ratios from one short round each, in about a minute, nothing written (for a change that touches a hot path).
// The settings are read in bench/settings.js, the rows defined in bench/scenarios/, measured by bench/runner.js and
// reported by bench/report/.

// @ts-check
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { partialReport } = require('./report/partial');
const { commit } = require('./report/provenance');
const { report } = require('./report/results');
const { summary } = require('./report/summary');
const { measureGroup, stopAll } = require('./runner');
const footprint = require('./scenarios/footprint');
const { growth } = require('./scenarios/growth');
const { eventLoop } = require('./scenarios/loop');
const { protectedScenarios } = require('./scenarios/protected');
const { CHAINS, refreshScenarios } = require('./scenarios/refresh');
const { tokenScenarios } = require('./scenarios/token');
const { readSettings } = require('./settings');
const { postgresAvailable, redisAvailable, startServers } = require('./start-servers');

process.on('exit', stopAll);
process.on('SIGINT', () => process.exit(130));

async function main() {
  const settings = readSettings(process.env, process.argv);
  const { quick, measures, forGroup, quickSkips } = settings;
  // The 1-minute load average lags: after a test run it stays above 1 for a while on an idle machine. Wait (at most
  // 90 s) for it to settle, so the figure recorded says whether something else was running.
  for (let waited = 0; !quick && os.loadavg()[0] > 0.8 && waited < 90; waited += 5) await new Promise((r) => setTimeout(r, 5000));
  const startedAt = new Date();
  const measured = commit(); // before the run: what dist/ was built from, not what the tree holds when it ends
  const load = { start: os.loadavg()[0] };
  let redisNote = await redisAvailable();
  const sqlNote = await postgresAvailable();
  process.stdout.write(`bench: ${quick ? 'QUICK' : 'full'} mode, ${settings.runs} runs x ${settings.duration}s, load avg ${load.start.toFixed(2)}\n`);
  const started = await startServers(settings, redisNote, sqlNote);
  const { servers } = started;
  redisNote = started.redisNote;

  const token = forGroup('token', tokenScenarios(servers));
  if (measures('token')) await measureGroup(settings, 'Token endpoint (req/s)', token, 8, settings.tokenDuration, settings.tokenRuns, true);
  const refresh = forGroup('refresh', refreshScenarios(servers));
  if (measures('refresh'))
    await measureGroup(settings, `Refresh grant, ${CHAINS} rotating chains (req/s)`, refresh, CHAINS, settings.duration, settings.refreshRuns);
  const prot = forGroup('protected', await protectedScenarios(servers));
  if (measures('protected')) await measureGroup(settings, 'Protected route (req/s)', prot, 10, settings.duration, settings.protectedRuns);
  const loop = measures('loop') && !quickSkips('loop') ? await eventLoop(settings, servers) : [];
  for (const s of Object.values(servers)) if (s) s.child.kill('SIGTERM');
  const grown = measures('growth') ? await growth(settings, redisNote) : undefined;

  const sqlSizes = measures('sqlsize') && !quickSkips('sqlsize') ? await footprint.sqlSizes(sqlNote) : [];
  const memory = measures('memory') && !quickSkips('memory') ? await footprint.memoryRuns(quick ? 1 : settings.runs) : [];
  const throttleMemory = measures('memory') && !quickSkips('memory') ? await footprint.throttleMemory() : undefined;
  if (settings.only !== undefined) {
    process.stdout.write(partialReport({ token, refresh, prot, grown, loop, sqlSizes, sqlNote }));
    return;
  }

  const markdown = report(settings, {
    token,
    refresh,
    prot,
    grown,
    loop,
    memory,
    throttleMemory,
    redisNote,
    startedAt,
    load,
    commit: measured,
    sqlSizes,
    sqlNote,
  });
  // --quick prints its ratios only; the full report goes to RESULTS.md (and to the terminal) from a full run.
  process.stdout.write(quick && !settings.write ? `\n${summary({ token, refresh, prot, grown }).join('\n')}\n` : `\n${markdown}\n`);
  if (settings.write) {
    fs.writeFileSync(path.join(__dirname, 'RESULTS.md'), markdown);
    process.stdout.write('wrote bench/RESULTS.md\n');
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`bench failed: ${err.stack}\n`);
    process.exit(1);
  },
);

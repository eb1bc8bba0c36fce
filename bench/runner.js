// bench/runner.js
// Runs the measurements: starts servers and helper scripts as child processes, drives a scenario with autocannon
// for one window, and measures a group in interleaved rounds, keeping samples, medians and ratios on each scenario.

// @ts-check
'use strict';

const path = require('node:path');
const { spawn } = require('node:child_process');
const autocannon = require('autocannon');
const { bcryptCompares, cpuUsage, gcTotals } = require('./http');

/**
 * A bench server process (bench/servers/) listening on 127.0.0.1.
 * @typedef {object} Server
 * @property {string} name
 * @property {import('node:child_process').ChildProcess} child
 * @property {string} url  `http://127.0.0.1:<port>`
 * @property {() => string} stderr  what it wrote to stderr so far
 */

/**
 * One row of a group: what it sends, and (once measured by `measureGroup`) what it measured.
 * @typedef {object} Scenario
 * @property {string} id
 * @property {string} label
 * @property {import('autocannon').Options} request  `connections` is set by `measureGroup`
 * @property {number} [target]  the least ratio of medians to the group's first row that meets the target
 * @property {string} [bcryptCounter]  base URL of one of our servers, whose bcrypt compares are counted
 * @property {boolean} [gc]  read GET /bench/gc around each window (servers started with GC_STATS=1)
 * @property {boolean} [es256]
 * @property {() => Promise<void>} [topUp]  run before each window (outside the CPU reading)
 * @property {string[]} [pool]  the refresh tokens of the scenario's rotating chains
 * @property {boolean} [steady]  rated over its steady state (bcrypt-bound scenarios)
 * @property {number} [problems]  non-2xx responses, errors and timeouts
 * @property {number[]} [samples]  successful responses per second, one per round
 * @property {number} [compares]  bcrypt compares counted at `bcryptCounter`
 * @property {number} [responses]  responses counted beside `compares`
 * @property {number[]} [cpu]  server CPU µs per response, one per round
 * @property {number[]} [p99s]
 * @property {number[]} [gcShares]  share of each window spent in GC
 * @property {number} [median]  set by `measureGroup`: undefined while the group has not run
 * @property {number} [ratio]  median / the first row's median
 * @property {number} [pairedRatio]  median of the per-round ratios to the first row
 * @property {number} [cpuMedian]
 * @property {number} [cpuRatio]  the first row's median CPU / this one's
 * @property {number} [p99]
 * @property {number} [gcShare]
 */

const ROOT = path.join(__dirname, '..');
const T0 = Date.now();
const elapsed = () => `[${((Date.now() - T0) / 1000).toFixed(0)} s]`;
/** @type {Set<import('node:child_process').ChildProcess>} */
const children = new Set();

// ---------------------------------------------------------------------------------------------------- processes

/**
 * Starts bench/`file` and resolves once it announced its port (first stdout line, bench/fixtures.js `announce`).
 * @param {string} name
 * @param {string} file  relative to bench/
 * @param {Record<string, string>} [env]
 * @param {string[]} [nodeArgs]
 * @returns {Promise<Server>}
 */
function start(name, file, env = {}, nodeArgs = []) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, path.join(__dirname, file)], {
      cwd: ROOT,
      env: { ...process.env, NODE_ENV: 'production', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    let announced = false;
    let out = '';
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.stdout.on('data', (d) => {
      out += d;
      const line = out.split('\n')[0];
      if (out.includes('\n') && !announced) {
        announced = true;
        try {
          const { port } = JSON.parse(line);
          resolve({ name, child, url: `http://127.0.0.1:${port}`, stderr: () => err });
        } catch {
          reject(new Error(`${name}: bad announce line ${line}`));
        }
      }
    });
    child.on('exit', (code) => {
      children.delete(child);
      if (!announced) reject(new Error(`${name} exited with ${code} before listening:\n${err}`));
    });
  });
}

/** SIGTERM to every child still running. */
function stopAll() {
  for (const child of children) child.kill('SIGTERM');
}

/**
 * Runs bench/`file` to its end and resolves with the JSON it printed.
 * @param {string} file  relative to bench/
 * @param {string[]} nodeArgs
 * @param {Record<string, string>} [env]
 * @param {string[]} [args]
 * @returns {Promise<unknown>}
 */
function runNode(file, nodeArgs, env = {}, args = []) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, path.join(__dirname, file), ...args], { cwd: ROOT, env: { ...process.env, ...env } });
    children.add(child);
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => {
      children.delete(child);
      if (code === 0) resolve(JSON.parse(out));
      else reject(new Error(`${file} failed (${code}): ${err}`));
    });
  });
}

// ---------------------------------------------------------------------------------------------------- load

/**
 * One autocannon window.
 * @param {import('autocannon').Options} opts
 * @param {(client: unknown, status: number) => void} [onResponse]
 * @returns {Promise<import('autocannon').Result>}
 */
function cannon(opts, onResponse) {
  return new Promise((resolve, reject) => {
    const instance = autocannon({ connections: 10, ...opts }, (err, result) => (err ? reject(err) : resolve(result)));
    if (onResponse) instance.on('response', onResponse);
  });
}

/**
 * Successful responses per second between the first response after `skip` seconds and the last one.
 * @param {number[]} times  when each successful response arrived (ms)
 * @param {number} startedAt  ms
 * @param {number} skip  seconds
 */
function steadyRate(times, startedAt, skip) {
  const from = startedAt + skip * 1000;
  const steady = times.filter((t) => t >= from);
  if (steady.length < 2) return undefined;
  return (steady.length - 1) / ((steady[steady.length - 1] - steady[0]) / 1000);
}

/** @param {readonly number[]} values */
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/**
 * Throughput of one scenario: successful responses per second; any non-2xx or error is reported, not hidden.
 * @param {Scenario} scenario
 * @param {number} duration  seconds
 * @param {number} steadySkip  seconds not counted at the start of a steady-state window
 */
async function throughput(scenario, duration, steadySkip) {
  const before = scenario.bcryptCounter ? await bcryptCompares(scenario.bcryptCounter) : 0;
  const origin = new URL(scenario.request.url).origin;
  // Before the CPU reading: replacing lost chains costs bcrypt logins that are not part of the refresh window.
  if (scenario.topUp) await scenario.topUp();
  const cpuBefore = await cpuUsage(origin);
  const gcBefore = scenario.gc ? await gcTotals(origin) : undefined;
  /** @type {number[]} */
  const okTimes = [];
  const startedAt = Date.now();
  /** @type {((client: unknown, status: number) => void) | undefined} */
  const onResponse = scenario.steady ? (_client, status) => status < 300 && okTimes.push(Date.now()) : undefined;
  const result = await cannon({ ...scenario.request, duration }, onResponse);
  // A bcrypt-bound server is still working on the requests in flight when the window closes (one per connection):
  // let it finish them, and count them, so their CPU is not billed to the next scenario's window.
  const inFlight = scenario.steady ? (scenario.request.connections ?? 0) : 0;
  if (inFlight > 0) await new Promise((r) => setTimeout(r, 500));
  const cpuAfter = await cpuUsage(origin);
  (scenario.p99s ??= []).push(result.latency.p99);
  if (gcBefore) {
    const gcAfter = await gcTotals(origin);
    (scenario.gcShares ??= []).push((gcAfter.ms - gcBefore.ms) / (result.duration * 1000));
  }
  const answered = result['2xx'] + result.non2xx + inFlight;
  if (answered > 0) {
    (scenario.cpu ??= []).push((cpuAfter.user - cpuBefore.user + cpuAfter.system - cpuBefore.system) / answered);
  }
  const ok = result['2xx'];
  const bad = result.non2xx + result.errors + result.timeouts;
  if (bad > 0) scenario.problems = (scenario.problems || 0) + bad;
  if (scenario.bcryptCounter) {
    const compares = (await bcryptCompares(scenario.bcryptCounter)) - before;
    scenario.compares = (scenario.compares || 0) + compares;
    scenario.responses = (scenario.responses || 0) + answered;
  }
  return (scenario.steady && steadyRate(okTimes, startedAt, steadySkip)) || ok / result.duration;
}

/**
 * Runs every scenario `runs` times, interleaved (round robin) so drifting machine load hits all of them alike.
 * @param {{ readonly warmup: number, readonly steadySkip: number }} timing  seconds (bench/settings.js)
 * @param {string} title
 * @param {Scenario[]} scenarios
 * @param {number} connections
 * @param {number} duration  seconds per window
 * @param {number} runs
 * @param {boolean} [steady]  rate each window over its steady state
 */
async function measureGroup(timing, title, scenarios, connections, duration, runs, steady = false) {
  process.stdout.write(`\n${title} ${elapsed()}\n`);
  for (const sc of scenarios) {
    sc.request.connections = connections;
    sc.steady = steady;
    await throughput(sc, timing.warmup, timing.steadySkip);
    sc.problems = 0;
    sc.samples = [];
    sc.compares = 0;
    sc.responses = 0;
    sc.cpu = [];
    sc.p99s = [];
    sc.gcShares = [];
  }
  for (let run = 1; run <= runs; run += 1) {
    for (const sc of scenarios) {
      const sample = await throughput(sc, duration, timing.steadySkip);
      (sc.samples ??= []).push(sample);
      process.stdout.write(`  run ${run} ${sc.id.padEnd(18)} ${sample.toFixed(1)} req/s\n`);
    }
  }
  const baseSamples = scenarios[0].samples ?? [];
  const baseCpu = scenarios[0].cpu ?? [];
  for (const sc of scenarios) {
    const samples = sc.samples ?? [];
    sc.median = median(samples);
    sc.ratio = sc.median / median(baseSamples);
    // Each round's ratio pairs measurements taken seconds apart, which cancels slow drifts in machine load.
    sc.pairedRatio = median(samples.map((v, i) => v / baseSamples[i]));
    sc.cpuMedian = median(sc.cpu ?? []);
    sc.cpuRatio = median(baseCpu) / sc.cpuMedian;
    sc.p99 = median(sc.p99s ?? []);
    sc.gcShare = sc.gcShares && sc.gcShares.length > 0 ? median(sc.gcShares) : undefined;
  }
}

module.exports = { ROOT, start, stopAll, runNode, cannon, median, measureGroup };

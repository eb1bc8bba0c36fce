// bench/report/partial.js
// What a BENCH_ONLY run prints instead of writing RESULTS.md: each measured row's figures, the ratios it can state,
// the event loop's medians and the SQL sizes.

// @ts-check
'use strict';

const { fmt } = require('./format');
const { sqlSizeSection } = require('./results');
const { summary } = require('./summary');

/** @typedef {import('../runner').Scenario} Scenario */

/**
 * @param {Pick<import('./results').Results, 'token' | 'refresh' | 'prot' | 'grown' | 'loop' | 'sqlNote'> & { sqlSizes: import('../types/wire').SqlSize[] }} measured
 * @returns {string}
 */
function partialReport({ token, refresh, prot, grown, loop, sqlSizes, sqlNote }) {
  /** @type {[string, Scenario[]][]} */
  const groups = [
    ['token', token],
    ['refresh', refresh],
    ['protected', prot],
    ...(grown
      ? /** @type {[string, Scenario[]][]} */ ([
          ['growth-protected', grown.prot],
          ['growth-refresh', grown.refresh],
          ['growth-token', grown.token],
        ])
      : []),
  ];
  let out = '';
  // A group that did not run has no medians.
  for (const [name, list] of groups) {
    if (list[0].median === undefined) continue;
    out += `${name}\n`;
    for (const sc of list) {
      out += `  ${sc.id.padEnd(22)} median ${fmt(sc.median)} ratio ${fmt(sc.ratio, 3)} paired ${fmt(sc.pairedRatio, 3)} cpu ${fmt(sc.cpuMedian, 0)} cpu-ratio ${fmt(sc.cpuRatio, 3)} p99 ${fmt(sc.p99)} ms${sc.gcShare === undefined ? '' : ` gc ${fmt(100 * sc.gcShare)} %`}\n`;
    }
  }
  out += `${summary({ token, refresh, prot, grown }).join('\n')}\n`;
  for (const t of loop) out += `${t.id} p99 idle ${t.idleMedian} loaded ${t.loadedMedian}\n`;
  if (sqlSizes.length > 0) out += `\n${sqlSizeSection(sqlSizes, sqlNote).join('\n')}\n`;
  return out;
}

module.exports = { partialReport };

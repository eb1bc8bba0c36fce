// bench/report/format.js
// How figures are written in the bench's output: numbers with a fixed number of decimals, and target verdicts.

// @ts-check
'use strict';

/**
 * `n` with `d` decimals; 'n/a' for a figure that was not measured.
 * @param {number | undefined} n
 * @param {number} [d]
 */
const fmt = (n, d = 1) => (n !== undefined && Number.isFinite(n) ? n.toFixed(d) : 'n/a');

/**
 * met / NOT met against `target`; none when measured requests failed (they measured the error path instead).
 * @param {number} value
 * @param {number | undefined} target
 * @param {boolean} [lowerIsBetter]
 * @param {number} [problems]  non-2xx responses and errors of the measurement
 */
const verdict = (value, target, lowerIsBetter = false, problems = 0) =>
  target === undefined
    ? ''
    : problems > 0
      ? `**invalid run**: ${problems} non-2xx/errors`
      : (lowerIsBetter ? value <= target : value >= target)
        ? `met (target ${lowerIsBetter ? '<=' : '>='} ${target})`
        : `**NOT met** (target ${lowerIsBetter ? '<=' : '>='} ${target})`;

module.exports = { fmt, verdict };

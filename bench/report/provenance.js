// bench/report/provenance.js
// What was measured: the commit dist/ was built from, and the installed versions of the packages compared.

// @ts-check
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { ROOT } = require('../runner');

/**
 * The installed version of a package, or 'n/a'.
 * @param {string} name
 * @returns {string}
 */
function version(name) {
  try {
    return JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return 'n/a';
  }
}

/** The commit measured, marked when the working tree differs from it. */
function commit() {
  /** @param {string[]} args */
  const git = (args) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
  try {
    return `${git(['rev-parse', '--short', 'HEAD'])}${git(['status', '--porcelain', '--', 'lib', 'bench/servers']) === '' ? '' : ' (with uncommitted changes to lib/ or bench/servers/)'}`;
  } catch {
    return 'unknown (not a git checkout)';
  }
}

module.exports = { version, commit };

// scripts/write-esm-wrapper.js
// Writes dist/index.mjs and dist/testing/index.mjs: ES modules re-exporting the CommonJS build, so `import` and
// `require()` of the root and of `./testing` share one copy.
const fs = require('node:fs');
const path = require('node:path');

const dist = path.join(__dirname, '..', 'dist');

/** dist/<dir>/index.mjs re-exporting every name of dist/<dir>/index.js. */
function writeWrapper(dir) {
  const cjs = require(path.join(dist, dir, 'index.js'));
  const names = Object.keys(cjs).filter((n) => n !== 'default' && n !== '__esModule');
  const body = ["import cjs from './index.js';", ...names.map((n) => `export const ${n} = cjs.${n};`), 'export default cjs;', ''].join('\n');
  fs.writeFileSync(path.join(dist, dir, 'index.mjs'), body);
}

writeWrapper('.');
writeWrapper('testing');

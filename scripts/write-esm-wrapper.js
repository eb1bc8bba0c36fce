// scripts/write-esm-wrapper.js
// Writes dist/index.mjs: an ES module re-exporting the CommonJS build, so `import` and `require()` share one copy.
const fs = require('node:fs');
const path = require('node:path');

const dist = path.join(__dirname, '..', 'dist');
const cjs = require(path.join(dist, 'index.js'));
const names = Object.keys(cjs).filter((n) => n !== 'default' && n !== '__esModule');
const body = [
  "import cjs from './index.js';",
  ...names.map((n) => `export const ${n} = cjs.${n};`),
  'export default cjs;',
  '',
].join('\n');
fs.writeFileSync(path.join(dist, 'index.mjs'), body);

// __tests__/testing/package-export.test.ts
// `express-password-grant/testing` resolves to the built kit, for require() and import alike (needs `npm run build`).

import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const root = path.join(__dirname, '..', '..');

function run(code: string, type: 'commonjs' | 'module'): string {
  const args = type === 'module' ? ['--input-type=module', '-e', code] : ['-e', code];
  return execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8' }).trim();
}

it('exports runTokenStoreContract to require()', () => {
  const out = run(
    "const t = require('express-password-grant/testing'); console.log(typeof t.runTokenStoreContract, require.resolve('express-password-grant/testing'))",
    'commonjs',
  );
  expect(out).toBe(`function ${path.join(root, 'dist', 'testing', 'index.js')}`);
});

it('exports runTokenStoreContract to import, through its own ESM entry, sharing the CommonJS copy', () => {
  const code = [
    "import { runTokenStoreContract } from 'express-password-grant/testing';",
    "import { createRequire } from 'node:module';",
    "const cjs = createRequire(process.cwd() + '/')('express-password-grant/testing');",
    "console.log(typeof runTokenStoreContract, runTokenStoreContract === cjs.runTokenStoreContract, import.meta.resolve('express-password-grant/testing'));",
  ].join(' ');
  expect(run(code, 'module')).toBe(`function true ${pathToFileURL(path.join(root, 'dist', 'testing', 'index.mjs')).href}`);
});

it('says clearly when it is called outside a test file', () => {
  const out = run(
    "try { require('express-password-grant/testing').runTokenStoreContract({ name: 'x', create: () => ({}) }) } catch (e) { console.log(e.message) }",
    'commonjs',
  );
  expect(out).toMatch(/call runTokenStoreContract\(\) in a test file/);
});

// __tests__/bench/typecheck.test.ts
// bench/ is plain JavaScript type-checked by tsc (tsconfig.bench.json: checkJs, strict, JSDoc types, lib/'s own types),
// so a slip in the runner or a change to the library's API fails `npm test` rather than the next benchmark run.

import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
const TSC = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

/** tsc's exit code and output for `args` (run from the repository root). */
function tsc(args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [TSC, ...args], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number(err.code ?? 1) : 0, output: `${stdout}${stderr}` });
    });
  });
}

/** Every .js file under `dir`, relative to the root, with `/` separators. */
function jsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) return jsFiles(p);
    return entry.name.endsWith('.js') ? [path.relative(ROOT, p).split(path.sep).join('/')] : [];
  });
}

it('bench/ type-checks: tsc -p tsconfig.bench.json --noEmit exits 0 with no output', async () => {
  const { code, output } = await tsc(['-p', 'tsconfig.bench.json', '--noEmit', '--pretty', 'false']);
  // The whole output on failure: every error with its file and line.
  expect({ code, output }).toEqual({ code: 0, output: '' });
}, 120_000);

it('the check covers every .js file under bench/', async () => {
  const { code, output } = await tsc(['-p', 'tsconfig.bench.json', '--listFilesOnly']);
  expect(code).toBe(0);
  const checked = new Set(output.split('\n').map((line) => path.relative(ROOT, line.trim()).split(path.sep).join('/')));
  const bench = jsFiles(path.join(ROOT, 'bench'));
  expect(bench.length).toBeGreaterThan(20);
  expect(bench.filter((file) => !checked.has(file))).toEqual([]);
}, 120_000);

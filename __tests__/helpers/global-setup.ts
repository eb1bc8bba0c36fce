// __tests__/helpers/global-setup.ts
// Jest globalSetup: builds dist/ once, before any suite runs, when a selected suite uses the build and the build is
// missing or older than the sources, so `npx jest` never tests a stale dist/ (and `npm test` builds exactly once).

import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { moduleSpecifiers } from './import-graph';

const ROOT = path.join(__dirname, '..', '..');
const TESTS = path.join(ROOT, '__tests__');
const DIST = path.join(ROOT, 'dist');
/** What the build reads: a change to any of them makes dist/ stale. */
const BUILD_INPUTS = ['lib', 'tsconfig.json', 'tsconfig.build.json', 'package.json', 'scripts/write-esm-wrapper.js'];
/** Where the hash of the inputs of the last build is kept: outside dist/ (it is published) and per checkout. */
const STAMP = path.join(os.tmpdir(), 'express-password-grant-build', `${createHash('sha256').update(ROOT).digest('hex').slice(0, 16)}.hash`);

export default function globalSetup(globalConfig: { readonly testPathPattern: string }): void {
  if (!selectedSuites(globalConfig.testPathPattern).some((suite) => usesDist(suite))) return;
  const hash = inputsHash();
  if (isFresh(hash)) return;
  process.stdout.write('\nglobalSetup: dist/ is missing or stale; building it once (npm run build)\n');
  // A clean build: files of modules since moved or deleted must not linger in dist/.
  fs.rmSync(DIST, { recursive: true, force: true });
  execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  fs.mkdirSync(path.dirname(STAMP), { recursive: true });
  fs.writeFileSync(STAMP, hash);
}

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const p = path.join(dir, entry.name);
    return entry.isDirectory() ? files(p) : [p];
  });
}

/** The test files this run selects, as Jest matches its path pattern (case-insensitive, on the absolute path). */
export function selectedSuites(pattern: string): string[] {
  const re = new RegExp(pattern === '' ? '.' : pattern, 'i');
  return files(TESTS).filter((f) => f.endsWith('.test.ts') && re.test(f));
}

/** A suite uses the build when it, or a test helper it imports, names dist/ (every such file does, to find it). */
export function usesDist(suite: string, seen = new Set<string>()): boolean {
  // This file names dist/ itself, but a suite importing it (its own test) does not run the build.
  if (seen.has(suite) || suite === __filename) return false;
  seen.add(suite);
  const text = fs.readFileSync(suite, 'utf8');
  if (/\bdist\b/.test(text)) return true;
  return moduleSpecifiers(suite, text)
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => path.resolve(path.dirname(suite), spec))
    .flatMap((base) => [`${base}.ts`, path.join(base, 'index.ts')])
    .filter((file) => file.startsWith(TESTS) && fs.existsSync(file))
    .some((file) => usesDist(file, seen));
}

function inputsHash(): string {
  const hash = createHash('sha256');
  const inputs = BUILD_INPUTS.map((p) => path.join(ROOT, p)).flatMap((p) => (fs.statSync(p).isDirectory() ? files(p) : [p]));
  for (const file of inputs.sort()) hash.update(path.relative(ROOT, file)).update('\0').update(fs.readFileSync(file)).update('\0');
  return hash.digest('hex');
}

function isFresh(hash: string): boolean {
  const built = ['index.js', 'index.mjs', 'index.d.ts', 'testing/index.js'].every((f) => fs.existsSync(path.join(DIST, f)));
  return built && fs.existsSync(STAMP) && fs.readFileSync(STAMP, 'utf8') === hash;
}

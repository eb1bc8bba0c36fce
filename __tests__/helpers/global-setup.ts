// __tests__/helpers/global-setup.ts
// Jest globalSetup: builds dist/ and example-app/dist/ once, before any suite runs, when a selected suite uses a build
// and it is missing or older than the sources, so `npx jest` never tests a stale build (`npm test`'s pretest builds).

import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { moduleSpecifiers } from './import-graph';

const ROOT = path.join(__dirname, '..', '..');
const TESTS = path.join(ROOT, '__tests__');
const DIST = path.join(ROOT, 'dist');
const EXAMPLE_DIST = path.join(ROOT, 'example-app', 'dist');
/** What the builds read (`npm run build`, `npm run build:example`): a change to any of them makes them stale. */
const BUILD_INPUTS = ['lib', 'example-app', 'tsconfig.json', 'tsconfig.build.json', 'tsconfig.example.json', 'package.json', 'scripts/write-esm-wrapper.js'];
/** Not inputs: the builds' own output, and the example app's runtime data. */
const NOT_INPUTS = [EXAMPLE_DIST, path.join(ROOT, 'example-app', 'data')];
/** Where the hash of the inputs of the last build is kept: outside dist/ (it is published) and per checkout. */
const STAMP = path.join(os.tmpdir(), 'express-password-grant-build', `${createHash('sha256').update(ROOT).digest('hex').slice(0, 16)}.hash`);

export default function globalSetup(globalConfig: { readonly testPathPattern: string }): void {
  if (!selectedSuites(globalConfig.testPathPattern).some((suite) => usesDist(suite))) return;
  const hash = inputsHash();
  // Under `npm test` the pretest script has just built both from these very sources.
  if (process.env.npm_lifecycle_event !== 'test' && !isFresh(hash)) {
    process.stdout.write('\nglobalSetup: a build is missing or stale; building once (npm run build, npm run build:example)\n');
    // A clean build: files of modules since moved or deleted must not linger.
    fs.rmSync(DIST, { recursive: true, force: true });
    fs.rmSync(EXAMPLE_DIST, { recursive: true, force: true });
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    execFileSync(npm, ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
    execFileSync(npm, ['run', 'build:example'], { cwd: ROOT, stdio: 'inherit' });
  }
  fs.mkdirSync(path.dirname(STAMP), { recursive: true });
  fs.writeFileSync(STAMP, hash);
}

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const p = path.join(dir, entry.name);
    if (NOT_INPUTS.includes(p) || entry.name === 'node_modules') return [];
    return entry.isDirectory() ? files(p) : [p];
  });
}

/** The test files this run selects, as Jest matches its path pattern (case-insensitive, on the absolute path). */
export function selectedSuites(pattern: string): string[] {
  const re = new RegExp(pattern === '' ? '.' : pattern, 'i');
  return files(TESTS).filter((f) => f.endsWith('.test.ts') && re.test(f));
}

/**
 * A suite uses a build when it, or a file it imports (test helpers, the example app's sources; lib/ is compiled from
 * source), names dist/ or imports the package by its name (jest maps that to dist/, as Node resolves it).
 */
export function usesDist(suite: string, seen = new Set<string>()): boolean {
  // This file names dist/ itself, but a suite importing it (its own test) does not run the build.
  if (seen.has(suite) || suite === __filename) return false;
  seen.add(suite);
  const text = fs.readFileSync(suite, 'utf8');
  if (/\bdist\b/.test(text)) return true;
  const specs = moduleSpecifiers(suite, text);
  if (specs.some((spec) => spec === 'express-password-grant' || spec.startsWith('express-password-grant/'))) return true;
  return specs
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => path.resolve(path.dirname(suite), spec))
    .flatMap((base) => [`${base}.ts`, path.join(base, 'index.ts')])
    .filter((file) => !file.startsWith(path.join(ROOT, 'lib') + path.sep) && fs.existsSync(file))
    .some((file) => usesDist(file, seen));
}

function inputsHash(): string {
  const hash = createHash('sha256');
  const inputs = BUILD_INPUTS.map((p) => path.join(ROOT, p)).flatMap((p) => (fs.statSync(p).isDirectory() ? files(p) : [p]));
  for (const file of inputs.sort()) hash.update(path.relative(ROOT, file)).update('\0').update(fs.readFileSync(file)).update('\0');
  return hash.digest('hex');
}

function isFresh(hash: string): boolean {
  const built =
    ['index.js', 'index.mjs', 'index.d.ts', 'testing/index.js'].every((f) => fs.existsSync(path.join(DIST, f))) &&
    fs.existsSync(path.join(EXAMPLE_DIST, 'server.js'));
  return built && fs.existsSync(STAMP) && fs.readFileSync(STAMP, 'utf8') === hash;
}

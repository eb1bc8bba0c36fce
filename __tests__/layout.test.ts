// __tests__/layout.test.ts
// __tests__/ mirrors the source (docs/architecture.md, "Where tests go"): a test sits in the folder of the unit it
// tests, lib/x/ in __tests__/x/, or in one of the named folders below for what crosses units.

import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.join(__dirname, '..');
const LIB = path.join(ROOT, 'lib');

/** Folders for suites that cross units, with what each holds. None of them is a folder of lib/. */
const CROSS_UNIT: Readonly<Record<string, string>> = {
  security: 'the threat model (docs/security.md), one threat across every path it reaches',
  compliance: 'RFC requirements checked across endpoints',
  interop: 'third-party clients and resource servers against the router',
  docs: 'README.md and docs/ against the code',
  packaging: 'the package as built, packed and installed',
  express4: 'every Express 4 test: the library and the app on Express 4',
  helpers: 'the test helpers, and their own tests',
};

/** Source trees other than lib/ that tests mirror the same way: __tests__/example-app/ for example-app/. */
const OTHER_SOURCES = ['example-app', 'bench'];

/** Test files at the top of __tests__/ that test no one unit: lib/ as a whole, and this layout. */
const TOP_LEVEL = ['architecture.test.ts', 'layout.test.ts'];

/** Every test file under `dir`, relative to it, with `/` separators. */
function testFiles(dir: string, under = ''): string[] {
  return fs.readdirSync(path.join(dir, under), { withFileTypes: true }).flatMap((entry) => {
    const rel = under === '' ? entry.name : `${under}/${entry.name}`;
    if (entry.isDirectory()) return testFiles(dir, rel);
    return entry.name.endsWith('.test.ts') ? [rel] : [];
  });
}

const isDirectory = (p: string): boolean => fs.existsSync(p) && fs.statSync(p).isDirectory();

/** Why `file` (relative to __tests__/) is out of place, or undefined when it is where the layout says. */
function misplaced(file: string, lib = LIB, root = ROOT): string | undefined {
  const parts = file.split('/');
  const name = parts.pop() as string;
  if (parts.length === 0) {
    // A test of a top-level lib file mirrors it here (lib/password-grant.ts: __tests__/password-grant.test.ts).
    if (TOP_LEVEL.includes(name) || fs.existsSync(path.join(lib, name.replace(/\.test\.ts$/, '.ts')))) return undefined;
    return `${file}: no lib/${name.replace(/\.test\.ts$/, '.ts')}, and not in TOP_LEVEL`;
  }
  const folder = parts.join('/');
  if (Object.hasOwn(CROSS_UNIT, parts[0])) return undefined;
  if (OTHER_SOURCES.includes(parts[0])) return isDirectory(path.join(root, folder)) ? undefined : `${file}: no ${folder}/`;
  return isDirectory(path.join(lib, folder)) ? undefined : `${file}: no lib/${folder}/, and ${parts[0]} is not in CROSS_UNIT`;
}

it('puts every test in the folder of the lib/ unit it tests, or in a named cross-unit folder', () => {
  const files = testFiles(__dirname);
  expect(files.length).toBeGreaterThan(100);
  expect(files.map((file) => misplaced(file)).filter((problem) => problem !== undefined)).toEqual([]);
});

it('names cross-unit folders that exist and that are not lib/ folders (those are mirrored)', () => {
  for (const folder of Object.keys(CROSS_UNIT)) {
    expect({ folder, exists: isDirectory(path.join(__dirname, folder)), inLib: isDirectory(path.join(LIB, folder)) }).toEqual({
      folder,
      exists: true,
      inLib: false,
    });
  }
  for (const folder of OTHER_SOURCES) expect({ folder, exists: isDirectory(path.join(ROOT, folder)) }).toEqual({ folder, exists: true });
});

it('lists the same cross-unit folders as docs/architecture.md', () => {
  const doc = fs.readFileSync(path.join(ROOT, 'docs', 'architecture.md'), 'utf8').split('## Where tests go')[1] ?? '';
  const rows = [...doc.matchAll(/^\| `([\w-]+)\/` \|/gm)].map((m) => m[1]);
  expect(rows.sort()).toEqual(Object.keys(CROSS_UNIT).sort());
});

it('tells each misplaced test apart from a placed one', () => {
  expect(misplaced('bearer/require-token.test.ts')).toBeUndefined();
  expect(misplaced('stores/redis/redis-store.test.ts')).toBeUndefined();
  expect(misplaced('security/fuzz.test.ts')).toBeUndefined();
  expect(misplaced('example-app/restart.test.ts')).toBeUndefined();
  expect(misplaced('password-grant.test.ts')).toBeUndefined();
  expect(misplaced('architecture.test.ts')).toBeUndefined();
  // A folder lib/ does not have, at any depth; a test at the top that mirrors no top-level lib file.
  expect(misplaced('redis/faults.test.ts')).toBe('redis/faults.test.ts: no lib/redis/, and redis is not in CROSS_UNIT');
  expect(misplaced('stores/mysql/mysql-store.test.ts')).toMatch(/^stores\/mysql\/mysql-store\.test\.ts: no lib\/stores\/mysql\//);
  expect(misplaced('smoke.test.ts')).toBe('smoke.test.ts: no lib/smoke.ts, and not in TOP_LEVEL');
  expect(misplaced('example-app/nested/x.test.ts')).toBe('example-app/nested/x.test.ts: no example-app/nested/');
});

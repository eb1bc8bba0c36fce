// __tests__/helpers/consumer-project.ts
// A fresh app project for the consumer tests: this package as `npm pack` ships it (from dist/), beside the packages
// an install line names, linked from the repo's node_modules with their dependencies as npm would hoist them.

import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const ROOT = path.join(__dirname, '..', '..');
const NAME = 'express-password-grant';
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const TSC = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

/** Runs `file args` in `cwd`; resolves with stdout and stderr, rejects with both on a non-zero exit. */
export function run(file: string, args: readonly string[], cwd: string): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { cwd, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${path.basename(file)} ${args.join(' ')} failed in ${cwd}: ${err.message}\n${stdout}\n${stderr}`)) : resolve({ stdout, stderr }),
    );
  });
}

/**
 * The compiler options `tsc --init` (TypeScript 5.9) writes, comments dropped: module nodenext, strict,
 * exactOptionalPropertyTypes, noUncheckedIndexedAccess, verbatimModuleSyntax and the rest of its defaults.
 */
export const TSC_INIT_DEFAULTS: Readonly<Record<string, unknown>> = {
  module: 'nodenext',
  target: 'esnext',
  types: [],
  sourceMap: true,
  declaration: true,
  declarationMap: true,
  noUncheckedIndexedAccess: true,
  exactOptionalPropertyTypes: true,
  strict: true,
  jsx: 'react-jsx',
  verbatimModuleSyntax: true,
  isolatedModules: true,
  noUncheckedSideEffectImports: true,
  moduleDetection: 'force',
  skipLibCheck: true,
};

/** Packs dist/ as the registry would serve it (no prepack: the jest globalSetup has just built it) into `dir`. */
export async function packTarball(dir: string): Promise<string> {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'index.d.ts'))) throw new Error('dist/ is missing: run `npm run build` first');
  const { stdout } = await run(NPM, ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], ROOT);
  const [result] = JSON.parse(stdout.slice(stdout.indexOf('['))) as Array<{ filename: string }>;
  return path.join(dir, result.filename);
}

export interface ConsumerProject {
  readonly dir: string;
  /** Writes `files` (name -> text) into the project. */
  write(files: Readonly<Record<string, string>>): void;
  /** Runs the repo's TypeScript (5.9) on the project's tsconfig.json; rejects with the compiler's errors. */
  tsc(): Promise<void>;
}

export interface ConsumerOptions {
  /** `"type"` of the project's package.json. */
  readonly type: 'commonjs' | 'module';
  /** The tarball of this package. */
  readonly tarball: string;
  /** What the app installs besides this package (`npm install ...` and `npm install -D ...`), by name. */
  readonly packages: readonly string[];
  /** Compiler options over `tsc --init`'s. */
  readonly compilerOptions?: Readonly<Record<string, unknown>>;
  /** Where to install what the repo's node_modules lacks (from the npm cache when it has it). */
  readonly extras: string;
}

/** Creates the project in `dir`: package.json, tsconfig.json, node_modules (this package, `packages`, their deps). */
export async function consumerProject(dir: string, options: ConsumerOptions): Promise<ConsumerProject> {
  fs.mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: options.type }));
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { ...TSC_INIT_DEFAULTS, ...options.compilerOptions } }, null, 2));
  const installed = path.join(dir, 'node_modules', NAME);
  fs.mkdirSync(installed);
  await run('tar', ['-xzf', options.tarball, '-C', installed, '--strip-components=1'], dir);
  const sources = [path.join(ROOT, 'node_modules'), await extrasFor(options.packages, options.extras)];
  linkWithDependencies(path.join(dir, 'node_modules'), [...options.packages, ...dependenciesOf(installed)], sources);
  const absent = options.packages.filter((name) => !fs.existsSync(path.join(dir, 'node_modules', name)));
  if (absent.length > 0) throw new Error(`not installed: ${absent.join(', ')}`);
  return {
    dir,
    write: (files) => {
      for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
    },
    tsc: async () => {
      await run(process.execPath, [TSC, '-p', path.join(dir, 'tsconfig.json')], dir);
    },
  };
}

/**
 * The named packages the repo's node_modules lacks (a devDependency not installed there, such as
 * @types/better-sqlite3), installed once into `extras`: from the npm cache, else the registry. Returns extras'
 * node_modules.
 */
async function extrasFor(packages: readonly string[], extras: string): Promise<string> {
  const modules = path.join(extras, 'node_modules');
  const missing = packages.filter((name) => !fs.existsSync(path.join(ROOT, 'node_modules', name)) && !fs.existsSync(path.join(modules, name)));
  if (missing.length > 0) {
    fs.mkdirSync(extras, { recursive: true });
    if (!fs.existsSync(path.join(extras, 'package.json'))) fs.writeFileSync(path.join(extras, 'package.json'), '{"private":true}');
    // The repo's @types/node, so the extras' typings and the project's share one copy.
    const node = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules/@types/node/package.json'), 'utf8')) as { version: string };
    await run(
      NPM,
      ['install', '--prefer-offline', '--no-audit', '--no-fund', '--no-package-lock', '--ignore-scripts', ...missing, `@types/node@${node.version}`],
      extras,
    );
  }
  return modules;
}

/** A package's runtime dependencies and the peers npm installs (not the optional ones). */
function dependenciesOf(packageDir: string): string[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
    peerDependencies?: Record<string, string>;
    peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  };
  const peers = Object.keys(pkg.peerDependencies ?? {}).filter((name) => pkg.peerDependenciesMeta?.[name]?.optional !== true);
  return [...Object.keys(pkg.dependencies ?? {}), ...peers];
}

/** Symlinks each package and, transitively, its dependencies into `modules`, flat (npm's hoisting), from `sources`. */
function linkWithDependencies(modules: string, names: readonly string[], sources: readonly string[]): void {
  const queue = [...names];
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
    const target = path.join(modules, name);
    if (fs.existsSync(target)) continue;
    const source = sources.map((dir) => path.join(dir, name)).find((dir) => fs.existsSync(dir));
    // A dependency only some nested copy has is found from the linked package's real path, as Node and tsc do.
    if (source === undefined) continue;
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.symlinkSync(source, target, 'dir');
    queue.push(...dependenciesOf(source));
  }
}

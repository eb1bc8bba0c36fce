// __tests__/packaging/built-package.test.ts
// The built package as users get it: require() and import of the package root in a child node, its typings, and the
// tarball `npm pack` makes on a fresh clone, installed into an empty project (its command, its strict typings).

import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import bcrypt from 'bcrypt';
import request from 'supertest';
import { publicJwkFrom, runCommand, signingKeysFrom } from '../helpers/cli';
import { loginWeb } from '../helpers/login';
import { createServer } from '../helpers/server';

const ROOT = path.join(__dirname, '..', '..');
const NAME = 'express-password-grant';
const EXPORTS = ['passwordGrant', 'MemoryStore', 'hashSecret', 'verifySecret', 'dummyVerify', 'OAuthError', 'isOAuthError', 'generateSigningKey'] as const;

/** Runs `node <args>` in the package root, where `express-password-grant` self-references via package.json exports. */
function node(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { cwd: ROOT }, (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stdout}${stderr}`)) : resolve(stdout)));
  });
}

// Shared by the CJS and ESM probes: what each export is, and whether the built code really runs.
const PROBE = `
  const names = ${JSON.stringify(EXPORTS)};
  const types = Object.fromEntries(names.map((n) => [n, typeof m[n]]));
  const err = new m.OAuthError('invalid_grant', undefined, { detail: 'private' });
  const auth = m.passwordGrant({
    issuer: 'https://auth.example.com',
    signingKeys: { kid: 'k1', alg: 'HS256', key: 'x'.repeat(32) },
    findClient: () => null,
    verifyUser: () => null,
  });
  const rejected = await auth.verifyAccessToken('not-a-jwt').then(() => 'resolved', (e) => m.isOAuthError(e) ? e.error : 'other');
  const hash = await m.hashSecret('s3cret', 4);
  const verified = [await m.verifySecret('s3cret', hash), await m.verifySecret('wrong', hash), await m.dummyVerify('x', 4)];
  const store = new m.MemoryStore();
  if (store.close) await store.close();
  const typeOnly = [typeof m.PasswordGrant, typeof m.BearerStrategy];
  console.log(JSON.stringify({ types, status: err.status, json: err.toJSON(), guard: m.isOAuthError(err), router: typeof auth.router, rejected, verified, typeOnly }));
`;

const EXPECTED = {
  types: Object.fromEntries(EXPORTS.map((n) => [n, 'function'])),
  status: 400,
  json: { error: 'invalid_grant' },
  guard: true,
  router: 'function',
  rejected: 'invalid_token',
  verified: [true, false, false],
  // passwordGrant() is the one constructor; the classes it returns are exported as types only.
  typeOnly: ['undefined', 'undefined'],
};

beforeAll(() => {
  if (!fs.existsSync(path.join(ROOT, 'dist/index.js'))) throw new Error('dist/ is missing: run `npm run build` first');
});

describe('package.json', () => {
  it('points main, types and every exports condition at files the build wrote', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.name).toBe(NAME);
    const targets = [
      pkg.main,
      pkg.types,
      ...Object.values(pkg.exports['.'] as Record<string, string>),
      ...Object.values(pkg.exports['./testing'] as Record<string, string>),
    ];
    for (const target of targets) expect(fs.existsSync(path.join(ROOT, target))).toBe(true);
    expect(pkg.exports['.'].types).toBe('./dist/index.d.ts');
  });

  it('describes the package for the registry (keywords), and git ignores what `npm pack` writes (*.tgz)', async () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string; keywords: string[] };
    expect(pkg.keywords).toEqual(expect.arrayContaining(['oauth2', 'password-grant', 'express', 'jwt', 'rfc6749']));
    expect(new Set(pkg.keywords).size).toBe(pkg.keywords.length);
    for (const keyword of pkg.keywords) expect(keyword).toMatch(/^[a-z0-9-]+$/);
    // git check-ignore exits 0 for an ignored path, which need not exist (run() rejects on any other exit code).
    await run('git', ['check-ignore', '--quiet', `${NAME}-${pkg.version}.tgz`], ROOT);
  });

  it('ships declarations for every public export in dist/index.d.ts', () => {
    const dts = fs.readFileSync(path.join(ROOT, 'dist/index.d.ts'), 'utf8');
    for (const name of EXPORTS) expect(dts).toMatch(new RegExp(`\\b${name}\\b`));
    expect(dts).toMatch(/export type \{[^}]*\bTokenStore\b/);
  });
});

describe('in a child node process', () => {
  it(`require('${NAME}') exposes the public API and the built code runs`, async () => {
    const out = await node(['-e', `(async () => { const m = require('${NAME}'); ${PROBE} })().catch((e) => { console.error(e); process.exit(1); });`]);
    expect(JSON.parse(out)).toEqual(EXPECTED);
  });

  it(`import('${NAME}') exposes the same API, from the same copy as require()`, async () => {
    const script = `
      import { createRequire } from 'node:module';
      const m = await import('${NAME}');
      const cjs = createRequire(process.cwd() + '/')('${NAME}');
      if (m.OAuthError !== cjs.OAuthError || m.passwordGrant !== cjs.passwordGrant) throw new Error('two copies');
      ${PROBE}`;
    const out = await node(['--input-type=module', '-e', script]);
    expect(JSON.parse(out)).toEqual(EXPECTED);
  });

  it('offers named ESM imports (static import syntax)', async () => {
    const script = `import { ${EXPORTS.join(', ')} } from '${NAME}'; console.log([${EXPORTS.join(', ')}].map((x) => typeof x).join());`;
    const out = await node(['--input-type=module', '-e', script]);
    expect(out.trim()).toBe(EXPORTS.map(() => 'function').join());
  });
});

describe('typings', () => {
  it('type-checks a TypeScript consumer written against dist/index.d.ts', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'epg-types-'));
    try {
      fs.writeFileSync(
        path.join(dir, 'consumer.ts'),
        `import { passwordGrant, MemoryStore, hashSecret, isOAuthError, type Client, type User, type TokenStore, type PasswordGrant, type BearerStrategy } from '${NAME}';
const client: Client = { id: 'web', grants: ['password', 'refresh_token'], scopes: ['orders'] };
const store: TokenStore = new MemoryStore();
const auth = passwordGrant({
  issuer: 'https://auth.example.com',
  signingKeys: { kid: 'k1', alg: 'HS256', key: 'x'.repeat(32) },
  findClient: async (id: string) => (id === client.id ? client : null),
  verifyUser: async (username: string): Promise<User | null> => (username === 'a' ? { id: 'a' } : null),
  store,
});
auth.on('token.issued', (e) => { const jti: string = e.jti; void jti; });
export const check = async (): Promise<string> => {
  await hashSecret('s');
  try { return (await auth.verifyAccessToken('t')).sub; } catch (e) { return isOAuthError(e) ? e.error : 'x'; }
};
// @ts-expect-error: grants is a list (any word type-checks: an unknown one is reported at run time, not refused)
export const bad: Client = { id: 'x', grants: 'password' };
export const handle: PasswordGrant = auth;
export const strategy: BearerStrategy = auth.strategy({ scope: 'orders' });
// @ts-expect-error: PasswordGrant is a type; passwordGrant() is the one constructor
export const second = new PasswordGrant({});
`,
      );
      fs.writeFileSync(
        path.join(dir, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            strict: true,
            noEmit: true,
            target: 'ES2022',
            module: 'commonjs',
            moduleResolution: 'node',
            esModuleInterop: true,
            skipLibCheck: false,
            types: [],
            baseUrl: ROOT,
            paths: { [NAME]: ['dist/index.d.ts'] },
          },
          files: ['consumer.ts'],
        }),
      );
      await node([path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', path.join(dir, 'tsconfig.json')]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000); // a full tsc run with lib checking, on a shared 2-core machine
});

/** Runs `file args` in `cwd` and resolves with stdout; rejects with stderr on a non-zero exit. */
function run(file: string, args: string[], cwd: string): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { cwd, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${file} ${args.join(' ')} failed: ${err.message}\n${stderr}`)) : resolve({ stdout, stderr }),
    );
  });
}

const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

// What a user gets: `npm pack` on a fresh clone (no dist/), the tarball installed into an empty project with only
// what an Express app written in TypeScript has (express, @types/express, @types/node), offline from the npm cache
// when it holds them (--prefer-offline; the registry otherwise).
describe('the packed tarball, installed into an empty project', () => {
  let work: string;
  let consumer: string;
  let files: string[];
  const installed = (): string => path.join(consumer, 'node_modules', NAME);

  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'epg-pack-'));
    // A fresh clone: the files git knows (tracked, or new and not ignored), so no dist/ and no build output.
    const clone = path.join(work, 'clone');
    const { stdout: listed } = await run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], ROOT);
    for (const file of listed.split('\0').filter((f) => f !== '' && fs.existsSync(path.join(ROOT, f)))) {
      fs.mkdirSync(path.dirname(path.join(clone, file)), { recursive: true });
      fs.copyFileSync(path.join(ROOT, file), path.join(clone, file));
    }
    expect(fs.existsSync(path.join(clone, 'dist'))).toBe(false);
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(clone, 'node_modules'), 'dir');
    const { stdout: packed } = await run(NPM, ['pack', '--json', '--pack-destination', work], clone);
    const [result] = JSON.parse(packed.slice(packed.indexOf('['))) as Array<{ filename: string; files: Array<{ path: string }> }>;
    files = result.files.map((f) => f.path);

    consumer = path.join(work, 'consumer');
    fs.mkdirSync(consumer);
    fs.writeFileSync(path.join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
    await run(
      NPM,
      [
        'install',
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
        '--no-package-lock',
        path.join(work, result.filename),
        'express@^5',
        '@types/express@^5',
        '@types/node@^20',
      ],
      consumer,
    );
  }, 600_000); // a build, then an install, on a shared 2-core machine
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  it('builds dist/ on pack (prepack) and ships the docs, LICENSE and CHANGELOG, but no sources or tests', () => {
    for (const file of [
      'package.json',
      'README.md',
      'LICENSE',
      'CHANGELOG.md',
      'docs/security.md',
      'dist/index.js',
      'dist/index.mjs',
      'dist/index.d.ts',
      'dist/cli.js',
      'dist/testing/index.js',
    ]) {
      expect(files).toContain(file);
    }
    expect(files.filter((f) => /^(lib|__tests__|example-app|scripts)\//.test(f))).toEqual([]);
    // Of the benchmark, only the results the README links to.
    expect(files.filter((f) => f.startsWith('bench/'))).toEqual(['bench/RESULTS.md']);
    const pkg = JSON.parse(fs.readFileSync(path.join(installed(), 'package.json'), 'utf8'));
    expect(pkg).toMatchObject({ license: 'MIT', bin: { [NAME]: 'dist/cli.js' } });
    expect(fs.readFileSync(path.join(installed(), 'LICENSE'), 'utf8')).toContain('MIT License');
  });

  it('ships every file the README links to', () => {
    const readme = fs.readFileSync(path.join(installed(), 'README.md'), 'utf8');
    const links = [...readme.matchAll(/\]\((?!https?:|#|mailto:)([^)#\s]+)/g)].map((m) => m[1]);
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) expect(files).toContain(path.posix.normalize(link));
  });

  it('ships source maps that carry their sources (lib/ is not in the package)', () => {
    const maps = files.filter((f) => f.endsWith('.js.map'));
    expect(maps.length).toBeGreaterThan(10);
    for (const map of maps) {
      const { sources, sourcesContent } = JSON.parse(fs.readFileSync(path.join(installed(), map), 'utf8')) as { sources: string[]; sourcesContent?: unknown[] };
      expect({ map, ok: sourcesContent?.length === sources.length && sourcesContent.every((s) => typeof s === 'string' && s.length > 0) }).toEqual({
        map,
        ok: true,
      });
    }
  });

  it('`npx express-password-grant keys` writes a key (0600) whose printed signingKeys line a server signs with', async () => {
    const dir = fs.mkdtempSync(path.join(work, 'keys-'));
    const bin = path.join(consumer, 'node_modules/.bin', NAME);
    const result = await runCommand([bin], ['keys', '--alg', 'ES256'], dir);
    expect(result.code).toBe(0);
    expect(fs.statSync(path.join(dir, 'signing-key.pem')).mode & 0o777).toBe(0o600);
    const signingKeys = signingKeysFrom(result.stdout, dir);
    const { app } = await createServer({ signingKeys });
    expect((await request(app).get('/oauth2/jwks')).body).toEqual({ keys: [publicJwkFrom(result.stdout)] });
    await loginWeb(app, 'orders'); // throws unless 200
  });

  it('`npx express-password-grant hash-secret` prints a hash that bcrypt verifies against the secret from stdin', async () => {
    const secret = 'a client secret from stdin ✓';
    const result = await runCommand([path.join(consumer, 'node_modules/.bin', NAME)], ['hash-secret'], consumer, `${secret}\n`);
    expect(result.code).toBe(0);
    expect(await bcrypt.compare(secret, result.stdout.trim())).toBe(true);
  });

  it('type-checks a strict consumer (skipLibCheck: false) that does not use passport and has no @types/passport', async () => {
    expect(fs.existsSync(path.join(consumer, 'node_modules/@types/passport'))).toBe(false);
    fs.writeFileSync(
      path.join(consumer, 'app.ts'),
      `import express from 'express';
import { passwordGrant, generateSigningKey, MemoryStore, type Client, type User } from '${NAME}';
const key = generateSigningKey({ alg: 'ES256' });
const client: Client = { id: 'web', grants: ['password', 'refresh_token'], scopes: ['orders'] };
const auth = passwordGrant({
  issuer: 'https://auth.example.com',
  signingKeys: { kid: key.kid, alg: key.alg, key: key.privateKeyPem },
  findClient: async (id: string) => (id === client.id ? client : null),
  verifyUser: async (username: string): Promise<User | null> => (username === 'a' ? { id: 'a' } : null),
  store: new MemoryStore(),
});
const app = express();
app.use('/oauth2', auth.router, auth.errorHandler);
app.use(auth.discovery);
app.get('/api/me', auth.requireToken({ scope: 'orders' }), (req, res) => {
  res.json({ sub: req.auth?.sub });
});
export const strategyName: string = auth.strategy().name;
export default app;
`,
    );
    fs.writeFileSync(
      path.join(consumer, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          target: 'ES2022',
          module: 'commonjs',
          moduleResolution: 'node',
          esModuleInterop: true,
          skipLibCheck: false,
        },
        files: ['app.ts'],
      }),
    );
    await run(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', path.join(consumer, 'tsconfig.json')], consumer);
  }, 120_000);
});

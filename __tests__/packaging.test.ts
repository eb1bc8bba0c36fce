// __tests__/packaging.test.ts
// The built package as users get it: require() and import of the package root in a child node, and its typings.

import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.join(__dirname, '..');
const NAME = 'express-password-grant';
const EXPORTS = ['passwordGrant', 'MemoryStore', 'hashSecret', 'verifySecret', 'dummyVerify', 'OAuthError', 'isOAuthError', 'generateSigningKey'] as const;

/** Runs `node <args>` in the package root, where `express-password-grant` self-references via package.json exports. */
function node(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { cwd: ROOT }, (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)));
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
  console.log(JSON.stringify({ types, status: err.status, json: err.toJSON(), guard: m.isOAuthError(err), router: typeof auth.router, rejected, verified }));
`;

const EXPECTED = {
  types: Object.fromEntries(EXPORTS.map((n) => [n, 'function'])),
  status: 400,
  json: { error: 'invalid_grant' },
  guard: true,
  router: 'function',
  rejected: 'invalid_token',
  verified: [true, false, false],
};

beforeAll(() => {
  if (!fs.existsSync(path.join(ROOT, 'dist/index.js'))) throw new Error('dist/ is missing: run `npm run build` first');
});

describe('package.json', () => {
  it('points main, types and every exports condition at files the build wrote', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.name).toBe(NAME);
    const targets = [pkg.main, pkg.types, ...Object.values(pkg.exports['.'] as Record<string, string>)];
    for (const target of targets) expect(fs.existsSync(path.join(ROOT, target))).toBe(true);
    expect(pkg.exports['.'].types).toBe('./dist/index.d.ts');
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
        `import { passwordGrant, MemoryStore, hashSecret, isOAuthError, type Client, type User, type TokenStore } from '${NAME}';
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
// @ts-expect-error: grants are a closed union
export const bad: Client = { id: 'x', grants: ['implicit'] };
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

// __tests__/packaging/quick-start.test.ts
// The README's Quick start as a newcomer pastes it: its install lines, then its two files in a fresh CommonJS and a
// fresh ESM project under `tsc --init`, compiled with tsc, started with node, and asked for a token over HTTP.

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { blocks, read } from '../docs/markdown';
import { consumerProject, packTarball } from '../helpers/consumer-project';
import { sparePort } from '../helpers/spare-port';

const README = read('README.md');
const NAME = 'express-password-grant';

/** The packages the README's install block names (`npm install ...` and `npm install -D ...`), this one excepted. */
function installedPackages(): string[] {
  const install = blocks('README.md', README).filter((b) => b.lang === 'sh' && b.code.includes(`npm install ${NAME}`));
  expect(install).toHaveLength(1);
  return install[0].code
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .filter((line) => line.startsWith('npm install '))
    .flatMap((line) => line.split(/\s+/).slice(2))
    .filter((word) => !word.startsWith('-') && word !== NAME);
}

/** The Quick start's TypeScript blocks, each under the file name its first line gives. */
function quickStartFiles(): Record<string, string> {
  const section = README.slice(README.indexOf('## Quick start'), README.indexOf('\n## ', README.indexOf('## Quick start') + 1));
  const files = blocks('README.md', section)
    .filter((b) => b.lang === 'ts')
    .map((b) => [path.basename(/^\/\/ (\S+\.ts)\n/.exec(b.code)?.[1] ?? 'unnamed'), b.code] as const);
  expect(files.map(([name]) => name)).toEqual(['quick-start.ts', 'quick-start-server.ts']);
  return Object.fromEntries(files);
}

/** Starts `node quick-start-server.js` on `port`; resolves once it prints that it listens. */
function start(dir: string, port: number, children: ChildProcess[]): Promise<string> {
  const child = spawn(process.execPath, ['quick-start-server.js'], {
    cwd: dir,
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  return new Promise((resolve, reject) => {
    const collect = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes('Quick start on')) resolve(output);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('exit', (code) => reject(new Error(`quick-start-server.js exited (${code}) before listening:\n${output}`)));
  });
}

let work: string;
let tarball: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'epg-quick-start-'));
  tarball = await packTarball(work);
});
afterAll(() => {
  for (const child of children) child.kill();
  fs.rmSync(work, { recursive: true, force: true });
});

it('names the packages it imports in its install lines: bcrypt and its typings, express and its typings, typescript', () => {
  expect(installedPackages().sort()).toEqual(['@types/bcrypt', '@types/express', 'bcrypt', 'express', 'typescript']);
});

describe.each([
  // TypeScript forbids `import` in a file compiled to CommonJS under verbatimModuleSyntax; the README says to turn it off.
  ['CommonJS', 'commonjs', { verbatimModuleSyntax: false }],
  ['ESM', 'module', {}],
] as const)('pasted into a fresh %s project (tsc --init of TypeScript 5.9)', (_name, type, compilerOptions) => {
  it('compiles, starts, and issues a token that its protected route accepts', async () => {
    const project = await consumerProject(path.join(work, type), {
      type,
      tarball,
      packages: installedPackages(),
      compilerOptions,
      extras: path.join(work, 'extras'),
    });
    project.write(quickStartFiles());
    await project.tsc();

    const port = await sparePort();
    expect(await start(project.dir, port, children)).toContain(`Quick start on http://localhost:${port}`);
    const base = `http://127.0.0.1:${port}`;
    const token = await fetch(`${base}/oauth2/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'password', client_id: 'my-cli', username: 'alice', password: 'wonderland', scope: 'openid profile' }),
    });
    expect(token.status).toBe(200);
    const { access_token: accessToken } = (await token.json()) as { access_token: string };
    const me = await fetch(`${base}/api/me`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ sub: 'u1', clientId: 'my-cli', scope: ['openid', 'profile'] });
  }, 180_000); // a full tsc run, then bcrypt at cost 10, on a shared 2-core machine
});

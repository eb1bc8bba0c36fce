// __tests__/docs/shell-examples.test.ts
// Runs every shell example of README.md and docs/ (and the curl commands `npm start` prints) against the example app.
// It requires the BUILT package (dist/): `npm test` builds it first; locally `npm run build`.

import fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createApp } from '../../example-app/app';
import type { ExampleApp } from '../../example-app/app';
import { tryCommands } from '../../example-app/commands';
import { runCommand } from '../helpers/cli';
import { markdownFiles, ROOT, shellBlocks } from './markdown';
import type { Block } from './markdown';

/** Blocks not run here, each with where it is proved instead. A block matches by a line it contains. */
const NOT_RUN: ReadonlyArray<{ readonly file: string; readonly contains: string; readonly reason: string }> = [
  {
    file: 'README.md',
    contains: 'npm ci && npm start',
    reason: '.ci/run runs `npm ci && npm test` verbatim on a clean clone; `npm start` serves createApp(), which this test starts',
  },
  {
    file: 'example-app/README.md',
    contains: 'npm run add-user',
    reason: '`npm start` serves createApp(), which this test starts; __tests__/example-app/add-user.test.ts runs add-user with a piped password',
  },
  {
    file: 'README.md',
    contains: 'npm install express-password-grant',
    reason: 'installs from the registry; __tests__/packaging/quick-start.test.ts gives a fresh project exactly these packages instead',
  },
  {
    file: 'docs/performance.md',
    contains: 'npm run bench',
    reason: 'the benchmark takes ~10 minutes of an idle machine; its last run is bench/RESULTS.md',
  },
  {
    file: 'docs/security.md',
    contains: 'FUZZ_RUNS=50000',
    reason: 'a long run of __tests__/security/fuzz.test.ts, which npm test runs with its fixed seed',
  },
];

const WEB = { id: 'demo-web', secret: 'demo-web-secret' };
const ALICE = { email: 'alice@example.com', password: 'wonderland' };

let dataDir: string;
let workDir: string;
let example: ExampleApp;
let server: Server;
let base: string;

beforeAll(async () => {
  if (!fs.existsSync(path.join(ROOT, 'dist/cli.js'))) throw new Error('dist/ is missing: run `npm run build` first');
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'epg-docs-data-'));
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'epg-docs-cwd-'));
  // Listen first, so the app's issuer can name the port, as `npm start` does with $PORT.
  const { createServer } = await import('node:http');
  server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  example = createApp({ dataDir, port, log: () => undefined, bcryptCost: 4 });
  server.on('request', example.app);
  base = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await example?.store.close?.();
  example?.db.close();
  for (const dir of [dataDir, workDir]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** Fresh tokens for each block, as the README's login step would leave them in the shell. */
async function login(): Promise<{ access_token: string; refresh_token: string }> {
  const res = await fetch(`${base}/oauth2/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${WEB.id}:${WEB.secret}`).toString('base64')}` },
    body: new URLSearchParams({ grant_type: 'password', username: ALICE.email, password: ALICE.password, scope: 'openid profile email orders offline_access' }),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { access_token: string; refresh_token: string };
}

const quote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;

/** Runs shell code as pasted, against the example app: the documented host and the CLI's name point at this checkout. */
async function run(code: string): Promise<{ code: number | null; stdout: string; stderr: string; statuses: number[] }> {
  const tokens = await login();
  const script = [
    'set -e',
    `export ACCESS_TOKEN=${quote(tokens.access_token)} REFRESH_TOKEN=${quote(tokens.refresh_token)}`,
    // Every curl also reports its HTTP status on stderr, so the test can check each response.
    `curl() { command curl -w '%{stderr}HTTP_STATUS %{http_code}\\n' "$@"; }`,
    code.replaceAll('http://localhost:3000', base).replaceAll('npx express-password-grant', `node ${quote(path.join(ROOT, 'dist/cli.js'))}`),
  ].join('\n');
  const result = await runCommand(['bash'], ['-c', script], workDir);
  const statuses = [...result.stderr.matchAll(/^HTTP_STATUS (\d+)$/gm)].map((m) => Number(m[1]));
  return { ...result, statuses };
}

const all = markdownFiles().flatMap((file) => shellBlocks(file));
const matches = (b: Block, rule: { file: string; contains: string }) => b.file === rule.file && b.code.includes(rule.contains);
const runnable = all.filter((b) => !NOT_RUN.some((rule) => matches(b, rule)));

describe('shell examples in README.md and docs/', () => {
  it('finds the examples, and every block listed as not run still exists', () => {
    expect(runnable.length).toBeGreaterThanOrEqual(6);
    for (const rule of NOT_RUN) expect(all.filter((b) => matches(b, rule))).toHaveLength(1);
  });

  it.each(runnable.map((b) => [`${b.file}:${b.line}`, b] as const))('%s runs as pasted', async (_where, block) => {
    const result = await run(block.code);
    if (result.code !== 0) throw new Error(`exit ${result.code}\n${result.stdout}\n${result.stderr}`);
    expect(result.statuses.filter((status) => status < 200 || status > 299)).toEqual([]);
    if (/\bcurl\b/.test(block.code)) expect(result.statuses.length).toBeGreaterThan(0);
  });
});

/** The shell variables a script assigns (`NAME=...` at a line's start or after `;`), in order of first assignment. */
function assigned(code: string): string[] {
  return [...new Set([...code.matchAll(/(?:^|;\s*)([A-Z_][A-Z0-9_]*)=/gm)].map((m) => m[1]))];
}

describe('the curl commands `npm start` prints', () => {
  it("keep the tokens in the README's variable names", () => {
    const readme = all.find((b) => b.file === 'README.md' && b.code.includes('grant_type=password'));
    expect(assigned(readme?.code ?? '')).toEqual(['RES', 'ACCESS_TOKEN', 'REFRESH_TOKEN']);
    expect(assigned(tryCommands('http://localhost:3000'))).toEqual(assigned(readme?.code ?? ''));
  });

  it('run as printed: every request succeeds but the two deliberate failures (wrong password 400, no token 401)', async () => {
    const result = await run(tryCommands('http://localhost:3000'));
    if (result.code !== 0) throw new Error(`exit ${result.code}\n${result.stdout}\n${result.stderr}`);
    expect(result.statuses.slice(-2)).toEqual([400, 401]);
    for (const status of result.statuses.slice(0, -2)) expect(status).toBe(200);
    expect(result.statuses).toHaveLength(10);
    expect(result.stdout).toContain('"orders"');
  });
});

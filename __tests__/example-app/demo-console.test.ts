// __tests__/example-app/demo-console.test.ts
// Clicks through the demo console in headless Chromium against the real example server; screenshots every step.

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import type { BrowserContext, Page } from 'playwright-core';

const ROOT = path.join(__dirname, '../..');
const CHROMIUM = '/usr/bin/chromium';
/** Screenshots for a person to look at; CI keeps them as artifacts. Gitignored. */
const SHOTS = path.join(ROOT, 'artifacts/demo-console');
// Debian's chromium, with nothing that phones home or needs a GPU or a sandbox (CI runs as root in a container).
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

jest.setTimeout(120_000);

let server: ChildProcess | undefined;
let serverOutput = '';
let dataDir: string;
let profileDir: string;
let context: BrowserContext;
let page: Page;
let base: string;
let port: number;
/** Page errors, console errors (a CSP violation is one) and alert() texts: the page must produce none. */
const pageProblems: string[] = [];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port: p } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(p));
    });
  });
}

/** Starts `node example-app/dist/server.js` (what `npm start` runs) and resolves once it listens. */
function startServer(): Promise<void> {
  return new Promise((resolve, reject) => {
    server = spawn(process.execPath, [path.join(ROOT, 'example-app/dist/server.js')], {
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const onData = (chunk: Buffer) => {
      serverOutput += chunk.toString();
      if (serverOutput.includes('Demo console')) resolve();
    };
    server.stdout?.on('data', onData);
    server.stderr?.on('data', onData);
    server.once('exit', (code) => reject(new Error(`example server exited with ${code}:\n${serverOutput}`)));
  });
}

let shot = 0;
async function screenshot(step: string): Promise<void> {
  shot += 1;
  await page.screenshot({ path: path.join(SHOTS, `${String(shot).padStart(2, '0')}-${step}.png`), fullPage: true });
}

/** Clicks a console button and waits until its handler (which marks the button busy) has finished. */
async function press(id: string): Promise<void> {
  await page.click(`#${id}`);
  await page.waitForSelector(`#${id}:not(.busy)`);
}

async function text(selector: string): Promise<string> {
  return (await page.textContent(selector)) ?? '';
}

async function json(selector: string): Promise<Record<string, unknown>> {
  return JSON.parse(await text(selector)) as Record<string, unknown>;
}

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing. Install Debian's chromium: apt-get update && apt-get install -y chromium (.ci/run does this in CI)`);
  }
  if (!fs.existsSync(path.join(ROOT, 'example-app/dist/server.js'))) {
    throw new Error('example-app/dist/ is missing: run `npm run build && npm run build:example` first');
  }
  fs.rmSync(SHOTS, { recursive: true, force: true });
  fs.mkdirSync(SHOTS, { recursive: true });
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'epg-demo-data-'));
  profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'epg-demo-chromium-'));
  port = await freePort();
  base = `http://127.0.0.1:${port}`;
  await startServer();
  // A persistent context is how Playwright takes a fresh --user-data-dir of our own (it refuses the raw flag).
  context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1100, height: 900 },
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (err) => pageProblems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    // Chromium logs every 4xx fetch; the refused replay (400) and the calls after revocation (401) are the point.
    const expected = /^Failed to load resource: the server responded with a status of 40[01] /.test(msg.text());
    if (msg.type() === 'error' && !expected) pageProblems.push(`console: ${msg.text()} (${msg.location().url})`);
  });
  page.on('dialog', (dialog) => {
    pageProblems.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
});

afterAll(async () => {
  await context?.close();
  if (server && server.exitCode === null) {
    server.removeAllListeners('exit');
    const exited = new Promise((resolve) => server?.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
  for (const dir of [dataDir, profileDir]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('the demo console in a browser', () => {
  it('opens at / labelled as a developer demo, with the endpoints found through discovery', async () => {
    await page.goto(`${base}/`);
    // A string predicate: it runs in the page (this file is compiled without the DOM types).
    await page.waitForFunction("!document.getElementById('discovery').textContent.includes('loading')");
    expect(await text('#banner')).toContain('Developer demo');
    expect(await text('#banner')).toContain('authorization code flow with PKCE (RFC 9700 §2.4)');
    expect(await text('#discovery')).toContain(`token endpoint http://localhost:${port}/oauth2/token`);
    expect(await page.inputValue('#username')).toBe('alice@example.com');
    expect(await page.isDisabled('#call-me')).toBe(true);
    await screenshot('opened');
  });

  it('signs alice in with the public client and shows the token response and decoded claims', async () => {
    await press('signin');
    expect(await text('#signin-status')).toMatch(/^200 /);
    const response = await json('#token-response');
    expect(response).toMatchObject({ token_type: 'Bearer', scope: 'openid profile orders', expires_in: 3600 });
    const access = await json('#access-claims');
    expect(access).toMatchObject({ iss: `http://localhost:${port}`, client_id: 'demo-cli', scope: 'openid profile orders' });
    expect(typeof access.sub).toBe('string');
    const id = await json('#id-claims');
    expect(id).toMatchObject({ sub: access.sub, aud: 'demo-cli', name: 'Alice Liddell' });
    await screenshot('signed-in');
  });

  it('calls /api/me and /api/orders with the access token', async () => {
    await press('call-me');
    expect(await text('#api-status')).toMatch(/^200 /);
    expect(await text('#api-body')).toContain('"email": "alice@example.com"');
    await screenshot('api-me');
    await press('call-orders');
    expect(await text('#api-status')).toMatch(/^200 /);
    expect(await text('#api-body')).toContain('Looking-glass');
    await screenshot('api-orders');
  });

  it('refreshes: new tokens, and the new access token works', async () => {
    const before = await json('#access-claims');
    await press('refresh');
    expect(await text('#refresh-status')).toMatch(/^200 /);
    expect(await text('#refresh-explain')).toContain('is now spent');
    const after = await json('#access-claims');
    expect(after.sub).toBe(before.sub);
    expect(after.jti).not.toBe(before.jti);
    await screenshot('refreshed');
    await press('call-me');
    expect(await text('#api-status')).toMatch(/^200 /);
  });

  it('refuses the old refresh token with invalid_grant, which ends the whole login (RFC 9700 §4.14.2)', async () => {
    await press('replay');
    expect(await text('#refresh-status')).toMatch(/^400 .*invalid_grant/);
    expect(await text('#refresh-explain')).toContain('RFC 9700 §4.14.2');
    expect(await text('#refresh-body')).toContain('"error": "invalid_grant"');
    // The newest access token died with the family.
    expect(await text('#refresh-body')).toContain('GET /api/me with the newest access token: 401');
    expect(await page.isDisabled('#revoke')).toBe(true);
    expect(await page.isVisible('#revoke-hint')).toBe(true);
    await screenshot('old-refresh-token-refused');
  });

  it('signs in again and revokes: then /api/me answers 401', async () => {
    await press('signin');
    expect(await text('#signin-status')).toMatch(/^200 /);
    await press('call-me');
    expect(await text('#api-status')).toMatch(/^200 /);
    await screenshot('signed-in-again');
    await press('revoke');
    expect(await text('#revoke-status')).toMatch(/^200 /);
    expect(await text('#revoke-body')).toContain('{}');
    expect(await text('#after-revoke-status')).toContain('401');
    expect(await text('#after-revoke-body')).toContain('invalid_token');
    await screenshot('revoked');
  });

  it('ran with no page error, console error (such as a CSP violation) or alert', () => {
    expect(pageProblems).toEqual([]);
    expect(fs.readdirSync(SHOTS).sort()).toHaveLength(shot);
  });
});

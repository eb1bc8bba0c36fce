// __tests__/example-app/demo-console.test.ts
// Clicks through the demo console in headless Chromium against the real example server, at desktop and phone width;
// screenshots every step.

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
/** A phone held upright (an iPhone 12 to 15 is 390 CSS pixels wide). */
const PHONE = { width: 390, height: 844 };
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

/** Loads the console afresh and waits for discovery (a locator, not a string predicate: the page's CSP forbids eval). */
async function open(): Promise<void> {
  await page.goto(`${base}/`);
  await page.locator('#discovery', { hasNotText: 'loading' }).waitFor();
}

/** The little of the DOM that `overflows` reads (this file is compiled without the DOM types). */
interface Box {
  readonly left: number;
  readonly right: number;
  readonly width: number;
  readonly height: number;
}
interface Element_ {
  readonly id: string;
  readonly tagName: string;
  getBoundingClientRect(): Box;
  querySelectorAll(selector: string): Iterable<Element_>;
}
interface PageGlobals {
  readonly document: { readonly documentElement: { readonly scrollWidth: number; readonly clientWidth: number } } & Element_;
  readonly getComputedStyle: (el: Element_) => Record<'borderLeftWidth' | 'borderRightWidth' | 'paddingLeft' | 'paddingRight', string>;
}

/**
 * What sticks out sideways at the current viewport: the page wider than the window (a horizontal scrollbar), or a
 * control, result or sentence of a card past the card's content box. [] when everything fits.
 */
async function overflows(): Promise<string[]> {
  return page.evaluate(() => {
    const { document, getComputedStyle } = globalThis as unknown as PageGlobals;
    const found: string[] = [];
    const root = document.documentElement;
    if (root.scrollWidth > root.clientWidth) found.push(`the page: scrollWidth ${root.scrollWidth} > clientWidth ${root.clientWidth}`);
    for (const card of document.querySelectorAll('.card')) {
      const box = card.getBoundingClientRect();
      const style = getComputedStyle(card);
      const left = box.left + parseFloat(style.borderLeftWidth) + parseFloat(style.paddingLeft);
      const right = box.right - parseFloat(style.borderRightWidth) - parseFloat(style.paddingRight);
      for (const el of card.querySelectorAll('input, select, button, pre, p, h2, h3')) {
        const r = el.getBoundingClientRect();
        if (r.width === 0 && r.height === 0) continue; // hidden
        const name = `#${card.id} ${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}`;
        if (r.right > right + 0.5) found.push(`${name}: right edge ${r.right.toFixed(1)} > card content edge ${right.toFixed(1)}`);
        if (r.left < left - 0.5) found.push(`${name}: left edge ${r.left.toFixed(1)} < card content edge ${left.toFixed(1)}`);
      }
    }
    return found;
  });
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
    // Chromium logs every 4xx fetch; the refused replay (400), the calls after revocation (401) and Bob's call to a
    // route beyond his scope (403) are the point.
    const expected = /^Failed to load resource: the server responded with a status of 40[013] /.test(msg.text());
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
    await open();
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
    expect(await text('#revoke-hint')).toBe(
      'The login has ended: the replayed refresh token in step 4 revoked it. Sign in again (step 2) to revoke a live one.',
    );
    // Step 3 no longer shows its old 200 next to disabled buttons, but why they are disabled.
    expect(await page.isDisabled('#call-me')).toBe(true);
    expect(await page.isVisible('#api-result')).toBe(false);
    expect(await text('#api-hint')).toBe(
      'The login has ended: the replayed refresh token in step 4 revoked it. Sign in again (step 2) to call the API.',
    );
    expect(await page.isVisible('#api-hint')).toBe(true);
    await screenshot('old-refresh-token-refused');
  });

  it('signs in again and revokes: then /api/me answers 401', async () => {
    await press('signin');
    expect(await text('#signin-status')).toMatch(/^200 /);
    expect(await page.isVisible('#api-hint')).toBe(false);
    expect(await page.isVisible('#revoke-hint')).toBe(false);
    await press('call-me');
    expect(await text('#api-status')).toMatch(/^200 /);
    expect(await page.isVisible('#api-explain')).toBe(false); // a 200 needs no explanation
    await press('refresh');
    expect(await text('#refresh-status')).toMatch(/^200 /);
    await screenshot('signed-in-again');
    await press('revoke');
    expect(await text('#revoke-status')).toMatch(/^200 /);
    expect(await text('#revoke-body')).toContain('{}');
    expect(await text('#after-revoke-status')).toContain('401');
    expect(await text('#after-revoke-body')).toContain('invalid_token');
    expect(await text('#after-revoke-explain')).toBe(
      'The access token was revoked: revoking the refresh token ended the whole login, so /api/me refuses its access ' +
        'token too although it has not expired (RFC 7009 §2.1).',
    );
    // Steps 3 and 4 say the login has ended instead of showing their old 200s next to disabled buttons.
    for (const [step, todo] of [['api', 'call the API'], ['refresh', 'refresh']]) {
      expect(await page.isVisible(`#${step}-result`)).toBe(false);
      expect(await text(`#${step}-hint`)).toBe(`The login has ended: step 5 revoked it. Sign in again (step 2) to ${todo}.`);
    }
    await screenshot('revoked');
  });

  it('at phone width (390 px) fits: no horizontal scrolling, every field and result inside its card', async () => {
    await page.setViewportSize(PHONE);
    await open();
    expect(await overflows()).toEqual([]);
    await screenshot('phone-opened');
  });

  it("at phone width, Bob's pre-filled scope gets a 403 insufficient_scope from /api/me, with one sentence saying why", async () => {
    await page.selectOption('#user', 'bob');
    expect(await page.inputValue('#scope')).toBe('openid orders');
    await press('signin');
    expect(await text('#signin-status')).toMatch(/^200 /);
    const { scope } = (await json('#token-response')) as { scope: string };
    expect(await overflows()).toEqual([]);
    await screenshot('phone-bob-signed-in');
    await press('call-me');
    expect(await text('#api-status')).toMatch(/^403 .*insufficient_scope/);
    expect(await text('#api-body')).toContain('scope="profile"');
    expect(await text('#api-explain')).toBe(
      `Bob's token lacks the scope this route requires: /api/me needs "profile", but Bob may grant only "orders", so the ` +
        `token carries "${scope}" (403 insufficient_scope, RFC 6750 §3.1).`,
    );
    expect(await overflows()).toEqual([]);
    await screenshot('phone-bob-insufficient-scope');
    await press('call-orders');
    expect(await text('#api-status')).toMatch(/^200 /);
    expect(await text('#api-body')).toContain('Spanner set');
    expect(await page.isVisible('#api-explain')).toBe(false);
  });

  it('at phone width, the revocation and its explanation fit too', async () => {
    await press('revoke');
    expect(await text('#after-revoke-explain')).toMatch(/^The access token was revoked: /);
    expect(await overflows()).toEqual([]);
    await screenshot('phone-bob-revoked');
  });

  it('ran with no page error, console error (such as a CSP violation) or alert', () => {
    expect(pageProblems).toEqual([]);
    expect(fs.readdirSync(SHOTS).sort()).toHaveLength(shot);
  });
});

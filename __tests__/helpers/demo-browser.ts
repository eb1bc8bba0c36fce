// __tests__/helpers/demo-browser.ts
// The example server (example-app/dist/server.js) and Debian's headless Chromium on its demo console, for the browser
// tests: start both, press buttons, read results, screenshot each step, and find what sticks out at phone width.

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
/** A phone held upright (an iPhone 12 to 15 is 390 CSS pixels wide). */
export const PHONE = { width: 390, height: 844 };
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
// Chromium logs every 4xx fetch; the console's refusals (400 invalid_grant, 401 after a revocation, 403 for a scope
// or a wrong password) are the point of several steps.
const EXPECTED_CONSOLE_ERROR = /^Failed to load resource: the server responded with a status of 40[013] /;

export interface DemoBrowser {
  readonly page: Page;
  /** http://127.0.0.1:<port>, where the server listens. */
  readonly base: string;
  readonly port: number;
  /** Page errors, console errors (a CSP violation is one) and alert() texts: the page must produce none. */
  readonly problems: string[];
  /** How many screenshots were taken, each a file of `shots`. */
  readonly shots: { readonly dir: string; count: number };
  /** Saves a screenshot named after the step, numbered in order: the full page, or only the element `selector` names. */
  screenshot(step: string, selector?: string): Promise<void>;
  /** Clicks a console button and waits until its handler (which marks the button busy) has finished. */
  press(id: string): Promise<void>;
  text(selector: string): Promise<string>;
  json(selector: string): Promise<Record<string, unknown>>;
  /** Loads the console afresh and waits for discovery. */
  open(): Promise<void>;
  /** What sticks out sideways at the current viewport; [] when everything fits. */
  overflows(): Promise<string[]>;
  close(): Promise<void>;
}

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
function startServer(port: number, dataDir: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    let output = '';
    const server = spawn(process.execPath, [path.join(ROOT, 'example-app/dist/server.js')], {
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Demo console')) resolve(server);
    };
    server.stdout?.on('data', onData);
    server.stderr?.on('data', onData);
    server.once('exit', (code) => reject(new Error(`example server exited with ${code}:\n${output}`)));
  });
}

/**
 * A fresh server (its own data directory, so freshly seeded) and a fresh Chromium profile on it, at desktop width.
 * Screenshots go to artifacts/demo-console/<name>/ (gitignored; CI keeps them), emptied first.
 */
export async function startDemoBrowser(name: string): Promise<DemoBrowser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing. Install Debian's chromium: apt-get update && apt-get install -y chromium (.ci/run does this in CI)`);
  }
  if (!fs.existsSync(path.join(ROOT, 'example-app/dist/server.js'))) {
    throw new Error('example-app/dist/ is missing: run `npm run build && npm run build:example` first');
  }
  const shots = { dir: path.join(ROOT, 'artifacts/demo-console', name), count: 0 };
  fs.rmSync(shots.dir, { recursive: true, force: true });
  fs.mkdirSync(shots.dir, { recursive: true });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'epg-demo-data-'));
  const profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'epg-demo-chromium-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let server: ChildProcess | undefined;
  let context: BrowserContext | undefined;

  const close = async () => {
    await context?.close();
    if (server && server.exitCode === null) {
      server.removeAllListeners('exit');
      const exited = new Promise((resolve) => server?.once('exit', resolve));
      server.kill('SIGTERM');
      await exited;
    }
    for (const dir of [dataDir, profileDir]) fs.rmSync(dir, { recursive: true, force: true });
  };

  try {
    server = await startServer(port, dataDir);
    // A persistent context is how Playwright takes a fresh --user-data-dir of our own (it refuses the raw flag).
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1100, height: 900 },
    });
  } catch (err) {
    await close();
    throw err;
  }
  const page = context.pages()[0] ?? (await context.newPage());
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !EXPECTED_CONSOLE_ERROR.test(msg.text())) problems.push(`console: ${msg.text()} (${msg.location().url})`);
  });
  page.on('dialog', (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });

  const text = async (selector: string) => (await page.textContent(selector)) ?? '';
  return {
    page,
    base,
    port,
    problems,
    shots,
    async screenshot(step, selector) {
      shots.count += 1;
      const file = path.join(shots.dir, `${String(shots.count).padStart(2, '0')}-${step}.png`);
      await (selector === undefined ? page.screenshot({ path: file, fullPage: true }) : page.locator(selector).screenshot({ path: file }));
    },
    async press(id) {
      await page.click(`#${id}`);
      await page.waitForSelector(`#${id}:not(.busy)`);
    },
    text,
    json: async (selector) => JSON.parse(await text(selector)) as Record<string, unknown>,
    async open() {
      await page.goto(`${base}/`);
      // A locator, not a string predicate: the page's CSP forbids eval.
      await page.locator('#discovery', { hasNotText: 'loading' }).waitFor();
    },
    overflows: () => overflows(page),
    close,
  };
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
  getComputedStyle(el: Element_): Record<'borderLeftWidth' | 'borderRightWidth' | 'paddingLeft' | 'paddingRight', string>;
}

/**
 * What sticks out sideways: the page wider than the window (a horizontal scrollbar), or a control, result, list item
 * or sentence of a card past the card's content box. [] when everything fits.
 */
function overflows(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    // eslint-disable-next-line @typescript-eslint/unbound-method -- the page's global getComputedStyle, called bare as scripts do
    const { document, getComputedStyle } = globalThis as unknown as PageGlobals;
    const found: string[] = [];
    const root = document.documentElement;
    if (root.scrollWidth > root.clientWidth) found.push(`the page: scrollWidth ${root.scrollWidth} > clientWidth ${root.clientWidth}`);
    for (const card of document.querySelectorAll('.card')) {
      const box = card.getBoundingClientRect();
      const style = getComputedStyle(card);
      const left = box.left + parseFloat(style.borderLeftWidth) + parseFloat(style.paddingLeft);
      const right = box.right - parseFloat(style.borderRightWidth) - parseFloat(style.paddingRight);
      for (const el of card.querySelectorAll('input, select, button, pre, p, h2, h3, li')) {
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

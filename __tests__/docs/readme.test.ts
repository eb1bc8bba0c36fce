// __tests__/docs/readme.test.ts
// The README's shape (short, the two newcomer commands first, a map of docs/) and that no link or path in the docs dangles.

import fs from 'node:fs';
import path from 'node:path';
import { anchors, blocks, fileBlocks, links, markdownFiles, prose, read, ROOT } from './markdown';

/** Every file name under __tests__/, so the threat model's short names (`burst.test.ts`) can be checked too. */
function testFileNames(): Set<string> {
  const names = new Set<string>();
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(path.join(dir, entry.name));
      else names.add(entry.name);
    }
  };
  walk(path.join(ROOT, '__tests__'));
  return names;
}

/** Paths that exist only after a build, a run or `npm run docs` (all gitignored). */
const GENERATED = /^(dist|example-app\/dist|example-app\/data|artifacts|docs\/api)(\/|$)/;

describe('README.md', () => {
  const readme = read('README.md');

  it('is at most 300 lines', () => {
    expect(readme.split('\n').length).toBeLessThanOrEqual(300);
  });

  it('opens with the two commands a newcomer runs: start the example app, run every test', () => {
    const first = blocks('README.md', readme)[0];
    expect(first.line).toBeLessThan(10);
    const commands = first.code
      .split('\n')
      .map((line) => line.replace(/#.*/, '').trim())
      .filter(Boolean);
    expect(commands).toEqual(['npm ci && npm start', 'npm ci && npm test']);
  });

  it("names each dependency that runs an install script (native code), and package.json's allowScripts allows it", () => {
    const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, { hasInstallScript?: boolean }> };
    const pkg = JSON.parse(read('package.json')) as { allowScripts: Record<string, boolean> };
    const scripted = Object.entries(lock.packages)
      .filter(([, entry]) => entry.hasInstallScript === true)
      .map(([where]) => where.replace(/^.*node_modules\//, ''));
    expect(scripted.length).toBeGreaterThan(0);
    const intro = readme.slice(0, readme.indexOf('**Contents:**'));
    // Without an allowScripts entry, `npm ci` warns (npm 11.16+), and a future npm skips the script.
    for (const name of scripted)
      expect({ name, allowed: pkg.allowScripts[name], named: intro.includes(`\`${name}\``) }).toEqual({ name, allowed: true, named: true });
  });

  it('links every document under docs/ from its Documentation map', () => {
    const map = readme.slice(readme.indexOf('## Documentation'));
    const linked = new Set(links(map));
    for (const file of markdownFiles().filter((f) => f.startsWith('docs/'))) expect([...linked]).toContain(file);
  });
});

describe.each(markdownFiles())('%s', (file) => {
  const text = read(file);
  const dir = path.dirname(path.join(ROOT, file));

  it('has no relative link to a missing file or heading', () => {
    const broken: string[] = [];
    for (const target of links(text)) {
      if (/^[a-z]+:/i.test(target)) continue; // https:, mailto:
      const [filePart, anchor] = target.split('#');
      const resolved = filePart === '' ? path.join(ROOT, file) : path.join(dir, decodeURIComponent(filePart));
      if (!fs.existsSync(resolved)) {
        broken.push(`${target} (no such file)`);
        continue;
      }
      if (anchor !== undefined && resolved.endsWith('.md') && !anchors(fs.readFileSync(resolved, 'utf8')).has(anchor)) {
        broken.push(`${target} (no such heading)`);
      }
    }
    expect(broken).toEqual([]);
  });

  // The Quick start (example-app/quick-start.ts) and the client snippets (example-app/clients/*.mjs) are files that
  // tests run; the page shows them as they are.
  it('shows every repository file a block names on its first line verbatim', () => {
    for (const block of fileBlocks(file, text)) expect({ at: block.line, code: block.code }).toEqual({ at: block.line, code: read(block.shows) });
  });

  it('names only files and directories that exist', () => {
    const tests = testFileNames();
    const missing: string[] = [];
    const text_ = prose(text);
    for (const m of text_.matchAll(/(?<![\w./-])((?:example-app|lib|__tests__|bench|scripts|docs|\.ci)\/[\w./-]*)/g)) {
      const name = m[1].replace(/[.,]+$/, '');
      if (GENERATED.test(name)) continue;
      if (!fs.existsSync(path.join(ROOT, name))) missing.push(name);
    }
    // Short test file names (`burst.test.ts`) and Markdown files named in inline code (`okta-guide.md`).
    for (const m of text_.matchAll(/`([\w.-]+\.test\.ts)`/g)) if (!tests.has(m[1])) missing.push(m[1]);
    for (const m of text_.matchAll(/`([\w./-]+\.md)`/g)) {
      if (!fs.existsSync(path.join(ROOT, m[1])) && !fs.existsSync(path.join(ROOT, 'docs', m[1]))) missing.push(m[1]);
    }
    expect(missing).toEqual([]);
  });
});

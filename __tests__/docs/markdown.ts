// __tests__/docs/markdown.ts
// Reads README.md, example-app/README.md and docs/*.md for the docs tests: fenced blocks, prose outside them, links,
// GitHub heading anchors.

import fs from 'node:fs';
import path from 'node:path';

export const ROOT = path.join(__dirname, '../..');

/** README.md, example-app/README.md and every Markdown file under docs/ (not the generated docs/api/), from the root. */
export function markdownFiles(): string[] {
  const docs = fs
    .readdirSync(path.join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`);
  return ['README.md', 'example-app/README.md', ...docs.sort()];
}

export function read(file: string): string {
  return fs.readFileSync(path.join(ROOT, file), 'utf8');
}

export interface Block {
  readonly file: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly lang: string;
  readonly code: string;
}

const FENCE = /^```(\S*)\s*$/;

/** Every fenced code block of a Markdown text. */
export function blocks(file: string, text = read(file)): Block[] {
  const lines = text.split('\n');
  const found: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]); i++) body.push(lines[i]);
    found.push({ file, line: start + 1, lang: open[1], code: body.join('\n') + '\n' });
  }
  return found;
}

/** A block that opens with a comment naming a file of this repository (`// example-app/quick-start.ts`). */
export interface FileBlock extends Block {
  /** The file it names, relative to the root: the block is that file, verbatim. */
  readonly shows: string;
}

/** The blocks of a Markdown text that show a repository file: a test runs the file, the reader sees the block. */
export function fileBlocks(file: string, text = read(file)): FileBlock[] {
  return blocks(file, text).flatMap((b) => {
    const named = /^\/\/ ([\w./-]+\.[cm]?[jt]s)\n/.exec(b.code);
    return named && fs.existsSync(path.join(ROOT, named[1])) ? [{ ...b, shows: named[1] }] : [];
  });
}

/** Blocks a reader would paste into a shell: tagged sh/bash/shell/console, or untagged and starting with a command. */
export function shellBlocks(file: string): Block[] {
  return blocks(file).filter((b) => ['sh', 'bash', 'shell', 'console'].includes(b.lang) || (b.lang === '' && /^(\$ |curl |npm |npx |node )/.test(b.code)));
}

/** The text outside fenced blocks (inline code and links live there). */
export function prose(text: string): string {
  return text.replace(/^```[^\n]*\n[\s\S]*?^```\s*$/gm, '');
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, each space a hyphen. */
export function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The anchors of a Markdown text, with GitHub's -1, -2 suffixes for repeated headings. */
export function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const match of prose(text).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = slug(match[1]);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    result.add(n === 0 ? base : `${base}-${n}`);
  }
  return result;
}

/** Targets of Markdown links `[text](target)` outside fenced blocks. */
export function links(text: string): string[] {
  return [...prose(text).matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]);
}

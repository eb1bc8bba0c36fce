// __tests__/helpers/import-graph.test.ts
// The architecture checker itself, on tiny trees written for each case: it must see every kind of import and fail
// on a cycle or an upward import, or the architecture test proves nothing.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { architectureProblems, importGraph, moduleSpecifiers } from './import-graph';

let dirs: string[] = [];

/** Writes `files` (path -> source) under a fresh directory and returns it. */
function tree(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'epg-graph-'));
  dirs.push(root);
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  }
  return root;
}

afterEach(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  dirs = [];
});

const LAYERS = { util: 0, errors: 0, http: 1, endpoints: 2, 'index.ts': 3 };

const clean = {
  'util/assert.ts': "import { ConfigError } from '../errors/config-error';\nexport const fail = () => new ConfigError();\n",
  'errors/config-error.ts': 'export class ConfigError extends Error {}\n',
  'http/respond.ts': "import type { ConfigError } from '../errors/config-error';\nexport type R = ConfigError;\n",
  'endpoints/revoke.ts': "import { fail } from '../util/assert';\nimport type { R } from '../http/respond';\nexport const r: R | undefined = fail();\n",
  'index.ts': "export { r } from './endpoints/revoke';\n",
};

describe('moduleSpecifiers', () => {
  it('sees static, type-only, re-export, require, dynamic and type-position imports, and nothing in comments or strings', () => {
    const source = [
      "import a from './a';",
      "import type { B } from './b';",
      "import './c';",
      "export { d } from './d';",
      "export * from './e';",
      "export type { F } from './f';",
      "import g = require('./g');",
      "const h = require('./h');",
      "const i = import('./i');",
      "type J = import('./j').J;",
      "// import k from './k';",
      "/** @example import l from './l' */",
      'const m = "import n from \'./n\'";',
    ].join('\n');
    expect(moduleSpecifiers('x.ts', source)).toEqual(['./a', './b', './c', './d', './e', './f', './g', './h', './i', './j']);
  });
});

describe('importGraph', () => {
  it('resolves a specifier to a file or a folder index, as the compiler does', () => {
    const root = tree({
      'a.ts': "import { b } from './b';\nimport { c } from './c';\nimport x from 'express';\n",
      'b.ts': 'export const b = 1;\n',
      'c/index.ts': "export { b as c } from '../b';\n",
    });
    expect(importGraph(root)).toEqual(
      new Map([
        ['a.ts', ['b.ts', 'c/index.ts']],
        ['b.ts', []],
        ['c/index.ts', ['b.ts']],
      ]),
    );
  });
});

describe('architectureProblems', () => {
  it('passes a layered tree without cycles', () => {
    expect(architectureProblems(tree(clean), LAYERS)).toEqual([]);
  });

  it('fails on a file cycle made of type-only imports', () => {
    const root = tree({
      ...clean,
      'http/respond.ts': "import type { Form } from './parse-form';\nexport type R = Form;\n",
      'http/parse-form.ts': "import type { R } from './respond';\nexport type Form = R[];\n",
    });
    expect(architectureProblems(root, LAYERS)).toEqual(['file cycle: http/parse-form.ts http/respond.ts']);
  });

  it('fails on a folder cycle even when no file cycle exists', () => {
    const root = tree({
      ...clean,
      'util/a.ts': "import { b } from '../errors/b';\nexport const a = b;\n",
      'errors/b.ts': 'export const b = 1;\n',
      'errors/c.ts': "import { fail } from '../util/assert';\nexport const c = fail;\n",
    });
    expect(architectureProblems(root, LAYERS)).toEqual(['unit cycle: errors util']);
  });

  it('fails on an import from a lower layer into a higher one, naming both files', () => {
    const root = tree({ ...clean, 'util/url.ts': "import type { R } from '../http/respond';\nexport type U = R;\n" });
    expect(architectureProblems(root, LAYERS)).toEqual(['util/url.ts (layer 0) imports http/respond.ts (layer 1)']);
  });

  it('fails on a dynamic import or require that goes up (here also closing a cycle through endpoints)', () => {
    const root = tree({ ...clean, 'util/lazy.ts': "export const lazy = () => import('../endpoints/revoke');\nrequire('../http/respond');\n" });
    expect(architectureProblems(root, LAYERS)).toEqual([
      'util/lazy.ts (layer 0) imports endpoints/revoke.ts (layer 2)',
      'util/lazy.ts (layer 0) imports http/respond.ts (layer 1)',
      'unit cycle: endpoints util',
    ]);
  });

  it('fails on a unit the layer table does not name', () => {
    const root = tree({ ...clean, 'misc/helper.ts': 'export const x = 1;\n' });
    expect(architectureProblems(root, LAYERS)).toEqual(['misc is in no layer']);
  });
});

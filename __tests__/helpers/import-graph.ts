// __tests__/helpers/import-graph.ts
// The import graph of a source tree (type-only imports included) and the layer rules checked against it.

import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/** Files by path relative to the root (posix separators), each with the files it imports, in source order. */
export type ImportGraph = ReadonlyMap<string, readonly string[]>;

/** Every `.ts` file under `root` and its relative imports resolved to files under `root`. */
export function importGraph(root: string): ImportGraph {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(root)) {
    const text = fs.readFileSync(path.join(root, file), 'utf8');
    const targets = moduleSpecifiers(file, text)
      .filter((spec) => spec.startsWith('./') || spec.startsWith('../'))
      .map((spec) => resolveImport(root, file, spec))
      .filter((target): target is string => target !== undefined);
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

function sourceFiles(root: string, dir = ''): string[] {
  const files: string[] = [];
  for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = dir === '' ? entry.name : `${dir}/${entry.name}`;
    if (entry.isDirectory()) files.push(...sourceFiles(root, rel));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) files.push(rel);
  }
  return files.sort();
}

/**
 * Every module a file names: `import`/`import type`/`export ... from`, `import x = require()`, dynamic `import()`,
 * `require()` and type positions (`import('./x').T`), read from the syntax tree so comments and strings never count.
 */
export function moduleSpecifiers(fileName: string, text: string): string[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const specs: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier !== undefined) {
      if (ts.isStringLiteral(node.moduleSpecifier)) specs.push(node.moduleSpecifier.text);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      const expr = node.moduleReference.expression;
      if (ts.isStringLiteral(expr)) specs.push(expr.text);
    } else if (ts.isCallExpression(node) && node.arguments.length > 0 && ts.isStringLiteralLike(node.arguments[0])) {
      const callee = node.expression;
      if (callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require')) {
        specs.push(node.arguments[0].text);
      }
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      specs.push(node.argument.literal.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return specs;
}

/** `spec` as the compiler resolves it (`x.ts`, then `x/index.ts`), relative to `root`; undefined outside it. */
function resolveImport(root: string, from: string, spec: string): string | undefined {
  const base = path.resolve(root, path.dirname(from), spec.replace(/\.js$/, ''));
  for (const candidate of [`${base}.ts`, path.join(base, 'index.ts')]) {
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) {
      const rel = path.relative(root, candidate);
      return rel.startsWith('..') ? undefined : rel.split(path.sep).join('/');
    }
  }
  return undefined;
}

/** The top-level unit a file belongs to: its first folder, or the file itself at the root. */
export function unitOf(file: string): string {
  const slash = file.indexOf('/');
  return slash === -1 ? file : file.slice(0, slash);
}

/** Strongly connected components with more than one node, or a node importing itself (Tarjan). */
export function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const connect = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(component.sort());
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) connect(v);
  return found;
}

/** The graph of top-level units: an edge wherever some file of one imports a file of another. */
export function unitGraph(graph: ImportGraph): Map<string, string[]> {
  const units = new Map<string, Set<string>>();
  for (const [file, targets] of graph) {
    const from = unitOf(file);
    if (!units.has(from)) units.set(from, new Set());
    for (const target of targets) if (unitOf(target) !== from) units.get(from)!.add(unitOf(target));
  }
  return new Map([...units].map(([unit, targets]) => [unit, [...targets].sort()]));
}

/** Layer number of each top-level unit (a folder name, or a file name at the root); 0 is the bottom. */
export type Layers = Readonly<Record<string, number>>;

/**
 * Everything wrong with `root` against `layers`, one line each (an empty list means the tree is fine): a unit the
 * table does not name, an import from a lower layer up into a higher one, a cycle between units, a cycle between files.
 */
export function architectureProblems(root: string, layers: Layers): string[] {
  const graph = importGraph(root);
  const problems: string[] = [];
  const units = unitGraph(graph);
  for (const unit of [...units.keys()].sort()) {
    if (!(unit in layers)) problems.push(`${unit} is in no layer`);
  }
  for (const [file, targets] of graph) {
    const from = unitOf(file);
    for (const target of targets) {
      const to = unitOf(target);
      if (from !== to && layers[from] !== undefined && layers[to] !== undefined && layers[to] > layers[from]) {
        problems.push(`${file} (layer ${layers[from]}) imports ${target} (layer ${layers[to]})`);
      }
    }
  }
  for (const cycle of cycles(units)) problems.push(`unit cycle: ${cycle.join(' ')}`);
  for (const cycle of cycles(graph)) problems.push(`file cycle: ${cycle.join(' ')}`);
  return problems;
}

/** The packages the files under `root` import (`express` for 'express', `@scope/x` for '@scope/x/y'), builtins aside. */
export function packageImports(root: string): Set<string> {
  const packages = new Set<string>();
  for (const file of sourceFiles(root)) {
    for (const spec of moduleSpecifiers(file, fs.readFileSync(path.join(root, file), 'utf8'))) {
      if (spec.startsWith('.') || spec.startsWith('node:')) continue;
      const parts = spec.split('/');
      packages.add(spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]);
    }
  }
  return packages;
}

// __tests__/architecture.test.ts
// lib/ is layered (docs/architecture.md): top-level units form a DAG, no file imports a higher layer, no file cycles
// (type-only imports included). The checker itself is proven on fixture trees in helpers/import-graph.test.ts.

import fs from 'node:fs';
import path from 'node:path';
import { architectureProblems, importGraph, packageImports, type Layers } from './helpers/import-graph';

/** Bottom (0) to top; mirrored in docs/architecture.md. A unit may import its own layer only without a cycle. */
export const LAYERS: Layers = {
  // 0 foundations: pure helpers, error types, contract types, event names and payloads
  util: 0,
  errors: 0,
  'types.ts': 0,
  'events.ts': 0,
  // 1 building blocks: JOSE, tokens, stores
  jose: 1,
  tokens: 1,
  stores: 1,
  // 2 options: every option's type and resolution, the app's callback types
  options: 2,
  // 3 context: what a request closes over, and all per-instance state
  context: 3,
  // 4 http: form parsing, responses, errors on the wire, challenges, request URLs
  http: 4,
  // 5 services: what endpoints and grants call
  throttle: 5,
  dpop: 5,
  'client-auth': 5,
  users: 5,
  bearer: 5,
  // 6 grants
  grants: 6,
  // 7 endpoints and the discovery documents
  endpoints: 7,
  discovery: 7,
  // 8 entry points
  'password-grant.ts': 8,
  'index.ts': 8,
  testing: 8,
  cli: 8,
  'cli.ts': 8,
};

const LIB = path.join(__dirname, '..', 'lib');

it('lib/ has no file cycle, no unit cycle and no import into a higher layer', () => {
  expect(architectureProblems(LIB, LAYERS)).toEqual([]);
});

it('a store backend (lib/stores/<backend>/) imports only shared/ and its own folder; shared/ imports no backend', () => {
  const folder = (file: string): string | undefined => (file.startsWith('stores/') ? file.split('/')[1] : undefined);
  const crossings: string[] = [];
  for (const [file, targets] of importGraph(LIB)) {
    const from = folder(file);
    if (from === undefined) continue;
    for (const target of targets) {
      const to = folder(target);
      if (to !== undefined && to !== from && to !== 'shared') crossings.push(`${file} imports ${target}`);
    }
  }
  expect(crossings).toEqual([]);
});

it('lib/ imports only packages the package depends on (dependencies or peers), never a devDependency', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8'));
  const allowed = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})]);
  const imported = [...packageImports(LIB)].sort();
  expect(imported.filter((name) => !allowed.has(name))).toEqual([]);
  // passport-local is the app's choice (verifyUser may be one of its strategies), not ours.
  expect(imported).not.toContain('passport-local');
});

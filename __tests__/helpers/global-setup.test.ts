// __tests__/helpers/global-setup.test.ts
// The globalSetup builds the package only for runs that need it: it must find every suite that uses the build.

import path from 'node:path';
import { selectedSuites, usesDist } from './global-setup';

const rel = (files: string[]): string[] => files.map((f) => path.relative(path.join(__dirname, '..'), f).split(path.sep).join('/')).sort();

it('finds the suites that run the built package, directly or through a helper they import, and only those', () => {
  const found = rel(selectedSuites('').filter((suite) => usesDist(suite)));
  // Directly (a path into the build), through a helper (stores/redis/instances.ts), through the example app (the package name).
  const usingDist = [
    'packaging/built-package.test.ts',
    'cli/cli.test.ts',
    'stores/redis/redis-multi-instance.test.ts',
    'stores/postgres/postgres-faults.test.ts',
    'example-app/quick-start.test.ts',
  ];
  for (const suite of usingDist) {
    expect(found).toContain(suite);
  }
  for (const suite of ['grants/scope.test.ts', 'http/parse-form.test.ts', 'bearer/one-core.test.ts', 'helpers/global-setup.test.ts']) {
    expect(found).not.toContain(suite);
  }
});

it('selects suites as Jest does, by a case-insensitive pattern on the path', () => {
  expect(rel(selectedSuites('__tests__/stores/REDIS/redis-multi'))).toEqual(['stores/redis/redis-multi-instance.test.ts']);
  expect(selectedSuites('__tests__/grants/scope').some((suite) => usesDist(suite))).toBe(false);
});

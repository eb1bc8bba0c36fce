// __tests__/helpers/global-setup.test.ts
// The globalSetup builds the package only for runs that need it: it must find every suite that uses the build.

import path from 'node:path';
import { selectedSuites, usesDist } from './global-setup';

const rel = (files: string[]): string[] => files.map((f) => path.relative(path.join(__dirname, '..'), f).split(path.sep).join('/')).sort();

it('finds the suites that run the built package, directly or through a helper they import', () => {
  expect(rel(selectedSuites('').filter((suite) => usesDist(suite)))).toEqual([
    'cli/cli.test.ts',
    'docs/readme.test.ts',
    'docs/shell-examples.test.ts',
    'example-app.test.ts',
    'example-app/demo-console.test.ts',
    'example-app/quick-start.test.ts',
    'packaging.test.ts',
    'process-exit.test.ts',
    'redis/faults.test.ts',
    'redis/multi-instance.test.ts',
    'testing/package-export.test.ts',
  ]);
});

it('selects suites as Jest does, by a case-insensitive pattern on the path', () => {
  expect(rel(selectedSuites('__tests__/REDIS/multi'))).toEqual(['redis/multi-instance.test.ts']);
  expect(selectedSuites('__tests__/grants/scope').some((suite) => usesDist(suite))).toBe(false);
});

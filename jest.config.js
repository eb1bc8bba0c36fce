/** @type {import('jest').Config} */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  // bcrypt at a realistic cost and real HTTP make some suites slow on 2 cores.
  testTimeout: 30000,
  // Builds dist/ first when a selected suite needs it and it is missing or stale (see the file).
  globalSetup: '<rootDir>/__tests__/helpers/global-setup.ts',
  // No forceExit: Jest exits by itself, in well under a second, because every suite closes what it opens (servers,
  // pools, clients, child processes, timers). This teardown's watchdog kills a Jest still alive a minute later and says
  // why, so CI fails at once instead of hanging: a handle a suite left open, or (its event loop drained) an exit that
  // does not return, as on 2026-12-01 when one full run of three spun in Node 20's Environment::CleanupHandles for
  // 18 min. That spin was not seen again in the 4 full runs of 2026-12-07, where Node found only its own handles left.
  globalTeardown: '<rootDir>/__tests__/helpers/global-teardown.ts',
  // The example app imports the package by its name, as a user would: the built package, like Node resolves it.
  moduleNameMapper: { '^express-password-grant$': '<rootDir>/dist/index.js' },
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json', diagnostics: { warnOnly: false } }] },
};

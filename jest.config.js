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
  // pools, clients, child processes, timers). A suite that leaks one shows up as a Jest that does not exit: this
  // teardown's watchdog then says so and kills Jest after a minute, so CI fails at once instead of hanging.
  // (forceExit was on from 2026-12-01, after one full run of three spun at exit in Node's Environment::CleanupHandles;
  // in RUNS full runs since, Node's exit found only its own handles left to close and took under a second.)
  globalTeardown: '<rootDir>/__tests__/helpers/global-teardown.ts',
  // The example app imports the package by its name, as a user would: the built package, like Node resolves it.
  moduleNameMapper: { '^express-password-grant$': '<rootDir>/dist/index.js' },
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json', diagnostics: { warnOnly: false } }] },
};

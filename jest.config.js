/** @type {import('jest').Config} */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  // bcrypt at a realistic cost and real HTTP make some suites slow on 2 cores.
  testTimeout: 30000,
  // Once every suite has passed, exit instead of waiting for the event loop to drain: on Node 20 one full run of three
  // (2026-12-01) sat at 85 % CPU for 18 minutes after "Ran all test suites", its main thread spinning in
  // Environment::CleanupHandles (gdb), which would hang CI. Open handles are still each suite's own business.
  forceExit: true,
  // Builds dist/ first when a selected suite needs it and it is missing or stale (see the file).
  globalSetup: '<rootDir>/__tests__/helpers/global-setup.ts',
  // The example app imports the package by its name, as a user would: the built package, like Node resolves it.
  moduleNameMapper: { '^express-password-grant$': '<rootDir>/dist/index.js' },
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json', diagnostics: { warnOnly: false } }] },
};

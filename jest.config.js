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
  // The example app imports the package by its name, as a user would: the built package, like Node resolves it.
  moduleNameMapper: { '^express-password-grant$': '<rootDir>/dist/index.js' },
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json', diagnostics: { warnOnly: false } }] },
};

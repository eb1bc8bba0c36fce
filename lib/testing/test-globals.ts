// lib/testing/test-globals.ts
// The describe/it/afterEach globals of the user's runner (jest, vitest with globals, mocha), found at call time.

export type TestBody = () => Promise<void>;

/**
 * What the contract needs from a test runner; jest, vitest (`globals: true`) and mocha provide it as globals, and
 * `node:test` exports it (`import { describe, it, afterEach } from 'node:test'`; it ignores the timeout argument).
 * They are called as plain functions, as the globals are (`this: void`), never as methods of `runner`.
 */
export interface TestGlobals {
  describe(this: void, name: string, body: () => void): void;
  it(this: void, name: string, body: TestBody, timeoutMs?: number): void;
  afterEach(this: void, body: () => Promise<void>): void;
}

/**
 * `runner` when given, else the runner's globals; throws a clear error outside a test file (no import of jest, so
 * no dependency on it).
 */
export function testGlobals(runner?: TestGlobals): TestGlobals {
  if (runner !== undefined) {
    if (typeof runner.describe !== 'function' || typeof runner.it !== 'function' || typeof runner.afterEach !== 'function') {
      throw new TypeError('express-password-grant/testing: options.runner must have describe, it and afterEach functions');
    }
    return runner;
  }
  const g = globalThis as Partial<Record<keyof TestGlobals, unknown>>;
  if (typeof g.describe !== 'function' || typeof g.it !== 'function' || typeof g.afterEach !== 'function') {
    throw new Error(
      'express-password-grant/testing: call runTokenStoreContract() in a test file (describe/it/afterEach globals are missing; with node:test pass { runner: { describe, it, afterEach } })',
    );
  }
  return g as TestGlobals;
}

// lib/testing/contract.ts
// runTokenStoreContract: declares the TokenStore conformance suite in the caller's test file.

import type { TokenStore } from '../stores/shared/store';
import { cappedCounterCases } from './capped-counter-cases';
import { counterCases } from './counter-cases';
import { expiryCases } from './expiry-cases';
import type { Harness, TokenStoreContractOptions } from './harness';
import { refreshCases } from './refresh-cases';
import { peerCases, revocationCases } from './revocation-cases';
import { testGlobals } from './test-globals';
import { valueCases } from './value-cases';

/**
 * Declares describe/it blocks (jest, vitest globals, mocha) checking that a TokenStore keeps the contract the
 * token endpoint relies on: copies in and out, TTL expiry, atomic rotation and consume-once under concurrency,
 * family revocation, counters with window extension, capped counters with release, replay caches, one-shot values, and the optional
 * `onRevocation` broadcast. Assertions use `node:assert`, so any runner reports them.
 * @example
 * // __tests__/postgres-store.test.ts
 * import { runTokenStoreContract } from 'express-password-grant/testing';
 * runTokenStoreContract({ name: 'PostgresStore', create: () => new PostgresStore(pool), cleanup: (s) => s.close() });
 * @example
 * // test/my-store.test.mjs, run with `node --test`
 * import { describe, it, afterEach } from 'node:test';
 * runTokenStoreContract({ name: 'MyStore', create: () => new MyStore(), runner: { describe, it, afterEach } });
 */
export function runTokenStoreContract<S extends TokenStore>(options: TokenStoreContractOptions<S>): void {
  const { describe, it, afterEach } = testGlobals(options.runner);
  const timeout = options.timeoutMs ?? 20_000;
  const cleanup = options.cleanup ?? ((store: S) => store.close?.());
  let created: S[] = [];
  const remember = (store: S): S => {
    created.push(store);
    return store;
  };
  const harness: Harness = {
    it: (name, body) => it(name, body, timeout),
    store: async () => remember(await options.create()),
    peer: options.peer === undefined ? undefined : async (store) => remember(await options.peer!(store as S)),
  };
  describe(`TokenStore contract: ${options.name}`, () => {
    afterEach(async () => {
      const stores = created;
      created = [];
      for (const store of stores) await cleanup(store);
    });
    describe('refresh tokens', () => refreshCases(harness));
    describe('revocation', () => revocationCases(harness));
    describe('counters', () => counterCases(harness));
    describe('capped counters (throttle reservations)', () => cappedCounterCases(harness));
    describe('replay caches and one-shot values', () => valueCases(harness));
    describe('expiry', () => expiryCases(harness));
    if (options.peer !== undefined) describe('shared between handles', () => peerCases(harness));
  });
}

// lib/testing/contract.ts
// The store contract runners: the whole TokenStore, or one concern at a time, declared in the caller's test file.

import { missingMethods, TOKEN_STORE_CONCERNS, type StoreConcern } from '../stores/shared/concerns';
import type { CounterBatchStore } from '../stores/shared/counter-batch-store';
import type { CounterStore } from '../stores/shared/counter-store';
import type { OneShotStore } from '../stores/shared/one-shot-store';
import type { RefreshTokenStore } from '../stores/shared/refresh-token-store';
import type { RevocationStore } from '../stores/shared/revocation-store';
import type { SessionStore } from '../stores/shared/session-store';
import type { TokenStore } from '../stores/shared/store';
import { cappedCounterCases } from './capped-counter-cases';
import type { ConditionalRotationStore } from '../stores/shared/conditional-rotation-store';
import { conditionalRotationCases } from './conditional-rotation-cases';
import { counterBatchCases } from './counter-batch-cases';
import { counterCases } from './counter-cases';
import { expiryCases } from './expiry-cases';
import type { FullStore, Harness, StoreContractOptions, TokenStoreContractOptions } from './harness';
import { refreshCases } from './refresh-cases';
import { peerCases, revocationCases } from './revocation-cases';
import { sessionCases, sessionPeerCases } from './session-cases';
import { testGlobals, type TestBody } from './test-globals';
import { valueCases } from './value-cases';

/**
 * Declares describe/it blocks (jest, vitest globals, mocha) checking that a TokenStore keeps the contract the
 * token endpoint relies on: copies in and out, TTL expiry, atomic rotation and consume-once under concurrency,
 * family revocation, counters with window extension, capped counters with release, replay caches, one-shot values, and the optional
 * `onRevocation` broadcast. Assertions use `node:assert`, so any runner reports them. It runs the cases of every
 * per-concern runner (`runRefreshTokenStoreContract`, `runRevocationStoreContract`, `runCounterStoreContract`,
 * `runOneShotStoreContract`) plus those where concerns meet (a revoked family's refresh tokens are hidden).
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
  declareContract('TokenStore', options, ['RefreshTokenStore', 'RevocationStore', 'CounterStore', 'OneShotStore']);
}

/**
 * The refresh-token cases alone (save, find, atomic rotation, reuse, expiry), for a store of that concern only.
 * @example
 * runRefreshTokenStoreContract({ name: 'MyRefreshTokens', create: () => new MyRefreshTokens() });
 */
export function runRefreshTokenStoreContract<S extends RefreshTokenStore>(options: StoreContractOptions<S>): void {
  declareContract('RefreshTokenStore', options, ['RefreshTokenStore']);
}

/**
 * The revocation cases alone (jti and family marks, their expiry, the optional `onRevocation` broadcast).
 * @example
 * runRevocationStoreContract({ name: 'MyRevocations', create: () => new MyRevocations() });
 */
export function runRevocationStoreContract<S extends RevocationStore>(options: StoreContractOptions<S>): void {
  declareContract('RevocationStore', options, ['RevocationStore']);
}

/**
 * The counter cases alone (hit, hitBelow, release, peek, reset, windows and expiry), for a throttling backend.
 * @example
 * runCounterStoreContract({ name: 'MyCounters', create: () => new MyCounters() });
 */
export function runCounterStoreContract<S extends CounterStore>(options: StoreContractOptions<S>): void {
  declareContract('CounterStore', options, ['CounterStore']);
}

/**
 * The cases of the optional batch capability (`CounterBatchStore`: hitBelowMany, changeMany): each batch means its
 * single-key calls, atomic per key, with concurrent batches naming keys in any order. For a store that implements
 * it, beside `runTokenStoreContract` or `runCounterStoreContract` (its single-key methods set up and check).
 * @example
 * runCounterBatchStoreContract({ name: 'MyCounters', create: () => new MyCounters() });
 */
export function runCounterBatchStoreContract<S extends CounterStore & CounterBatchStore>(options: StoreContractOptions<S>): void {
  declareBlock('CounterBatchStore', options, ({ it, remember, describe }) => {
    describe('counter batches', () => counterBatchCases({ it, store: async () => remember(await options.create()) }));
  });
}

/**
 * The cases of the optional one-step refresh (`ConditionalRotationStore`: rotateIfCurrent): it rotates, as
 * `rotateRefreshToken` would, only a token the refresh grant would rotate as it is, and otherwise returns undefined
 * having changed nothing; of concurrent calls one wins. For a store that implements it, beside `runTokenStoreContract`
 * (its refresh-token and revocation methods set up and check).
 * @example
 * runConditionalRotationStoreContract({ name: 'MyStore', create: () => new MyStore() });
 */
export function runConditionalRotationStoreContract<S extends RefreshTokenStore & RevocationStore & ConditionalRotationStore>(
  options: StoreContractOptions<S>,
): void {
  declareBlock('ConditionalRotationStore', options, ({ it, remember, describe }) => {
    describe('one-step refresh', () => conditionalRotationCases({ it, store: async () => remember(await options.create()) }));
  });
}

/**
 * The replay-cache and one-shot value cases alone (claimOnce, put, take, expiry).
 * @example
 * runOneShotStoreContract({ name: 'MyOneShots', create: () => new MyOneShots() });
 */
export function runOneShotStoreContract<S extends OneShotStore>(options: StoreContractOptions<S>): void {
  declareContract('OneShotStore', options, ['OneShotStore']);
}

/**
 * The session cases (saved with the first refresh token, listed by user, touched by rotation with its details, ended
 * by hand and by the per-user cap with every refresh token of the family, spent ones included), for a store that implements `SessionStore` besides refresh tokens and revocations (every store
 * of this package does; a TokenStore without sessions keeps working without them).
 * @example
 * runSessionStoreContract({ name: 'MyStore', create: () => new MyStore() });
 */
export function runSessionStoreContract<S extends SessionStore & RefreshTokenStore & RevocationStore>(options: StoreContractOptions<S>): void {
  declareContract('SessionStore', options, ['SessionStore']);
}

/** The store a runner's `create` made, or a TypeError naming what it lacks of the interface under test. */
async function checked<S extends object>(made: S | Promise<S>, title: string): Promise<S> {
  const store = await made;
  const lacking = (title === 'TokenStore' ? TOKEN_STORE_CONCERNS : [title as StoreConcern]).flatMap((concern) => missingMethods(store, concern));
  if (lacking.length > 0)
    throw new TypeError(`express-password-grant/testing: the store under test does not implement ${title} (missing: ${lacking.join(', ')})`);
  return store;
}

/** The describe block of one runner: a harness over `options`, and the case groups of `concerns`. */
function declareContract<S extends object>(title: string, options: StoreContractOptions<S>, concerns: readonly StoreConcern[]): void {
  const covered = new Set(concerns);
  declareBlock(title, options, ({ it, remember, describe }) => {
    // Cases call only the methods of covered concerns (Harness), so handing them an S typed as FullStore is sound.
    const harness: Harness = {
      it,
      covers: (concern) => covered.has(concern),
      store: async () => remember(await checked(options.create(), title)) as unknown as FullStore,
      peer:
        options.peer === undefined ? undefined : async (store) => remember(await checked(options.peer!(store as unknown as S), title)) as unknown as FullStore,
    };
    if (covered.has('RefreshTokenStore')) describe('refresh tokens', () => refreshCases(harness));
    if (covered.has('RevocationStore')) describe('revocation', () => revocationCases(harness));
    if (covered.has('CounterStore')) {
      describe('counters', () => counterCases(harness));
      describe('capped counters (throttle reservations)', () => cappedCounterCases(harness));
    }
    if (covered.has('OneShotStore')) describe('replay caches and one-shot values', () => valueCases(harness));
    if (covered.has('SessionStore')) describe('sessions', () => sessionCases(harness));
    describe('expiry', () => expiryCases(harness));
    if (options.peer !== undefined) {
      describe('shared between handles', () => (covered.has('SessionStore') ? sessionPeerCases(harness) : peerCases(harness)));
    }
  });
}

/** What a runner's cases are declared with: the runner's `it` (with the timeout) and `describe`, and `remember`. */
interface Block<S> {
  it(this: void, name: string, body: TestBody): void;
  describe(this: void, name: string, body: () => void): void;
  /** Keeps a store the current case made, to clean it up after the case. */
  remember(this: void, store: S): S;
}

/** `<title> contract: <name>`, whose stores are cleaned up after each case. */
function declareBlock<S extends object>(title: string, options: StoreContractOptions<S>, declare: (block: Block<S>) => void): void {
  const { describe, it, afterEach } = testGlobals(options.runner);
  const timeout = options.timeoutMs ?? 20_000;
  const cleanup = options.cleanup ?? ((store: S) => (store as { close?: () => unknown }).close?.());
  let created: S[] = [];
  const remember = (store: S): S => {
    created.push(store);
    return store;
  };
  describe(`${title} contract: ${options.name}`, () => {
    afterEach(async () => {
      const stores = created;
      created = [];
      for (const store of stores) await cleanup(store);
    });
    declare({ it: (name, body) => it(name, body, timeout), describe, remember });
  });
}

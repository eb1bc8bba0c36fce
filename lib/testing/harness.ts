// lib/testing/harness.ts
// What each group of contract cases receives: the runner's `it`, the concerns under test, and stores created per
// case and cleaned up after.

import type { StoreConcern } from '../stores/shared/concerns';
import type { SessionStore } from '../stores/shared/session-store';
import type { TokenStore } from '../stores/shared/store';
import type { TestBody, TestGlobals } from './test-globals';

/** Options of every contract runner (`runTokenStoreContract`, `runCounterStoreContract`, ...). */
export interface StoreContractOptions<S extends object = object> {
  /** Shown in the describe block, e.g. `'PostgresStore'`. */
  readonly name: string;
  /** A fresh store for one test case. Stores made for different cases may share a backend (ids are random). */
  readonly create: () => S | Promise<S>;
  /** Called after each case with every store it created. Default: `store.close?.()`. */
  readonly cleanup?: (store: S) => void | Promise<void>;
  /**
   * For shared stores: a second, independent handle on the same backend as `store` (another connection, as a
   * second process would have). When given, the cross-instance cases run too.
   */
  readonly peer?: (store: S) => S | Promise<S>;
  /** Timeout of each case in ms. Default 20000 (the expiry cases wait for real TTLs of 1-2 seconds). */
  readonly timeoutMs?: number;
  /**
   * The runner's `describe`, `it` and `afterEach`, for runners without globals (node:test). Default: the globals
   * of jest, vitest (`globals: true`) or mocha.
   */
  readonly runner?: TestGlobals;
}

/** Options of `runTokenStoreContract`. */
export type TokenStoreContractOptions<S extends TokenStore = TokenStore> = StoreContractOptions<S>;

/** Every concern a case may call; which ones it does call depends on `covers`. */
export type FullStore = TokenStore & SessionStore;

/**
 * Cases are written against `TokenStore` and `SessionStore` but call only the methods of the concerns under test (`covers`): a store
 * given to a per-concern runner is never asked for anything else.
 */
export interface Harness {
  it(name: string, body: TestBody): void;
  /** True when `concern` is under test. */
  covers(concern: StoreConcern): boolean;
  /** A store for the current case, cleaned up after it. */
  store(): Promise<FullStore>;
  /** A second handle on the store's backend, or undefined when the store is not shared. */
  peer: ((store: FullStore) => Promise<FullStore>) | undefined;
}

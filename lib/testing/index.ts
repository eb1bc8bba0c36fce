// lib/testing/index.ts
// `express-password-grant/testing`: the store conformance kit for people writing their own store, whole or one
// concern at a time.

export {
  runTokenStoreContract,
  runRefreshTokenStoreContract,
  runRevocationStoreContract,
  runCounterStoreContract,
  runCounterBatchStoreContract,
  runConditionalRotationStoreContract,
  runOneShotStoreContract,
  runSessionStoreContract,
} from './contract';
export type { StoreContractOptions, TokenStoreContractOptions } from './harness';
export type { TestGlobals } from './test-globals';

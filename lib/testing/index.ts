// lib/testing/index.ts
// `express-password-grant/testing`: the TokenStore conformance kit for people writing their own store.

export { runTokenStoreContract } from './contract';
export type { TokenStoreContractOptions } from './harness';
export type { TestGlobals } from './test-globals';

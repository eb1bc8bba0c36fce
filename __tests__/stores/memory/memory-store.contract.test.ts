// __tests__/stores/memory/memory-store.contract.test.ts
// The TokenStore conformance kit, as users would run it, against MemoryStore, and its counter batches.

import { MemoryStore } from '../../../lib';
import { runCounterBatchStoreContract, runTokenStoreContract } from '../../../lib/testing';

runTokenStoreContract({ name: 'MemoryStore', create: () => new MemoryStore() });
runCounterBatchStoreContract({ name: 'MemoryStore', create: () => new MemoryStore() });

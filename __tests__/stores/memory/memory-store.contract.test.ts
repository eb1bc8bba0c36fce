// __tests__/stores/memory/memory-store.contract.test.ts
// The TokenStore and SessionStore conformance kits, as users would run them, against MemoryStore, and its counter batches.

import { MemoryStore } from '../../../lib';
import { runCounterBatchStoreContract, runSessionStoreContract, runTokenStoreContract } from '../../../lib/testing';

runTokenStoreContract({ name: 'MemoryStore', create: () => new MemoryStore() });
runSessionStoreContract({ name: 'MemoryStore', create: () => new MemoryStore() });
runCounterBatchStoreContract({ name: 'MemoryStore', create: () => new MemoryStore() });

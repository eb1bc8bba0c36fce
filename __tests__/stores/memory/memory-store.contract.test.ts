// __tests__/stores/memory/memory-store.contract.test.ts
// The TokenStore conformance kit, as users would run it, against MemoryStore.

import { MemoryStore } from '../../../lib';
import { runTokenStoreContract } from '../../../lib/testing';

runTokenStoreContract({ name: 'MemoryStore', create: () => new MemoryStore() });

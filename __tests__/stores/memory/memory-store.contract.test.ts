// __tests__/stores/memory/memory-store.contract.test.ts
// The TokenStore and SessionStore conformance kits, as users would run them, against MemoryStore.

import { MemoryStore } from '../../../lib';
import { runSessionStoreContract, runTokenStoreContract } from '../../../lib/testing';

runTokenStoreContract({ name: 'MemoryStore', create: () => new MemoryStore() });
runSessionStoreContract({ name: 'MemoryStore', create: () => new MemoryStore() });

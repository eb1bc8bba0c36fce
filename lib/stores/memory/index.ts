// lib/stores/memory/index.ts
// MemoryStore's public names: what lib/index.ts re-exports from this folder.

export { MemoryStore } from './memory-store';
export type { MemoryStoreOptions } from './memory-store';

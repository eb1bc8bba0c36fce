// __tests__/stores/sqlite/sqlite-store.contract.test.ts
// The TokenStore conformance kit against SqliteStore on a real better-sqlite3 database file in WAL mode.

import { SqliteStore } from '../../../lib';
import { runTokenStoreContract } from '../../../lib/testing';
import { tempDatabase } from '../../helpers/sqlite';

const { db, remove } = tempDatabase('contract');
afterAll(remove);

runTokenStoreContract({
  name: 'SqliteStore',
  create: async () => {
    const store = new SqliteStore({ database: db });
    await store.migrate();
    return store;
  },
});

// __tests__/stores/sqlite/sqlite-store.contract.test.ts
// The TokenStore and SessionStore conformance kits against SqliteStore on a real better-sqlite3 database file in WAL mode.

import { SqliteStore } from '../../../lib';
import { runSessionStoreContract, runTokenStoreContract } from '../../../lib/testing';
import { tempDatabase } from '../../helpers/sqlite';

const { db, remove } = tempDatabase('contract');
afterAll(remove);

const create = async (): Promise<SqliteStore> => {
  const store = new SqliteStore({ database: db });
  await store.migrate();
  return store;
};
runTokenStoreContract({ name: 'SqliteStore', create });
runSessionStoreContract({ name: 'SqliteStore', create });

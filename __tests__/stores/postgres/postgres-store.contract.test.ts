// __tests__/stores/postgres/postgres-store.contract.test.ts
// The TokenStore and SessionStore conformance kits against PostgresStore on the real PostgreSQL at DATABASE_URL, with peers
// (two pools), its counter batches (the functions migrate() installs) and its one-step refresh.

import type { Pool } from 'pg';
import { PostgresStore } from '../../../lib';
import { runConditionalRotationStoreContract, runCounterBatchStoreContract, runSessionStoreContract, runTokenStoreContract } from '../../../lib/testing';
import { describeWithPostgres, dropSchema, testPool, uniqueSchema } from '../../helpers/postgres';

const schema = uniqueSchema('contract');

describeWithPostgres('PostgresStore (real PostgreSQL)', () => {
  const pools = new Map<PostgresStore, Pool>();
  const storeOnNewPool = async (): Promise<PostgresStore> => {
    const pool = testPool();
    const store = new PostgresStore({ pool, schema });
    pools.set(store, pool);
    await store.migrate();
    return store;
  };

  afterAll(() => dropSchema(schema));

  const options = {
    name: 'PostgresStore',
    create: storeOnNewPool,
    peer: storeOnNewPool,
    cleanup: async (store: PostgresStore) => {
      await store.close();
      await pools.get(store)?.end();
      pools.delete(store);
    },
  };
  runTokenStoreContract(options);
  runSessionStoreContract(options);
  runCounterBatchStoreContract({ name: 'PostgresStore', create: storeOnNewPool, cleanup: options.cleanup });
  runConditionalRotationStoreContract({ name: 'PostgresStore', create: storeOnNewPool, cleanup: options.cleanup });
});

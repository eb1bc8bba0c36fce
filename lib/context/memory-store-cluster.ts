// lib/context/memory-store-cluster.ts
// Warns once when a MemoryStore serves a cluster worker: each worker then has its own tokens and its own limits.

import cluster from 'node:cluster';
import { MemoryStore } from '../stores/memory/memory-store';
import type { Context } from './index';
import { warnOnceAfterConstruction } from './warn';

/**
 * True in a node:cluster worker, which is also how pm2 runs an app in cluster mode (its workers are cluster.fork()ed
 * and get `exec_mode=cluster_mode` in their environment). pm2 with one instance is left alone: nothing is shared then.
 */
export function isClusterWorker(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.pm_id !== undefined && env.exec_mode === 'cluster_mode') return env.instances !== '1';
  return cluster.isWorker;
}

/** At construction: EPG_MEMORY_STORE_CLUSTER when the store is a MemoryStore (the default one included) in a worker. */
export function checkMemoryStoreInCluster(ctx: Context): void {
  if (!(ctx.config.store instanceof MemoryStore) || !isClusterWorker()) return;
  warnOnceAfterConstruction(
    ctx,
    'EPG_MEMORY_STORE_CLUSTER',
    'this process is a cluster worker (node:cluster, pm2 cluster mode) and the token store is a MemoryStore (the ' +
      'default): each worker keeps its own, so a refresh token or a revocation one worker issued is unknown to the ' +
      'others, and every throttling limit is multiplied by the number of workers. Give every worker the same shared ' +
      'store: store: new RedisStore(...) or new PostgresStore(...) (see docs/stores.md).',
  );
}

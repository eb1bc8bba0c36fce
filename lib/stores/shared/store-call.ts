// lib/stores/shared/store-call.ts
// Runs a store operation; any failure becomes 503 temporarily_unavailable (the store, not the request, is at fault).

import { StoreError } from './store-error';
import { temporarilyUnavailable } from '../../errors/oauth-error';

/** A StoreError thrown by `run` (a batch made of single-key calls says which one failed) keeps its operation. */
export async function storeCall<T>(operation: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    const failed = err instanceof StoreError ? err : new StoreError(operation, err);
    throw temporarilyUnavailable(failed, `store ${failed.operation} failed`);
  }
}

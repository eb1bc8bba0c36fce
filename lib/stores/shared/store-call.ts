// lib/stores/shared/store-call.ts
// Runs a store operation; any failure becomes 503 temporarily_unavailable (the store, not the request, is at fault).

import { StoreError } from './store-error';
import { temporarilyUnavailable } from '../../errors/oauth-error';

export async function storeCall<T>(operation: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw temporarilyUnavailable(new StoreError(operation, err), `store ${operation} failed`);
  }
}

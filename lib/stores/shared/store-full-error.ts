// lib/stores/shared/store-full-error.ts
// A bounded store's typed "cannot tell": claimOnce could not vouch that a key is new, so the caller must fail closed.

/**
 * Thrown (as a rejection) by a bounded store's `claimOnce` when it cannot tell whether `key` was claimed before: to
 * stay within its budget it forgot live markers that expire as late as this claim would, so this could be a replay
 * of one of them. It is never "seen" nor "first": the library refuses the credential as it would a replay, but with
 * an answer that makes an honest client send a fresh one (DPoP: `use_dpop_nonce`, RFC 9449 §8; a client assertion:
 * `invalid_client`). Only `MemoryStore` throws it; shared stores keep every marker until it expires.
 * @example if (isStoreFullError(err)) { ... ask for a fresh credential ... }
 */
export class StoreFullError extends Error {
  readonly code = 'ERR_EPG_STORE_FULL';

  constructor(message: string) {
    super(message);
    this.name = 'StoreFullError';
  }
}

/** True for a StoreFullError, also one from another copy of the package (checked by `code`, not `instanceof`). */
export function isStoreFullError(err: unknown): err is StoreFullError {
  return err instanceof Error && (err as { code?: unknown }).code === 'ERR_EPG_STORE_FULL';
}

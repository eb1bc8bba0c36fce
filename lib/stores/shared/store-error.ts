// lib/stores/shared/store-error.ts
// Marks a failure of the TokenStore so callers answer 503 temporarily_unavailable rather than 500.

/** Wraps whatever a store threw or a timeout; the token endpoint turns it into `temporarily_unavailable`. */
export class StoreError extends Error {
  constructor(
    readonly operation: string,
    cause: unknown,
  ) {
    super(`token store operation ${operation} failed`, { cause });
    this.name = 'StoreError';
  }
}

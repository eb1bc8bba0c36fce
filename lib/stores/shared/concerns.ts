// lib/stores/shared/concerns.ts
// The methods of each store concern by name, for the duck-typed checks made when a store is handed to the library.

/** The interfaces a store implements, each with its required methods (optional ones, like `onRevocation`, aside). */
export const STORE_CONCERNS = {
  RefreshTokenStore: ['saveRefreshToken', 'findRefreshToken', 'rotateRefreshToken'],
  RevocationStore: ['revokeFamily', 'revokeAccessToken', 'isAccessTokenRevoked'],
  CounterStore: ['hit', 'hitBelow', 'release', 'peek', 'reset'],
  OneShotStore: ['claimOnce', 'put', 'take'],
} as const;

export type StoreConcern = keyof typeof STORE_CONCERNS;

/** The concerns a `TokenStore` combines, in the order a missing method is reported. */
export const TOKEN_STORE_CONCERNS: readonly StoreConcern[] = ['RefreshTokenStore', 'RevocationStore', 'CounterStore', 'OneShotStore'];

/** The methods of `concern` that `value` lacks (all of them when it is not an object). */
export function missingMethods(value: unknown, concern: StoreConcern): string[] {
  const methods = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  return STORE_CONCERNS[concern].filter((name) => typeof methods[name] !== 'function');
}

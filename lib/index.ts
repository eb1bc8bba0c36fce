// lib/index.ts
// The public surface: everything an app imports, and nothing else.

export { passwordGrant } from './password-grant';
// Types only: passwordGrant() is the one way to build them (PasswordGrant via the factory, BearerStrategy via auth.strategy()).
export type { PasswordGrant } from './password-grant';
export { MemoryStore } from './stores/memory';
export { RedisStore, RedisStoreError } from './stores/redis';
export { PostgresStore } from './stores/postgres';
export { SqliteStore } from './stores/sqlite';
export { SqlStoreError } from './stores/shared/sql-store-error';
export { StoreFullError, isStoreFullError } from './stores/shared/store-full-error';
export { hashSecret, verifySecret, dummyVerify } from './client-auth/hash-secret';
export { OAuthError, isOAuthError } from './errors/oauth-error';
export { ConfigError } from './errors/config-error';
export { LoginError, loginError, isLoginError } from './errors/login-error';
export { MFA_GRANT_TYPE } from './grants/mfa';
export { jwkThumbprint } from './jose/jwk-thumbprint';
export { generateSigningKey } from './tokens/generate-signing-key';

export type { OAuthErrorCode, OAuthErrorOptions } from './errors/oauth-error';
export type { ConfigErrorCode } from './errors/config-error';
export type {
  PasswordGrantOptions,
  VerifyUser,
  VerifyUserContext,
  VerifyUserResult,
  PassportLikeStrategy,
  EnrichToken,
  EnrichTokenContext,
  TokenEnrichment,
  RequestLimits,
  FindUser,
  VerifyMfa,
  VerifyMfaContext,
  WarningOptions,
} from './options';
export type { PublicJwk } from './jose/jwk';
export type { GenerateSigningKeyOptions, GeneratedSigningKey, GeneratedKeyAlgorithm } from './tokens/generate-signing-key';
export type { MemoryStoreOptions } from './stores/memory';
export type { RedisStoreOptions, RedisClientLike, RedisSubscriberLike, RedisArg, NodeRedisClientLike } from './stores/redis';
export type { PostgresStoreOptions, PgPoolLike, PgClientLike, PgResultLike, PgQueryConfig } from './stores/postgres';
export type { SqliteStoreOptions, SqliteDatabaseLike, SqliteStatementLike, SqliteTransactionLike } from './stores/sqlite';
export type { TokenStore, RefreshTokenRecord, RotateResult, SessionDetails, Counter, Revocation } from './stores/shared/store';
export type { RefreshTokenStore, RevocationStore, CounterStore, CappedHit, OneShotStore } from './stores/shared/store';
export type { SessionStore, SessionRecord, SaveSessionOptions, ListSessionsOptions } from './stores/shared/session-store';
export type { CounterBatchStore, CappedHitRequest, CounterChange, CounterBatch } from './stores/shared/store';
export type { ConditionalRotationStore, RotationTerms } from './stores/shared/conditional-rotation-store';
export type { SessionInfo, ListSessionsPage, RevokeSessionsOptions } from './grants/app-sessions';
export type { Client, User, AuthInfo, GrantType, ClientAuthMethod, Jwk } from './types';
export type { BearerStrategy } from './bearer/strategy';
export type { RequireTokenOptions } from './bearer/authorize';
export type { VerifyOptions } from './bearer/verify-access-token';
export type { DpopPresentation } from './dpop/check-binding';
export type { DpopOptions } from './options/dpop';
export type { ClientAssertionOptions } from './options/client-assertion';
export type { AsymmetricAlgorithm, HmacAlgorithm, SigningAlgorithm } from './jose/algorithms';
export type { SigningKeyOption } from './options/signing-keys';
export type { EventMap, EventName, LoginFailureReason, SessionEndReason, Warning, WarningCode } from './events';
export type { LoginErrorReason, LoginErrorOptions } from './errors/login-error';
export type { ThrottleOptions, ThrottleRule } from './options/throttle';

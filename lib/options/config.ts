// lib/options/config.ts
// The resolved configuration every part of the library reads: PasswordGrantOptions checked, defaults filled in.

import type { ResolvedClientAssertionOptions } from './client-assertion';
import type { ResolvedDpopOptions } from './dpop';
import type { StandardsConfig } from './standards';
import type { SessionStore } from '../stores/shared/session-store';
import type { TokenStore } from '../stores/shared/store';
import type { ThrottleConfig } from './throttle';
import type { Keyring } from '../tokens/keyring';
import type { Clock } from '../util/clock';
import type { EnrichToken, PassportLikeStrategy, VerifyMfa, VerifyUser } from './callbacks';
import type { RequestLimits } from './limits';
import type { PasswordGrantOptions } from './password-grant-options';
import type { WarningCode } from '../events';

export interface Config extends StandardsConfig {
  readonly issuer: string;
  readonly audience: string | readonly string[];
  readonly keyring: Keyring;
  readonly findClient: PasswordGrantOptions['findClient'];
  readonly verifyUser: VerifyUser | PassportLikeStrategy;
  readonly store: TokenStore;
  readonly accessTokenTTL: number;
  readonly refreshTokenTTL: number;
  /** Seconds from login after which a refresh-token family ends, whatever its rotations. */
  readonly refreshTokenAbsoluteTTL: number;
  readonly idTokenTTL: number;
  readonly requireOfflineAccess: boolean;
  readonly enrichToken: EnrichToken | undefined;
  readonly clockTolerance: number;
  readonly realm: string;
  readonly checkRevocation: boolean;
  readonly tokenCacheSize: number;
  readonly limits: Required<RequestLimits>;
  readonly throttle: ThrottleConfig | false;
  readonly canonicalUsername: ((username: string) => string) | undefined;
  readonly requireTLS: boolean;
  readonly verifyMfa: VerifyMfa | undefined;
  readonly mfaTokenTTL: number;
  readonly now: Clock;
  readonly clientAssertion: ResolvedClientAssertionOptions;
  readonly dpop: ResolvedDpopOptions;
  /** Seconds; 0 = off. */
  readonly refreshReuseGrace: number;
  /** The key refresh-token successors are derived with: `refreshTokenSecret`, or HKDF of the signing key. */
  readonly successorKey: Buffer;
  /** Warning codes the app silenced (`warnings.silence`). */
  readonly silencedWarnings: ReadonlySet<WarningCode>;
  /** The store's sessions (the store itself), or undefined when it does not implement SessionStore. */
  readonly sessions: (TokenStore & SessionStore) | undefined;
  readonly maxSessionsPerUser: number;
  /** Session records keep the IP and User-Agent of their last use (the login, then each refresh). */
  readonly sessionDetails: boolean;
}

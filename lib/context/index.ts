// lib/context/index.ts
// What every request step closes over: the resolved config, the event emitter, and all per-instance state. Nothing
// in lib/ keeps state at module level: two passwordGrant() instances never share a cache, a cost or a warning.

import type { EventEmitter } from 'node:events';
import type { EventMap, EventName } from '../events';
import type { Config } from '../options';
import { createEmit } from './emit';
import { createMountState, type MountState } from './mount-path';
import { unheardErrors } from './unheard-errors';
import { VerifiedSecrets } from './verified-secrets';
import { VerifiedTokenCache } from './verified-cache';

export interface Context {
  readonly config: Config;
  readonly verifiedSecrets: VerifiedSecrets;
  /** Access tokens already verified (bounded; see verified-cache.ts). */
  readonly verifiedTokens: VerifiedTokenCache;
  /** Client records findClient returned that passed validation (client-auth/validate-client.ts). */
  readonly validatedClients: WeakSet<object>;
  /** Where auth.router is mounted (mount-path.ts), for the discovery documents. */
  readonly mount: MountState;
  /**
   * Keys of the one-time warnings this instance has given: warning codes (warn.ts), and the stray grant words of
   * client records it reported (client-auth/validate-client.ts, capped there).
   */
  readonly warned: Set<string>;
  /**
   * The bcrypt cost of the last client secret hash compared; an unknown client's dummy compare spends the same
   * (client-auth/dummy-cost.ts). Undefined until a secret was compared.
   */
  secretCost: number | undefined;
  emit<K extends EventName>(name: K, payload: EventMap[K]): void;
}

export function createContext(config: Config, emitter: EventEmitter): Context {
  return {
    config,
    verifiedSecrets: new VerifiedSecrets(config.now),
    verifiedTokens: new VerifiedTokenCache(config.tokenCacheSize, config.store),
    validatedClients: new WeakSet(),
    mount: createMountState(),
    warned: new Set(),
    secretCost: undefined,
    emit: createEmit(emitter, unheardErrors(config.now)),
  };
}

// lib/context/index.ts
// What every request step closes over: the resolved config, the event emitter, and all per-instance state. Nothing
// in lib/ keeps state at module level: two passwordGrant() instances never share a cache, a cost or a warning.

import type { EventEmitter } from 'node:events';
import type { EventMap, EventName } from '../events';
import type { Config } from '../options';
import type { Client } from '../types';
import { createEmit } from './emit';
import { createMountState, type MountState } from './mount-path';
import { unheardErrors } from './unheard-errors';
import { VerifiedSecrets } from './verified-secrets';
import { VerifiedTokenCache } from './verified-cache';

/** A client record as it was checked: the values of the names read from it (frozen copies), and the Client they make. */
export interface CheckedClient {
  readonly read: readonly unknown[];
  readonly client: Client;
}

export interface Context {
  readonly config: Config;
  readonly verifiedSecrets: VerifiedSecrets;
  /** Access tokens already verified (bounded; see verified-cache.ts). */
  readonly verifiedTokens: VerifiedTokenCache;
  /** Client records findClient returned that passed validation, each with what was read from it (client-auth/validate-client.ts). */
  readonly checkedClients: WeakMap<object, CheckedClient>;
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
    checkedClients: new WeakMap(),
    mount: createMountState(),
    warned: new Set(),
    secretCost: undefined,
    emit: createEmit(emitter, unheardErrors(config.now)),
  };
}

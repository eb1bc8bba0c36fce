// lib/context/index.ts
// What every request step closes over: the resolved config, the event emitter, and per-instance caches.

import type { EventEmitter } from 'node:events';
import type { Config } from '../options';
import { VerifiedSecrets } from './verified-secrets';
import { VerifiedTokenCache } from './verified-cache';
import { emitSafely, type EventMap, type EventName } from '../events';
import { unheardErrors } from './unheard-errors';
import { createMountState, type MountState } from './mount-path';

export interface Context {
  readonly config: Config;
  readonly verifiedSecrets: VerifiedSecrets;
  /** Access tokens already verified (bounded; see verified-cache.ts). */
  readonly verifiedTokens: VerifiedTokenCache;
  /** Client records findClient returned that passed validation (client-auth/validate-client.ts). */
  readonly validatedClients: WeakSet<object>;
  /** Where auth.router is mounted (mount-path.ts), for the discovery documents. */
  readonly mount: MountState;
  /** Codes of the one-time process warnings this instance has given (util/warn-once.ts). */
  readonly warned: Set<string>;
  emit<K extends EventName>(name: K, payload: EventMap[K]): void;
}

export function createContext(config: Config, emitter: EventEmitter): Context {
  const unheard = unheardErrors(config.now);
  return {
    config,
    verifiedSecrets: new VerifiedSecrets(config.now),
    verifiedTokens: new VerifiedTokenCache(config.tokenCacheSize, config.store),
    validatedClients: new WeakSet(),
    mount: createMountState(),
    warned: new Set(),
    emit: (name, payload) => emitSafely(emitter, name, payload, unheard),
  };
}

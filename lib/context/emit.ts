// lib/context/emit.ts
// An instance's emit: audit events that cannot throw into a request; an `error` nobody listens for goes to stderr.

import type { EventEmitter } from 'node:events';
import type { EventMap, EventName } from '../events';

export type Emit = <K extends EventName>(name: K, payload: EventMap[K]) => void;

/**
 * Emits without letting a listener's exception or a missing `error` listener break the request. An `error` nobody
 * listens for goes to `unheard` (one stderr line, rate-limited per instance: see unheard-errors.ts).
 */
export function createEmit(emitter: EventEmitter, unheard: (err: EventMap['error']) => void): Emit {
  return (name, payload) => {
    try {
      if (name === 'error' && emitter.listenerCount('error') === 0) {
        unheard(payload as EventMap['error']);
        return;
      }
      emitter.emit(name, payload);
    } catch {
      // A throwing listener is the app's bug; the response must not depend on it.
    }
  };
}

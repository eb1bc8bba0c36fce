// lib/context/emit.ts
// An instance's emit: audit events that cannot throw into a request; an `error` or a `warning` nobody listens for goes
// to stderr (one line) or to a process warning.

import type { EventEmitter } from 'node:events';
import type { EventMap, EventName, Warning } from '../events';

export type Emit = <K extends EventName>(name: K, payload: EventMap[K]) => void;

/** A warning nobody listens for: a process warning with its code (`node --no-warnings` hides it, as any other). */
export function processWarning({ code, message }: Warning): void {
  process.emitWarning(`express-password-grant: ${message}`, { code });
}

/**
 * Emits without letting a listener's exception or a missing `error` listener break the request. An `error` nobody
 * listens for goes to `unheard` (one stderr line, rate-limited per instance: see unheard-errors.ts); a `warning` nobody
 * listens for goes to `unheardWarning` (a process warning: warnings are given once per instance and code, context/warn.ts).
 */
export function createEmit(
  emitter: EventEmitter,
  unheard: (err: EventMap['error']) => void,
  unheardWarning: (warning: Warning) => void = processWarning,
): Emit {
  return (name, payload) => {
    try {
      if ((name === 'error' || name === 'warning') && emitter.listenerCount(name) === 0) {
        if (name === 'error') unheard(payload as EventMap['error']);
        else unheardWarning(payload as Warning);
        return;
      }
      emitter.emit(name, payload);
    } catch {
      // A throwing listener is the app's bug; the response must not depend on it.
    }
  };
}

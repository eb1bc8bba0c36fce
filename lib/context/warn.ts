// lib/context/warn.ts
// The one channel of one-time warnings: a `warning` event (or, unheard, a process warning), once per instance and code.

import type { WarningCode } from '../events';
import type { Context } from './index';

/**
 * Gives warning `code` unless this instance already gave it: a `warning` event `{ code, message }`, which becomes a
 * process warning when nothing listens (context/emit.ts), and nothing at all when the app silenced the code. True the
 * first time, silenced or not, so a caller may add the fix to what it reports anyway (the `error` event's detail).
 */
export function warnOnce(ctx: Context, code: WarningCode, message: string): boolean {
  if (ctx.warned.has(code)) return false;
  ctx.warned.add(code);
  if (!ctx.config.silencedWarnings.has(code)) ctx.emit('warning', { code, message });
  return true;
}

/**
 * `warnOnce` for what `passwordGrant()` notices while it is being built: given on the next tick, so that listeners
 * the app attaches right after `passwordGrant()` returns hear it.
 */
export function warnOnceAfterConstruction(ctx: Context, code: WarningCode, message: string): void {
  process.nextTick(() => warnOnce(ctx, code, message));
}

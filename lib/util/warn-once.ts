// lib/util/warn-once.ts
// Warnings given at most once per instance and key (the set of keys given lives on the instance's Context).

/** Emits `message` as a process warning with `code`, unless `warned` already holds that code. */
export function warnOnce(warned: Set<string>, code: string, message: string): void {
  if (warned.has(code)) return;
  warned.add(code);
  process.emitWarning(`express-password-grant: ${message}`, { code });
}

/**
 * True the first time `key` is seen, while `warned` holds fewer than `max` keys: the caller then gives its warning.
 * For keys that come from data (a word in a client record) rather than from code, so the set stays bounded.
 */
export function firstWarning(warned: Set<string>, key: string, max: number): boolean {
  if (warned.has(key) || warned.size >= max) return false;
  warned.add(key);
  return true;
}

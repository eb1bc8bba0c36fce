// lib/util/warn-once.ts
// Reports keyed by data, given at most once per instance and key (the set of keys given lives on the instance's
// Context); warnings with a code go through context/warn.ts.

/**
 * True the first time `key` is seen, while `warned` holds fewer than `max` keys: the caller then gives its report.
 * For keys that come from data (a word in a client record) rather than from code, so the set stays bounded.
 */
export function firstWarning(warned: Set<string>, key: string, max: number): boolean {
  if (warned.has(key) || warned.size >= max) return false;
  warned.add(key);
  return true;
}

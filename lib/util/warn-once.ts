// lib/util/warn-once.ts
// A process warning given at most once per instance and code (the set lives on the instance's Context).

/** Emits `message` as a process warning with `code`, unless `warned` already holds that code. */
export function warnOnce(warned: Set<string>, code: string, message: string): void {
  if (warned.has(code)) return;
  warned.add(code);
  process.emitWarning(`express-password-grant: ${message}`, { code });
}

// example-app/passwords.ts
// The app's one password code: what a new password must be, its bcrypt hash, and the check of a typed password.

import bcrypt from 'bcrypt';

/** The shortest new password this app accepts. */
export const MIN_PASSWORD_LENGTH = 8;
/** bcrypt reads at most 72 bytes of a password: past them, the rest would never be checked. */
export const MAX_PASSWORD_BYTES = 72;

/** Why `password` cannot be a new password, or undefined when it can. The message never quotes the password. */
export function newPasswordProblem(password: unknown): string | undefined {
  if (typeof password !== 'string' || password.length < MIN_PASSWORD_LENGTH) {
    return `password must have at least ${MIN_PASSWORD_LENGTH} characters`;
  }
  if (Buffer.byteLength(password, 'utf8') > MAX_PASSWORD_BYTES) {
    return `password must have at most ${MAX_PASSWORD_BYTES} bytes (bcrypt would ignore the rest)`;
  }
  return undefined;
}

/** A bcrypt hash of `password` at `cost`, blocking: for the seeding and the add-user command, not for a request. */
export function hashPasswordSync(password: string, cost: number): string {
  return bcrypt.hashSync(password, cost);
}

/** A bcrypt hash of `password` at `cost`, off the event loop: for a request handler. */
export function hashPassword(password: string, cost: number): Promise<string> {
  return bcrypt.hash(password, cost);
}

/** Whether `password` matches the stored bcrypt `hash` (bcrypt's compare takes the same time either way). */
export function verifyPassword(password: string, hash: string): Promise<boolean> {
  return bcrypt.compare(password, hash);
}

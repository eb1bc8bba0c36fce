// lib/client-auth/hash-secret.ts
// bcrypt for client secrets, plus a dummy compare so an unknown client costs what a known one does.

import bcrypt from 'bcrypt';

const DEFAULT_COST = 10;

/**
 * Hashes a client secret for `Client.secretHash`.
 * @example const secretHash = await hashSecret(process.env.CLIENT_SECRET!)
 */
export async function hashSecret(secret: string, cost = DEFAULT_COST): Promise<string> {
  if (typeof secret !== 'string' || secret.length === 0) throw new TypeError('hashSecret: secret must be a non-empty string');
  return bcrypt.hash(secret, cost);
}

/**
 * Compares a secret with a bcrypt hash in constant time; false (never a throw) for a malformed hash.
 * @example if (await verifySecret(given, client.secretHash)) ...
 */
export async function verifySecret(secret: string, hash: string): Promise<boolean> {
  if (typeof secret !== 'string' || typeof hash !== 'string') return false;
  try {
    return await bcrypt.compare(secret, hash);
  } catch {
    return false;
  }
}

const dummyHashes = new Map<number, Promise<string>>();

/** The bcrypt cost of a hash (`$2b$10$...` -> 10); DEFAULT_COST when it cannot be read. */
export function costOf(hash: string | undefined): number {
  const cost = Number(hash?.split('$')[2]);
  return Number.isInteger(cost) && cost >= 4 && cost <= 31 ? cost : DEFAULT_COST;
}

/**
 * Spends the time of one bcrypt compare and returns false. Call it when a user (or client) is not found, so that
 * "unknown" and "wrong password" take the same time (RFC 6819 §4.4.3.2 / no user enumeration).
 * @example const user = db.find(username); if (!user) return dummyVerify(password) && null;
 */
export async function dummyVerify(secret = '', cost = DEFAULT_COST): Promise<false> {
  let hash = dummyHashes.get(cost);
  if (hash === undefined) {
    hash = bcrypt.hash('express-password-grant dummy secret', cost);
    dummyHashes.set(cost, hash);
  }
  await bcrypt.compare(String(secret), await hash);
  return false;
}

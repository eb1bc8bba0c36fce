// lib/util/crypto.ts
// Random tokens and hashes: 256-bit opaque values, SHA-256 ids, base64url everywhere.

import { createHash, randomBytes } from 'node:crypto';

/** 256 bits from the CSPRNG, base64url (RFC 9700 §4.14: refresh tokens must not be guessable). */
export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

// lib/context/verified-secrets.ts
// Remembers (client, secret) pairs bcrypt already accepted, keyed by an HMAC, so a confidential client pays one
// bcrypt per pair and period instead of one per request. Failures are never remembered.

import { createHmac, randomBytes } from 'node:crypto';

const MAX_ENTRIES = 1000;
const TTL_MS = 5 * 60_000;

export class VerifiedSecrets {
  private readonly key = randomBytes(32);
  private readonly entries = new Map<string, number>();

  constructor(private readonly now: () => number) {}

  private digest(clientId: string, secret: string, hash: string): string {
    // The hash is part of the key: rotating a client's secret forgets the old pair at once.
    return createHmac('sha256', this.key).update(clientId).update('\0').update(hash).update('\0').update(secret).digest('base64url');
  }

  has(clientId: string, secret: string, hash: string): boolean {
    const id = this.digest(clientId, secret, hash);
    const expiresAt = this.entries.get(id);
    if (expiresAt === undefined) return false;
    const now = this.now();
    this.entries.delete(id);
    if (expiresAt <= now) return false;
    // Sliding, and moved to the newest end: a client that keeps calling stays remembered, so a backend sharing its
    // IP with a guesser is not handed back to the throttle every TTL_MS (where the guesser's lock would refuse it).
    this.entries.set(id, now + TTL_MS);
    return true;
  }

  add(clientId: string, secret: string, hash: string): void {
    if (this.entries.size >= MAX_ENTRIES) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(this.digest(clientId, secret, hash), this.now() + TTL_MS);
  }
}

// lib/testing/fixtures.ts
// Records, ids and waits for the store contract: fresh random ids per case so stores can be shared between cases.

import { randomBytes } from 'node:crypto';
import type { RefreshTokenRecord } from '../stores/shared/store';
import type { SessionRecord } from '../stores/shared/session-store';

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

export const uniqueId = (label: string): string => `${label}-${randomBytes(12).toString('base64url')}`;

/** A valid, active refresh token record with fresh ids; `overrides` replace fields. */
export function refreshRecord(overrides: Partial<RefreshTokenRecord> = {}): RefreshTokenRecord {
  const now = nowSeconds();
  return {
    id: uniqueId('rt'),
    familyId: uniqueId('fam'),
    clientId: 'client-ä',
    sub: 'user-1',
    scope: ['openid', 'orders'],
    authTime: now - 10,
    issuedAt: now,
    expiresAt: now + 3600,
    ...overrides,
  };
}

/** The successor of `record`: same family, a new id. */
export function successorOf(record: RefreshTokenRecord): RefreshTokenRecord {
  const now = nowSeconds();
  return { ...record, id: uniqueId('rt'), issuedAt: now, expiresAt: now + 3600 };
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves once the wall clock has passed `epochSeconds` by `marginMs` (TTL tests, second-granular stores). */
export async function sleepUntilAfter(epochSeconds: number, marginMs = 250): Promise<void> {
  const wait = epochSeconds * 1000 + marginMs - Date.now();
  if (wait > 0) await sleep(wait);
}

/** Polls `check` until it is true; rejects with `what` after `timeoutMs` (for asynchronous delivery, e.g. pub/sub). */
export async function eventually(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** A live session of a fresh user with fresh ids, last used now; `overrides` replace fields. */
export function sessionRecord(overrides: Partial<SessionRecord> = {}): SessionRecord {
  const now = nowSeconds();
  return {
    id: uniqueId('sid'),
    sub: uniqueId('user'),
    clientId: 'client-ä',
    scope: ['openid', 'orders'],
    createdAt: now - 10,
    lastUsedAt: now,
    expiresAt: now + 3600,
    ...overrides,
  };
}

/** The first refresh token of `session`: its family, user, client and scope. */
export function firstTokenOf(session: SessionRecord): RefreshTokenRecord {
  return refreshRecord({ familyId: session.id, sub: session.sub, clientId: session.clientId, scope: session.scope, authTime: session.createdAt });
}

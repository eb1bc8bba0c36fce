// lib/stores/memory/memory-sessions.ts
// MemoryStore's sessions: JSON copies by id, and each user's session ids (a Map of Sets) for lookups by user.

import { newestFirst, sessionPageLength } from '../shared/session-list';
import type { SessionDetails } from '../shared/refresh-token-store';
import type { SessionRecord } from '../shared/session-store';

interface Entry {
  readonly id: string;
  /** JSON of the SessionRecord: copied in and out, never shared with the caller. */
  value: string;
  readonly sub: string;
  lastUsedAt: number;
  /** Milliseconds since the epoch. */
  readonly expiresAt: number;
}

/** What a session set needs of the store around it: its clock, and its family marks. */
export interface SessionHost {
  /** Milliseconds since the epoch. */
  now(): number;
  /** True when the family (the session's id) is revoked. */
  isRevoked(familyId: string): boolean;
  /** Revokes the family until `untilMs`, deletes its refresh tokens (from its current one, if any), and broadcasts. */
  revoke(familyId: string, untilMs: number, refreshTokenId: string | undefined): void;
}

/**
 * Synchronous throughout, so each call is atomic in this process. Lookups by user touch that user's sessions only.
 * Sessions are created by successful logins alone, and capped per user: they are never evicted, only ended or expired.
 */
export class MemorySessions {
  private readonly byId = new Map<string, Entry>();
  private readonly bySub = new Map<string, Set<string>>();

  constructor(private readonly host: SessionHost) {}

  get size(): number {
    return this.byId.size;
  }

  /** Stores `session`, then ends the user's least recently used sessions beyond `maxPerUser`. */
  save(session: SessionRecord, maxPerUser: number): void {
    this.remove(session.id);
    const entry = { id: session.id, value: JSON.stringify(session), sub: session.sub, lastUsedAt: session.lastUsedAt, expiresAt: session.expiresAt * 1000 };
    this.byId.set(session.id, entry);
    const ids = this.bySub.get(session.sub) ?? new Set<string>();
    this.bySub.set(session.sub, ids);
    ids.add(session.id);
    if (ids.size <= maxPerUser) return;
    const others = [...ids].filter((id) => id !== session.id).map((id) => this.byId.get(id) as Entry);
    // Least recently used first: the listing's order reversed, as the other stores choose.
    others.sort((a, b) => newestFirst(b, a));
    for (const { id } of others.slice(0, ids.size - Math.max(maxPerUser, 1))) this.end(id);
  }

  find(id: string): SessionRecord | undefined {
    const entry = this.live(id);
    return entry === undefined ? undefined : (JSON.parse(entry.value) as SessionRecord);
  }

  /** The user's live sessions last used before `before`, most recently used first: one page (sessionPageLength). */
  list(sub: string, before: number, limit: number): SessionRecord[] {
    const entries: Entry[] = [];
    for (const id of this.bySub.get(sub) ?? []) {
      const entry = this.live(id);
      if (entry !== undefined && entry.lastUsedAt < before) entries.push(entry);
    }
    entries.sort(newestFirst);
    const length = sessionPageLength(
      entries.map((entry) => entry.lastUsedAt),
      limit,
    );
    return entries.slice(0, length).map((entry) => JSON.parse(entry.value) as SessionRecord);
  }

  /**
   * Deletes the session and every refresh token of its family (through the host, from its current one back), and
   * revokes its family until the session's end, whether or not it was revoked already; false when there was none.
   */
  end(id: string): boolean {
    const entry = this.byId.get(id);
    if (entry === undefined) return false;
    this.remove(id);
    this.host.revoke(id, entry.expiresAt, (JSON.parse(entry.value) as SessionRecord).refreshTokenId);
    return true;
  }

  /**
   * A rotation in the session's family (its id) at `now` (seconds): last used then, `tokenId` its current token, and
   * with `details` its ip and userAgent those of this use (one absent there removed).
   */
  touch(familyId: string, now: number, tokenId: string, details: SessionDetails | undefined): void {
    const entry = this.byId.get(familyId);
    if (entry === undefined) return;
    entry.lastUsedAt = now;
    const session: SessionRecord = { ...(JSON.parse(entry.value) as SessionRecord), lastUsedAt: now, refreshTokenId: tokenId };
    const same = details === undefined || (session.ip === details.ip && session.userAgent === details.userAgent);
    entry.value = JSON.stringify(same ? session : withDetails(session, details));
  }

  /** Drops every session past its end. */
  sweep(nowMs: number): void {
    for (const [id, entry] of this.byId) if (entry.expiresAt <= nowMs) this.remove(id);
  }

  private live(id: string): Entry | undefined {
    const entry = this.byId.get(id);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= this.host.now()) {
      this.remove(id);
      return undefined;
    }
    return this.host.isRevoked(id) ? undefined : entry;
  }

  private remove(id: string): void {
    const entry = this.byId.get(id);
    if (entry === undefined) return;
    this.byId.delete(id);
    const ids = this.bySub.get(entry.sub);
    ids?.delete(id);
    if (ids?.size === 0) this.bySub.delete(entry.sub);
  }
}

/** `session` with the ip and userAgent of `details` (one absent there left out). */
function withDetails(session: SessionRecord, details: SessionDetails): SessionRecord {
  const { ip: _ip, userAgent: _userAgent, ...rest } = session;
  const { ip, userAgent } = details;
  return { ...rest, ...(ip === undefined ? {} : { ip }), ...(userAgent === undefined ? {} : { userAgent }) };
}

// lib/stores/memory/memory-refresh-tokens.ts
// MemoryStore's refresh tokens: compact records off the V8 heap, each successor linked to the token it replaced, so
// that ending a session deletes its whole family by walking back from the current token.

import { decodeRecord, encodeRecord, expiresAtOf } from '../shared/compact-record';
import type { RefreshTokenRecord, RotateResult } from '../shared/refresh-token-store';
import { RecordTable } from './record-table';

/** What the tokens need of the store around them: its clock, and its family marks. */
export interface RefreshTokenHost {
  /** Milliseconds since the epoch. */
  now(): number;
  /** True when the family is revoked: its tokens are hidden and never rotate. */
  isRevoked(familyId: string): boolean;
}

/** Between a record's compact encoding (a JSON array: no raw line feed) and the JSON of the token it replaced. */
const LINK = '\n';

/**
 * Synchronous throughout, so each call is atomic in this process. A table entry is `encodeRecord(record)`, and for a
 * rotated token `\n` and the JSON string of its predecessor's id: a family is a chain from its current token back to
 * its first (about 50 bytes per token, nothing on the heap). The chain stays whole while its tokens live: an entry
 * is kept in the table (not shown: `find` reads the record's own expiry) at least as long as its predecessor's, so a
 * token gone from the table means every older one of its family is gone too, and a walk back stops at the first gap.
 */
export class MemoryRefreshTokens {
  private readonly table = new RecordTable();

  constructor(private readonly host: RefreshTokenHost) {}

  get size(): number {
    return this.table.size;
  }

  /** Drops every entry kept past its time (`nowMs`, ms). */
  sweep(nowMs: number): void {
    this.table.sweep(nowMs / 1000);
  }

  /** Stores `record` with no predecessor (a login's first token), replacing one with its id. */
  save(record: RefreshTokenRecord): void {
    this.write(record, record.expiresAt, '');
  }

  /** The record, spent or not; undefined when unknown, past its expiry, or its family revoked. */
  find(id: string): RefreshTokenRecord | undefined {
    return this.live(id)?.record;
  }

  /** The atomic rotation of RefreshTokenStore: `previousId` spent (keeping its link), `next` stored linked to it. */
  rotate(previousId: string, next: RefreshTokenRecord, now: number): RotateResult {
    const found = this.live(previousId);
    if (found === undefined) return { outcome: 'invalid' };
    const { record: previous, entry, cut } = found;
    if (previous.spentAt !== undefined) return { outcome: 'reused', previous };
    const kept = this.table.expiresAt(previousId) as number;
    this.write({ ...previous, spentAt: now, successorId: next.id }, kept, cut < 0 ? '' : entry.slice(cut));
    this.write(next, Math.max(next.expiresAt, kept), LINK + JSON.stringify(previousId));
    return { outcome: 'rotated', previous };
  }

  /** Deletes `lastId` and, walking back, every token it descends from; how many entries went. O(tokens of the family). */
  deleteFamily(lastId: string): number {
    let deleted = 0;
    for (let id: string | undefined = lastId; id !== undefined; deleted += 1) {
      const entry = this.table.get(id);
      if (entry === undefined) break;
      this.table.delete(id);
      const cut = entry.indexOf(LINK);
      id = cut < 0 ? undefined : (JSON.parse(entry.slice(cut + 1)) as string);
    }
    return deleted;
  }

  /** The live record of `id` (as `find` sees it), its entry, and where its link starts there (-1: none). */
  private live(id: string): { record: RefreshTokenRecord; entry: string; cut: number } | undefined {
    const entry = this.table.get(id);
    if (entry === undefined) return undefined;
    if (expiresAtOf(entry) * 1000 <= this.host.now()) {
      // Gone for good only once the table's time (which may outlast the record's: see above) has passed too.
      if ((this.table.expiresAt(id) as number) * 1000 <= this.host.now()) this.table.delete(id);
      return undefined;
    }
    const cut = entry.indexOf(LINK);
    const record = decodeRecord(id, cut < 0 ? entry : entry.slice(0, cut));
    if (this.host.isRevoked(record.familyId)) return undefined;
    return { record, entry, cut };
  }

  /** `record` kept in the table until `keepUntil` (epoch seconds, at least its expiry), with its `link` appended. */
  private write(record: RefreshTokenRecord, keepUntil: number, link: string): void {
    if (keepUntil * 1000 <= this.host.now()) this.table.delete(record.id);
    else this.table.set(record.id, encodeRecord(record) + link, keepUntil);
  }
}

// lib/stores/memory/record-table.ts
// A string -> (string, expiry) table kept outside the V8 heap: records in Buffer chunks, a typed-array index.

/**
 * Why off the heap: a MemoryStore holding a million refresh tokens as Map entries is two million strings that every
 * major GC marks (bench/RESULTS.md, "Cost as the work grows": throughput fell to 0.86 of the 1k-token row at 1M).
 * Here the GC sees a few hundred Buffers whatever the count.
 *
 * Records are appended to the current chunk (a Buffer): key byte length (u32), value byte length (u32), key, value.
 * An open-addressing index (linear probing, power-of-two capacity, hash of the key's bytes) maps a key to its
 * record: `refs` (0 = empty, -1 = deleted, else chunk + 1), `offsets`, `hashes` (compared before the bytes) and
 * `expiries` (seconds, read by `sweep` without touching the chunks). Replacing or deleting a record leaves its bytes
 * dead. A chunk whose live bytes fall under half its size is evacuated a few records per write (its live records
 * copied to the current chunk, found through the index by their key's hash), then freed: no write ever copies the
 * whole table (one Buffer copied whole stalled a write for ~0.5 s at a million records).
 */
/** Records looked at in mostly-dead chunks per write or delete: enough to free chunks faster than writes kill records. */
const EVACUATE_PER_WRITE = 8;

export class RecordTable {
  private readonly chunkBytes: number;
  private chunks: (Buffer | undefined)[] = [];
  /** Bytes written to each chunk, live or dead. */
  private chunkUsed: number[] = [];
  /** Bytes of each chunk held by live records. */
  private chunkLive: number[] = [];
  /** Chunk indexes waiting for evacuation; `queued[c]` says whether c is among them (entries may go stale). */
  private sparse: number[] = [];
  private queued: boolean[] = [];
  private freeIndexes: number[] = [];
  /** Up to two freed chunks of the standard size, kept for reuse. */
  private spare: Buffer[] = [];
  /** The chunk records are appended to, or -1 before the first write. */
  private current = -1;
  /** The chunk being evacuated and the offset of its next record to look at (-1: none). */
  private evacuating = -1;
  private cursor = 0;

  private refs: Int32Array;
  private offsets: Uint32Array;
  private hashes: Int32Array;
  private expiries: Float64Array;
  private readonly minSlots: number;
  /** Live entries. */
  private count = 0;
  /** Index slots that are deleted (they lengthen probes until the next rebuild). */
  private deleted = 0;
  /** Scratch space for a key's bytes, grown on demand. */
  private scratch = Buffer.allocUnsafeSlow(256);
  /** Per-table hash seed: keys are SHA-256 ids in practice, but a table must not be floodable by chosen keys. */
  private readonly seed = (Math.random() * 0x7fffffff) | 0;

  /** `chunkBytes` (default 1 MiB) and `initialSlots` are for tests; the first chunk is at most 64 KiB. */
  constructor(chunkBytes = 1024 * 1024, initialSlots = 64) {
    this.chunkBytes = chunkBytes;
    // A power of two: the index masks hashes with capacity - 1.
    this.minSlots = 2 ** Math.ceil(Math.log2(Math.max(2, initialSlots)));
    this.refs = new Int32Array(this.minSlots);
    this.offsets = new Uint32Array(this.minSlots);
    this.hashes = new Int32Array(this.minSlots);
    this.expiries = new Float64Array(this.minSlots);
  }

  get size(): number {
    return this.count;
  }

  /** The value stored under `key`, or undefined. */
  get(key: string): string | undefined {
    const slot = this.find(this.keyToScratch(key));
    if (slot < 0) return undefined;
    const chunk = this.chunks[this.refs[slot] - 1] as Buffer;
    const at = this.offsets[slot];
    const start = at + 8 + chunk.readUInt32LE(at);
    return chunk.toString('utf8', start, start + chunk.readUInt32LE(at + 4));
  }

  /** Every entry as [key, value], in no particular order: for diagnostics and tests (it reads the whole table). */
  *entries(): IterableIterator<[string, string]> {
    for (let slot = 0; slot < this.refs.length; slot += 1) {
      const ref = this.refs[slot];
      if (ref <= 0) continue;
      const chunk = this.chunks[ref - 1] as Buffer;
      const at = this.offsets[slot];
      const keyBytes = chunk.readUInt32LE(at);
      const start = at + 8 + keyBytes;
      const key = chunk[at + 8] === 0xff ? (JSON.parse(chunk.toString('utf8', at + 9, start)) as string) : chunk.toString('utf8', at + 8, start);
      yield [key, chunk.toString('utf8', start, start + chunk.readUInt32LE(at + 4))];
    }
  }

  /** The expiry (epoch seconds) stored with `key`, or undefined. */
  expiresAt(key: string): number | undefined {
    const slot = this.find(this.keyToScratch(key));
    return slot < 0 ? undefined : this.expiries[slot];
  }

  /**
   * Stores `value` under `key` with its expiry (epoch seconds), replacing what was there. `value` must be well-formed
   * UTF-16 (MemoryStore stores `JSON.stringify` output, which escapes lone surrogates). Nothing changes when it
   * throws (no memory for a new chunk).
   */
  set(key: string, value: string, expiresAt: number): void {
    const keyBytes = this.keyToScratch(key);
    const size = 8 + keyBytes + Buffer.byteLength(value);
    const c = this.reserve(size);
    const hash = this.hashOf(this.scratch, 0, keyBytes);
    let slot = this.find(keyBytes, hash);
    if (slot >= 0) {
      this.kill(slot);
    } else {
      if ((this.count + this.deleted + 1) * 4 > this.refs.length * 3) this.rebuildIndex();
      slot = this.freeSlot(hash);
      if (this.refs[slot] === -1) this.deleted -= 1;
      this.count += 1;
    }
    const chunk = this.chunks[c] as Buffer;
    const at = this.chunkUsed[c];
    chunk.writeUInt32LE(keyBytes, at);
    chunk.writeUInt32LE(size - 8 - keyBytes, at + 4);
    this.scratch.copy(chunk, at + 8, 0, keyBytes);
    chunk.write(value, at + 8 + keyBytes, 'utf8');
    this.place(slot, c, at, size);
    this.hashes[slot] = hash;
    this.expiries[slot] = expiresAt;
    this.evacuate(EVACUATE_PER_WRITE);
  }

  /** Removes `key`; true when it was there. */
  delete(key: string): boolean {
    const slot = this.find(this.keyToScratch(key));
    if (slot < 0) return false;
    this.remove(slot);
    this.evacuate(EVACUATE_PER_WRITE);
    return true;
  }

  /**
   * Removes every entry whose expiry (epoch seconds) is at or before `nowSeconds`, then gives memory back: chunks
   * left mostly dead are evacuated (a bounded amount per sweep) and the index shrinks when mostly empty.
   */
  sweep(nowSeconds: number): void {
    for (let slot = 0; slot < this.refs.length; slot += 1) {
      if (this.refs[slot] > 0 && this.expiries[slot] <= nowSeconds) this.remove(slot);
    }
    this.evacuate(16_384);
    if (this.refs.length > this.minSlots && (this.count + 1) * 8 <= this.refs.length) this.rebuildIndex();
  }

  /** Bytes held outside the V8 heap: chunks, spare chunks, index, scratch (for tests and memory measurements). */
  get externalBytes(): number {
    let bytes = this.refs.length * 20 + this.scratch.length;
    for (const chunk of this.chunks) bytes += chunk?.length ?? 0;
    for (const chunk of this.spare) bytes += chunk.length;
    return bytes;
  }

  private remove(slot: number): void {
    this.kill(slot);
    this.refs[slot] = -1;
    this.count -= 1;
    this.deleted += 1;
  }

  /** Points `slot` at a record just written at `at` in chunk `c`. */
  private place(slot: number, c: number, at: number, size: number): void {
    this.refs[slot] = c + 1;
    this.offsets[slot] = at;
    this.chunkUsed[c] = at + size;
    this.chunkLive[c] += size;
  }

  /** The record `slot` points at is no longer live: its chunk may now be worth evacuating, or freeing. */
  private kill(slot: number): void {
    const c = this.refs[slot] - 1;
    const chunk = this.chunks[c] as Buffer;
    const at = this.offsets[slot];
    this.chunkLive[c] -= 8 + chunk.readUInt32LE(at) + chunk.readUInt32LE(at + 4);
    if (c !== this.current) this.judge(c);
  }

  /** A chunk nothing is appended to any more: freed when nothing in it is live, queued when under half live. */
  private judge(c: number): void {
    if (this.chunkLive[c] === 0) this.release(c);
    else if (!this.queued[c] && c !== this.evacuating && this.chunkLive[c] * 2 < (this.chunks[c] as Buffer).length) {
      this.queued[c] = true;
      this.sparse.push(c);
    }
  }

  /** The chunk to append `size` bytes to, allocating one when the current chunk is full (before changing anything). */
  private reserve(size: number): number {
    const c = this.current;
    if (c >= 0 && this.chunkUsed[c] + size <= (this.chunks[c] as Buffer).length) return c;
    const standard = this.chunks.length === 0 ? Math.min(64 * 1024, this.chunkBytes) : this.chunkBytes;
    const chunk = size > standard ? Buffer.allocUnsafeSlow(size) : (this.spare.pop() ?? Buffer.allocUnsafeSlow(standard));
    const next = this.freeIndexes.pop() ?? this.chunks.length;
    this.chunks[next] = chunk;
    this.chunkUsed[next] = 0;
    this.chunkLive[next] = 0;
    this.queued[next] = false;
    this.current = next;
    // The chunk just filled is judged like any other now that nothing is appended to it any more.
    if (c >= 0) this.judge(c);
    return next;
  }

  private release(c: number): void {
    const chunk = this.chunks[c] as Buffer;
    if (chunk.length === this.chunkBytes && this.spare.length < 2) this.spare.push(chunk);
    this.chunks[c] = undefined;
    this.queued[c] = false;
    this.freeIndexes.push(c);
    if (c === this.evacuating) this.evacuating = -1;
  }

  /**
   * Moves up to `budget` records out of mostly-dead chunks into the current one, freeing each chunk once it is
   * passed. Best effort: with no memory for a new chunk it stops, and the next write tries again.
   */
  private evacuate(budget: number): void {
    for (let left = budget; left > 0; left -= 1) {
      if (this.evacuating < 0) {
        const next = this.sparse.shift();
        if (next === undefined) return;
        if (!this.queued[next] || this.chunks[next] === undefined) continue;
        this.queued[next] = false;
        this.evacuating = next;
        this.cursor = 0;
      }
      const from = this.evacuating;
      const chunk = this.chunks[from] as Buffer;
      if (this.cursor >= this.chunkUsed[from]) {
        this.release(from);
        continue;
      }
      const at = this.cursor;
      const keyBytes = chunk.readUInt32LE(at);
      const size = 8 + keyBytes + chunk.readUInt32LE(at + 4);
      const slot = this.slotOf(from, at, this.hashOf(chunk, at + 8, keyBytes));
      if (slot >= 0) {
        let to: number;
        try {
          to = this.reserve(size);
        } catch {
          return;
        }
        const toAt = this.chunkUsed[to];
        chunk.copy(this.chunks[to] as Buffer, toAt, at, at + size);
        this.chunkLive[from] -= size;
        this.place(slot, to, toAt, size);
      }
      this.cursor = at + size;
      if (this.chunkLive[from] === 0) this.release(from);
    }
  }

  /** The slot pointing at the record at `at` in chunk `c` (whose key hashes to `hash`), or -1 when it is dead. */
  private slotOf(c: number, at: number, hash: number): number {
    const mask = this.refs.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const ref = this.refs[slot];
      if (ref === 0) return -1;
      if (ref === c + 1 && this.offsets[slot] === at) return slot;
    }
  }

  /** The slot holding the key whose `keyBytes` bytes are in `scratch`, or -1. */
  private find(keyBytes: number, hash = this.hashOf(this.scratch, 0, keyBytes)): number {
    const mask = this.refs.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const ref = this.refs[slot];
      if (ref === 0) return -1;
      if (ref > 0 && this.hashes[slot] === hash) {
        const chunk = this.chunks[ref - 1] as Buffer;
        const at = this.offsets[slot];
        if (chunk.readUInt32LE(at) === keyBytes && this.scratch.compare(chunk, at + 8, at + 8 + keyBytes, 0, keyBytes) === 0) return slot;
      }
    }
  }

  /** The first empty or deleted slot on `hash`'s probe sequence (the caller made sure one exists). */
  private freeSlot(hash: number): number {
    const mask = this.refs.length - 1;
    let slot = hash & mask;
    while (this.refs[slot] > 0) slot = (slot + 1) & mask;
    return slot;
  }

  /**
   * Writes the key's bytes to `scratch` and returns their length: UTF-8 for a well-formed key; for one with a lone
   * surrogate (which UTF-8 cannot carry: two such keys would collide) 0xFF, never a UTF-8 byte, then its JSON form.
   */
  private keyToScratch(key: string): number {
    const wellFormed = (key as unknown as { isWellFormed(): boolean }).isWellFormed();
    const text = wellFormed ? key : JSON.stringify(key);
    const bytes = Buffer.byteLength(text) + (wellFormed ? 0 : 1);
    if (bytes > this.scratch.length) this.scratch = Buffer.allocUnsafeSlow(bytes * 2);
    if (wellFormed) return this.scratch.write(text, 0, 'utf8');
    this.scratch[0] = 0xff;
    return 1 + this.scratch.write(text, 1, 'utf8');
  }

  /** FNV-1a over `length` bytes of `buffer` from `start`, seeded. */
  private hashOf(buffer: Buffer, start: number, length: number): number {
    let h = 0x811c9dc5 ^ this.seed;
    for (let i = start; i < start + length; i += 1) h = Math.imul(h ^ buffer[i], 0x01000193);
    return h | 0;
  }

  /** A fresh index without deleted slots, the smallest power of two with room for twice the live entries. */
  private rebuildIndex(): void {
    let capacity = this.minSlots;
    while (capacity < (this.count + 1) * 2) capacity *= 2;
    const { refs, offsets, hashes, expiries } = this;
    // All four allocated before any is replaced: running out of memory here leaves the table as it was.
    const nextRefs = new Int32Array(capacity);
    const nextOffsets = new Uint32Array(capacity);
    const nextHashes = new Int32Array(capacity);
    const nextExpiries = new Float64Array(capacity);
    this.refs = nextRefs;
    this.offsets = nextOffsets;
    this.hashes = nextHashes;
    this.expiries = nextExpiries;
    this.deleted = 0;
    for (let slot = 0; slot < refs.length; slot += 1) {
      if (refs[slot] <= 0) continue;
      const to = this.freeSlot(hashes[slot]);
      this.refs[to] = refs[slot];
      this.offsets[to] = offsets[slot];
      this.hashes[to] = hashes[slot];
      this.expiries[to] = expiries[slot];
    }
  }
}

// lib/stores/record-table.ts
// A string -> (string, expiry) table kept outside the V8 heap: one Buffer of records plus typed-array index.

/**
 * Why off the heap: a MemoryStore holding a million refresh tokens as Map entries is two million strings that every
 * major GC marks (bench/RESULTS.md, "Cost as the work grows": throughput fell to 0.87 of the 1k-token row at 1M).
 * Here the GC sees a handful of ArrayBuffers whatever the count.
 *
 * Layout. Records are appended to `data`: key byte length (u32), value byte length (u32), key and value in UTF-8.
 * An open-addressing index (linear probing, power-of-two capacity) maps a key's hash to its record: `offsets`
 * (0 = empty, -1 = deleted, else offset + 1), `hashes` (compared before the bytes) and `expiries` (seconds, read by
 * `sweep` without touching `data`). Overwriting or deleting a record leaves its bytes dead; when `data` is full the
 * live records are copied into a new Buffer sized for them plus a quarter, which reclaims the dead bytes (O(live),
 * amortised over at least a quarter of the live bytes appended since the last copy).
 */
export class RecordTable {
  private data: Buffer;
  /** Bytes of `data` in use (live and dead records). */
  private used = 0;
  /** Bytes of `data` held by live records. */
  private liveBytes = 0;
  private offsets: Float64Array;
  private hashes: Int32Array;
  private expiries: Float64Array;
  /** Live entries. */
  private count = 0;
  /** Index slots that are deleted (they still lengthen probes until the next rebuild). */
  private deleted = 0;
  /** Scratch space for a key's UTF-8 bytes, grown on demand. */
  private scratch = Buffer.allocUnsafeSlow(256);
  private readonly minBytes: number;
  private readonly minSlots: number;
  /** Per-table hash seed: keys are SHA-256 ids in practice, but a table must not be floodable by chosen keys. */
  private readonly seed = (Math.random() * 0x7fffffff) | 0;

  constructor(initialBytes = 64 * 1024, initialSlots = 64) {
    this.minBytes = initialBytes;
    // A power of two: the index masks hashes with capacity - 1.
    this.minSlots = 2 ** Math.ceil(Math.log2(Math.max(2, initialSlots)));
    this.data = Buffer.allocUnsafeSlow(initialBytes);
    this.offsets = new Float64Array(this.minSlots);
    this.hashes = new Int32Array(this.minSlots);
    this.expiries = new Float64Array(this.minSlots);
  }

  get size(): number {
    return this.count;
  }

  /** The value stored under `key`, or undefined. */
  get(key: string): string | undefined {
    const slot = this.find(key);
    return slot < 0 ? undefined : this.valueAt(slot);
  }

  /** The expiry (epoch seconds) stored with `key`, or undefined. */
  expiresAt(key: string): number | undefined {
    const slot = this.find(key);
    return slot < 0 ? undefined : this.expiries[slot];
  }

  /**
   * Stores `value` under `key` with its expiry (epoch seconds), replacing what was there. `value` must be well-formed
   * UTF-16 (MemoryStore stores `JSON.stringify` output, which escapes lone surrogates). Nothing changes when it throws
   * (a Buffer beyond `buffer.constants.MAX_LENGTH`, about 4 GiB of records).
   */
  set(key: string, value: string, expiresAt: number): void {
    const keyBytes = this.keyToScratch(key);
    const size = 8 + keyBytes + Buffer.byteLength(value);
    if (this.used + size > this.data.length) this.compact(size);
    const hash = this.hash(key);
    let slot = this.find(key, hash, keyBytes);
    if (slot >= 0) {
      this.liveBytes -= this.recordBytes(slot);
    } else {
      if ((this.count + this.deleted + 1) * 4 > this.offsets.length * 3) this.rebuildIndex();
      slot = this.freeSlot(hash);
      if (this.offsets[slot] === -1) this.deleted -= 1;
      this.count += 1;
    }
    const at = this.used;
    this.data.writeUInt32LE(keyBytes, at);
    this.data.writeUInt32LE(size - 8 - keyBytes, at + 4);
    this.scratch.copy(this.data, at + 8, 0, keyBytes);
    this.data.write(value, at + 8 + keyBytes, 'utf8');
    this.used += size;
    this.liveBytes += size;
    this.offsets[slot] = at + 1;
    this.hashes[slot] = hash;
    this.expiries[slot] = expiresAt;
  }

  /** Removes `key`; true when it was there. */
  delete(key: string): boolean {
    const slot = this.find(key);
    if (slot < 0) return false;
    this.removeAt(slot);
    return true;
  }

  /**
   * Removes every entry whose expiry (epoch seconds) is at or before `nowSeconds`, then gives memory back when most
   * of it is no longer needed (after a burst of logins has expired, say).
   */
  sweep(nowSeconds: number): void {
    for (let slot = 0; slot < this.offsets.length; slot += 1) {
      if (this.offsets[slot] > 0 && this.expiries[slot] <= nowSeconds) this.removeAt(slot);
    }
    if (this.data.length > this.minBytes && this.liveBytes * 4 < this.data.length) this.compact(0);
    if (this.offsets.length > this.minSlots && (this.count + 1) * 8 <= this.offsets.length) this.rebuildIndex();
  }

  /** Bytes held outside the V8 heap: the record Buffer and the index arrays (for memory measurements). */
  get externalBytes(): number {
    return this.data.length + this.offsets.length * 20 + this.scratch.length;
  }

  private removeAt(slot: number): void {
    this.liveBytes -= this.recordBytes(slot);
    this.offsets[slot] = -1;
    this.count -= 1;
    this.deleted += 1;
  }

  private recordBytes(slot: number): number {
    const at = this.offsets[slot] - 1;
    return 8 + this.data.readUInt32LE(at) + this.data.readUInt32LE(at + 4);
  }

  private valueAt(slot: number): string {
    const at = this.offsets[slot] - 1;
    const start = at + 8 + this.data.readUInt32LE(at);
    return this.data.toString('utf8', start, start + this.data.readUInt32LE(at + 4));
  }

  /** The slot holding `key`, or -1. `keyBytes` >= 0 says the key's bytes are in `scratch` already. */
  private find(key: string, hash = this.hash(key), keyBytes = -1): number {
    const mask = this.offsets.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const offset = this.offsets[slot];
      if (offset === 0) return -1;
      if (offset > 0 && this.hashes[slot] === hash) {
        if (keyBytes < 0) keyBytes = this.keyToScratch(key);
        const at = offset - 1;
        if (this.data.readUInt32LE(at) === keyBytes && this.scratch.compare(this.data, at + 8, at + 8 + keyBytes, 0, keyBytes) === 0) return slot;
      }
    }
  }

  /** The first empty or deleted slot on `hash`'s probe sequence (the caller made sure one exists). */
  private freeSlot(hash: number): number {
    const mask = this.offsets.length - 1;
    let slot = hash & mask;
    while (this.offsets[slot] > 0) slot = (slot + 1) & mask;
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

  /** FNV-1a over the UTF-16 code units, seeded. */
  private hash(key: string): number {
    let h = 0x811c9dc5 ^ this.seed;
    for (let i = 0; i < key.length; i += 1) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
    return h | 0;
  }

  /** A fresh index without deleted slots, the smallest power of two with room for twice the live entries. */
  private rebuildIndex(): void {
    let capacity = this.minSlots;
    while (capacity < (this.count + 1) * 2) capacity *= 2;
    const { offsets, hashes, expiries } = this;
    this.offsets = new Float64Array(capacity);
    this.hashes = new Int32Array(capacity);
    this.expiries = new Float64Array(capacity);
    this.deleted = 0;
    for (let slot = 0; slot < offsets.length; slot += 1) {
      if (offsets[slot] <= 0) continue;
      const to = this.freeSlot(hashes[slot]);
      this.offsets[to] = offsets[slot];
      this.hashes[to] = hashes[slot];
      this.expiries[to] = expiries[slot];
    }
  }

  /** Copies the live records into a Buffer with room for them, `extra` more bytes and a quarter to spare. */
  private compact(extra: number): void {
    const capacity = Math.max(this.minBytes, Math.ceil((this.liveBytes + extra) * 1.25));
    const next = Buffer.allocUnsafeSlow(capacity);
    let used = 0;
    for (let slot = 0; slot < this.offsets.length; slot += 1) {
      if (this.offsets[slot] <= 0) continue;
      const at = this.offsets[slot] - 1;
      const size = this.recordBytes(slot);
      this.data.copy(next, used, at, at + size);
      this.offsets[slot] = used + 1;
      used += size;
    }
    this.data = next;
    this.used = used;
  }
}

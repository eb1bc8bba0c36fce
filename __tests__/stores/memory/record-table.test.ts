// __tests__/stores/memory/record-table.test.ts
// The off-heap table behind MemoryStore's refresh tokens, checked against a Map doing the same operations.

import { RecordTable } from '../../../lib/stores/memory/record-table';

/** A small deterministic PRNG (mulberry32), so a failure replays. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('RecordTable', () => {
  it('stores, replaces, reads and deletes values by key', () => {
    const table = new RecordTable();
    expect(table.get('a')).toBeUndefined();
    table.set('a', '[1,"x"]', 100);
    table.set('b', '[2,"y"]', 200);
    expect(table.get('a')).toBe('[1,"x"]');
    expect(table.expiresAt('b')).toBe(200);
    table.set('a', '[3,"a longer value than before"]', 300);
    expect(table.get('a')).toBe('[3,"a longer value than before"]');
    expect(table.expiresAt('a')).toBe(300);
    expect(table.size).toBe(2);
    expect(table.delete('a')).toBe(true);
    expect(table.delete('a')).toBe(false);
    expect(table.get('a')).toBeUndefined();
    expect(table.get('b')).toBe('[2,"y"]');
    expect(table.size).toBe(1);
  });

  it('keeps non-ASCII keys and values byte-exact, and keys with lone surrogates apart', () => {
    const table = new RecordTable();
    const value = '["Zoë","日本語","🔑","\\ud800"]';
    table.set('clé-🔑', value, 1);
    table.set('a\uD800', 'first', 1);
    table.set('a\uD801', 'second', 1);
    // UTF-8 cannot carry a lone surrogate: encoded naively, both keys would be "a" + U+FFFD.
    table.set('a\uFFFD', 'third', 1);
    expect(table.get('clé-🔑')).toBe(value);
    expect(table.get('a\uD800')).toBe('first');
    expect(table.get('a\uD801')).toBe('second');
    expect(table.get('a\uFFFD')).toBe('third');
    expect(table.size).toBe(4);
  });

  it('lists every entry once, keys with lone surrogates as they were given', () => {
    const table = new RecordTable(64, 2);
    const entries: Array<[string, string]> = [
      ['clé-🔑', '["Zoë"]'],
      ['a\uD800', 'first'],
      ['plain', 'x'.repeat(100)],
    ];
    for (const [key, value] of entries) table.set(key, value, 1);
    table.set('gone', 'deleted', 1);
    table.delete('gone');
    expect([...table.entries()].sort()).toEqual(entries.sort());
  });

  it('grows past its first chunk and index, and reclaims the bytes of replaced and deleted records', () => {
    const table = new RecordTable(1024, 4);
    const value = (i: number, round: number): string => `[${i},"${'v'.repeat(i % 50)}",${round}]`;
    for (let round = 0; round < 5; round += 1) {
      for (let i = 0; i < 5000; i += 1) table.set(`key-${i}`, value(i, round), i);
    }
    for (let i = 0; i < 5000; i += 2) table.delete(`key-${i}`);
    expect(table.size).toBe(2500);
    for (let i = 0; i < 5000; i += 1) expect(table.get(`key-${i}`)).toBe(i % 2 === 0 ? undefined : value(i, 4));
    // Five rounds of writes, each replacing the last: the chunks hold the live records plus slack, not all rounds.
    const liveBytes = Array.from({ length: 2500 }, (_, k) => 8 + Buffer.byteLength(`key-${2 * k + 1}`) + Buffer.byteLength(value(2 * k + 1, 4))).reduce(
      (a, b) => a + b,
      0,
    );
    expect(table.externalBytes).toBeLessThan(liveBytes * 3);
  });

  it('sweeps the entries whose expiry has come, and only those', () => {
    const table = new RecordTable();
    for (let i = 0; i < 1000; i += 1) table.set(`k${i}`, `v${i}`, i);
    table.sweep(499);
    expect(table.size).toBe(500);
    expect(table.get('k499')).toBeUndefined();
    expect(table.get('k500')).toBe('v500');
    expect(table.expiresAt('k999')).toBe(999);
  });

  it('gives memory back once a sweep leaves most of it unused', () => {
    const table = new RecordTable(1024, 4);
    for (let i = 0; i < 20_000; i += 1) table.set(`burst-${i}`, `["a login's record, about this long",${i}]`, 10);
    table.set('kept', 'value', 100);
    const full = table.externalBytes;
    table.sweep(10);
    expect(table.size).toBe(1);
    expect(table.get('kept')).toBe('value');
    expect(table.externalBytes).toBeLessThan(full / 50);
    for (let i = 0; i < 100; i += 1) table.set(`again-${i}`, 'v', 100);
    expect(table.get('again-99')).toBe('v');
    expect(table.get('kept')).toBe('value');
  });

  it('agrees with a Map over a long random mix of sets, deletes and sweeps', () => {
    const random = prng(14);
    const table = new RecordTable(512, 2);
    const model = new Map<string, { value: string; expiresAt: number }>();
    for (let step = 0; step < 40_000; step += 1) {
      const key = `id-${Math.floor(random() * 3000)}`;
      const r = random();
      if (r < 0.6) {
        const value = JSON.stringify([step, 'x'.repeat(Math.floor(random() * 120)), random() < 0.1 ? 'ü€😀' : null]);
        const expiresAt = Math.floor(random() * 1000);
        table.set(key, value, expiresAt);
        model.set(key, { value, expiresAt });
      } else if (r < 0.95) {
        expect(table.delete(key)).toBe(model.delete(key));
      } else if (r < 0.951) {
        const now = Math.floor(random() * 1000);
        table.sweep(now);
        for (const [k, e] of model) if (e.expiresAt <= now) model.delete(k);
      } else {
        expect(table.get(key)).toBe(model.get(key)?.value);
      }
    }
    expect(table.size).toBe(model.size);
    expect(new Map(table.entries())).toEqual(new Map([...model].map(([key, entry]) => [key, entry.value])));
    for (const [key, entry] of model) {
      expect(table.get(key)).toBe(entry.value);
      expect(table.expiresAt(key)).toBe(entry.expiresAt);
    }
  });

  it('keeps memory bounded under endless rotation, a little evacuation per write', () => {
    const table = new RecordTable(4096, 4);
    const live = 500;
    let writes = 0;
    let peak = 0;
    // Each rotation replaces one record and adds one, and the oldest goes: the shape of a refresh-token store.
    for (let i = 0; i < 50_000; i += 1) {
      table.set(`t${i}`, `["new",${i},"${'x'.repeat(100)}"]`, i + live);
      table.set(`t${i - 1}`, `["spent",${i - 1},"${'x'.repeat(100)}",${i}]`, i + live);
      table.delete(`t${i - live}`);
      writes += 2;
      peak = Math.max(peak, table.externalBytes);
    }
    expect(writes).toBe(100_000);
    expect(table.size).toBe(live);
    for (let i = 50_000 - live; i < 49_999; i += 1) expect(table.get(`t${i}`)).toBe(`["spent",${i},"${'x'.repeat(100)}",${i + 1}]`);
    // ~130 B a record: 500 live records are ~65 KB; chunks of 4 KiB, half-dead ones evacuated as writes go on.
    expect(peak).toBeLessThan(65_000 * 3 + 64 * 20 * 2);
  });

  it('does not strand the chunks that records larger than a chunk leave behind', () => {
    const table = new RecordTable(1024, 4);
    for (let i = 0; i < 50; i += 1) {
      table.set(`small${i}`, 'v', 1);
      table.set(`big${i}`, 'x'.repeat(2000), 1);
      table.delete(`big${i}`);
    }
    for (let i = 0; i < 50; i += 1) expect(table.get(`small${i}`)).toBe('v');
    // 50 records of ~14 B: a chunk or two, not one chunk each (each left behind nearly empty by the big record).
    expect(table.externalBytes).toBeLessThan(8 * 1024);
  });

  it('changes nothing when a write cannot get the memory it needs', () => {
    const table = new RecordTable(1024, 4);
    table.set('kept', 'value', 1);
    // A value past Buffer's maximum length makes the new chunk's allocation throw before anything is touched.
    const huge = { length: 0 } as unknown as string;
    const byteLength = jest.spyOn(Buffer, 'byteLength').mockImplementation((s) => (s === huge ? 2 ** 53 : Buffer.from(s as string).length));
    try {
      expect(() => table.set('new', huge, 1)).toThrow(/out of range/);
    } finally {
      byteLength.mockRestore();
    }
    expect(table.size).toBe(1);
    expect(table.get('kept')).toBe('value');
    expect(table.get('new')).toBeUndefined();
    table.set('new', 'fine', 1);
    expect(table.get('new')).toBe('fine');
  });
});

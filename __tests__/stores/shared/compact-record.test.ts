// __tests__/stores/shared/compact-record.test.ts
// MemoryStore's compact refresh-token encoding: every field survives, values are copies, expired ones are swept.

import { MemoryStore, type RefreshTokenRecord } from '../../../lib';
import { decodeRecord, encodeRecord, SPEND_LAST } from '../../../lib/stores/shared/compact-record';

const minimal: RefreshTokenRecord = {
  id: 'abc',
  familyId: 'fam-1',
  clientId: 'cli',
  sub: 'u-1',
  scope: ['openid', 'profile'],
  authTime: 1_900_000_000,
  issuedAt: 1_900_000_010,
  expiresAt: 1_901_209_600,
};

const full: RefreshTokenRecord = {
  ...minimal,
  scope: [],
  spentAt: 1_900_000_100,
  successorId: 'def',
  jkt: 'thumbprint',
  username: 'alice@example.com',
  extraClaims: { tenant: 't1', roles: ['a', 'b'], nested: { deep: true } },
};

describe('encodeRecord / decodeRecord', () => {
  it.each([
    ['a minimal record', minimal],
    ['a record with every optional field', full],
    ['a record with only a late optional field', { ...minimal, username: 'bob' }],
    ['a record with fields a newer version added', { ...minimal, graceUntil: 1_900_000_005, note: 'x' } as RefreshTokenRecord],
    ['a record with a fractional expiry', { ...minimal, expiresAt: 1_901_209_600.5 }],
  ])('round-trips %s exactly', (_name, record) => {
    expect(decodeRecord(record.id, encodeRecord(record))).toStrictEqual(record);
  });

  it.each([minimal, full, { ...minimal, username: 'bob' }])('round-trips a record in the SPEND_LAST order too (%#)', (record) => {
    expect(decodeRecord(record.id, encodeRecord(record, SPEND_LAST), SPEND_LAST)).toStrictEqual(record);
  });

  it('puts no nulls before the username in the SPEND_LAST order', () => {
    const login = { ...minimal, username: 'bob' };
    expect(encodeRecord(login, SPEND_LAST).length).toBe(encodeRecord(login).length - 'null,null,null,'.length);
  });

  it('leaves out the id and the field names', () => {
    const encoded = encodeRecord(full);
    expect(encoded).not.toContain('"abc"');
    expect(encoded).not.toContain('familyId');
    expect(encoded.length).toBeLessThan(JSON.stringify(full).length * 0.7);
  });
});

describe('MemoryStore refresh tokens', () => {
  it('copies records in and out', async () => {
    const store = new MemoryStore();
    const mutable = { ...full, scope: ['openid'], extraClaims: { tenant: 't1' } };
    await store.saveRefreshToken(mutable);
    mutable.scope.push('admin');
    (mutable.extraClaims as Record<string, unknown>).tenant = 'evil';
    const found = await store.findRefreshToken('abc');
    expect(found?.scope).toEqual(['openid']);
    expect(found?.extraClaims).toEqual({ tenant: 't1' });
    (found!.scope as string[]).push('admin');
    expect((await store.findRefreshToken('abc'))?.scope).toEqual(['openid']);
    await store.close();
  });

  it('sweeps expired refresh tokens with its one timer pass, and hides them before that', async () => {
    let now = 1_900_000_000_000;
    const store = new MemoryStore({ now: () => now });
    await store.saveRefreshToken({ ...minimal, id: 'short', expiresAt: 1_900_000_060 });
    await store.saveRefreshToken({ ...minimal, id: 'long', expiresAt: 1_900_003_600 });
    expect(store.size).toBe(2);
    now += 60_000;
    expect(await store.findRefreshToken('short')).toBeUndefined();
    await store.saveRefreshToken({ ...minimal, id: 'short2', expiresAt: 1_900_000_100 });
    now += 60_000;
    store.sweep();
    expect(store.size).toBe(1);
    expect((await store.findRefreshToken('long'))?.id).toBe('long');
    await store.close();
  });

  it('rotates a compactly stored token exactly once', async () => {
    const store = new MemoryStore();
    const now = Math.floor(Date.now() / 1000);
    await store.saveRefreshToken({ ...full, spentAt: undefined, successorId: undefined, expiresAt: now + 600 });
    const next = { ...minimal, id: 'next', expiresAt: now + 600 };
    const [first, second] = await Promise.all([store.rotateRefreshToken('abc', next, now), store.rotateRefreshToken('abc', next, now)]);
    expect([first.outcome, second.outcome].sort()).toEqual(['reused', 'rotated']);
    expect(await store.findRefreshToken('abc')).toMatchObject({ spentAt: now, successorId: 'next', username: 'alice@example.com' });
    await store.close();
  });
});

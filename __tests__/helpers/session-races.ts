// __tests__/helpers/session-races.ts
// The session races of the PostgresStore review (2026-12-07) as workloads for any SessionStore: parallel logins of
// one user at the per-user cap, and endSession racing the rotations of the same session. Each checks what the store
// holds, read directly (store-contents.ts), not only what its methods show.

import { firstTokenOf, nowSeconds, sessionRecord, successorOf, uniqueId } from '../../lib/testing/fixtures';
import type { RefreshTokenRecord } from '../../lib';
import type { SessionTokenStore } from './session-stores';

/** Stores over the same data (one, or several connections, clients or processes), and how to read it directly. */
export interface RaceTarget {
  /** Calls are spread over these in turn. */
  readonly stores: readonly SessionTokenStore[];
  /** Every entry stored, one line each (store-contents.ts). */
  contents(): Promise<string[]>;
  /** Whether a line of `contents` is a refresh token (it holds its family id) or a session (it holds its id). */
  isToken(line: string): boolean;
  isSession(line: string): boolean;
}

/** A login's session (of `sub`) with its first refresh token, as the password grant saves it. */
export function loginRecords(sub: string): { session: ReturnType<typeof sessionRecord>; token: RefreshTokenRecord } {
  const base = sessionRecord({ sub, clientId: 'cli' });
  const token = firstTokenOf(base);
  return { session: { ...base, refreshTokenId: token.id }, token };
}

/** What is left of `families` in the store: the ids with a session stored, and the refresh token lines of the others. */
export async function leftOf(target: RaceTarget, families: readonly string[]): Promise<{ stored: string[]; orphanTokens: string[] }> {
  const lines = await target.contents();
  const sessions = lines.filter((line) => target.isSession(line));
  const tokens = lines.filter((line) => target.isToken(line));
  const stored = families.filter((id) => sessions.some((line) => line.includes(id)));
  const kept = new Set(stored);
  const ended = families.filter((id) => !kept.has(id));
  return { stored, orphanTokens: tokens.filter((line) => ended.some((id) => line.includes(id))) };
}

export interface CapRaceOptions {
  readonly maxPerUser: number;
  /** Logins sent at once, each round. */
  readonly parallel: number;
  readonly rounds: number;
  /**
   * More logins of the same user elsewhere (other processes): prepares them, then resolves with a start, called at
   * the first round here, which resolves with their session ids.
   */
  readonly alongside?: (sub: string) => Promise<() => Promise<string[]>>;
}

/**
 * A user at the cap logs in `parallel` times at once, `rounds` times over, while three of the least recently used
 * sessions rotate (twice) each round, before or after the logins that make the cap end them. Every login must succeed; after one more (sequential)
 * login the user has exactly `maxPerUser` sessions, the newest among them, each with its refresh token; every session
 * the cap ended has no refresh token left (spent ones included) and its family counts as revoked.
 */
export async function capRace(target: RaceTarget, { maxPerUser, parallel, rounds, alongside }: CapRaceOptions): Promise<void> {
  const sub = uniqueId('user');
  const families: string[] = [];
  const firsts = new Map<string, RefreshTokenRecord>();
  const login = (store: SessionTokenStore): Promise<void> => {
    const { session, token } = loginRecords(sub);
    families.push(session.id);
    firsts.set(session.id, token);
    return store.saveSession(session, { refreshToken: token, maxPerUser });
  };
  const { stores } = target;
  for (let i = 0; i < maxPerUser; i += 1) await login(stores[0]);
  const startElsewhere = await alongside?.(sub);
  const failures: unknown[] = [];
  const elsewhere = startElsewhere?.() ?? Promise.resolve([]);
  const here = (async () => {
    for (let round = 0; round < rounds; round += 1) {
      const oldest = families.slice(round * 3, round * 3 + 3);
      const rotate = (): Array<Promise<unknown>> =>
        oldest.map((id, i) => rotateChain(stores[(round + i) % stores.length], firsts.get(id) as RefreshTokenRecord, 2));
      const logIn = (): Array<Promise<unknown>> => Array.from({ length: parallel }, (_, i) => login(stores[i % stores.length]));
      // Which starts first matters where a store answers synchronously (its first step runs at the call).
      const calls = round % 2 === 0 ? [...logIn(), ...rotate()] : [...rotate(), ...logIn()];
      const settled = await Promise.allSettled(calls);
      for (const result of settled) if (result.status === 'rejected') failures.push(result.reason);
    }
  })();
  const [, theirs] = await Promise.all([here, elsewhere]);
  families.push(...theirs);
  expect(failures.map(String)).toEqual([]);
  await login(stores[0]);
  const last = families[families.length - 1];

  const { stored, orphanTokens } = await leftOf(target, families);
  expect(stored).toHaveLength(maxPerUser);
  expect(stored).toContain(last);
  expect(orphanTokens).toEqual([]);
  const listed = await stores[0].listSessions(sub, { limit: maxPerUser * 2 });
  expect(listed.map((s) => s.id).sort()).toEqual([...stored].sort());
  for (const session of listed) expect(await stores[0].findRefreshToken(session.refreshTokenId as string)).toBeDefined();
  const kept = new Set(stored);
  for (const id of families.filter((family) => !kept.has(family))) {
    expect(await stores[0].isAccessTokenRevoked(uniqueId('jti'), id)).toBe(true);
  }
}

/** The ids a chain of rotations stored, and how many rotated before the first that did not. */
export interface Chain {
  readonly ids: string[];
  readonly rotated: number;
}

/** Rotates from `first` up to `steps` times (each with details, so the session's data is rewritten too), until one does not rotate. */
export async function rotateChain(store: SessionTokenStore, first: RefreshTokenRecord, steps: number): Promise<Chain> {
  const ids = [first.id];
  let previous = first;
  let rotated = 0;
  for (; rotated < steps; rotated += 1) {
    const next = successorOf(previous);
    ids.push(next.id);
    const result = await store.rotateRefreshToken(previous.id, next, nowSeconds(), { ip: '192.0.2.1', userAgent: `race/${rotated}` });
    if (result.outcome !== 'rotated') break;
    previous = next;
  }
  return { ids, rotated };
}

/**
 * Ends `id` on `store` somewhere among the rotations `rotate` starts, by `k % 8`: before the first (a store answering
 * synchronously runs a step at the call), right after the first starts, after 1 to 3 microtasks (inside the chain of
 * such a store), or 1 to 3 ms later (where a store answers over the network, amid its round trips).
 */
export async function endAmid(store: SessionTokenStore, id: string, k: number, rotate: () => Promise<Chain>): Promise<[Chain, boolean]> {
  const end = (): Promise<boolean> => store.endSession(id);
  const at = k % 8;
  const ending = at === 0 ? end() : undefined;
  const chain = rotate();
  if (ending !== undefined) return Promise.all([chain, ending]);
  if (at <= 4) for (let i = 1; i < at; i += 1) await Promise.resolve();
  else await new Promise((resolve) => setTimeout(resolve, at - 4));
  return Promise.all([chain, end()]);
}

export interface EndRaceOptions {
  /** Sessions ended, in all. */
  readonly times: number;
  /** Sessions raced at once. */
  readonly parallel: number;
  /** Rotations tried per session. */
  readonly steps: number;
}

/**
 * Ends sessions while chains of rotations of them run (on another store of the target where there is one), each end
 * landing elsewhere among them (`endAmid`). No call fails; afterwards nothing of the family is stored, no token of
 * it is found, a rotation of any of them is invalid, and the family counts as revoked.
 */
export async function endRace(target: RaceTarget, { times, parallel, steps }: EndRaceOptions): Promise<void> {
  const ender = target.stores[0];
  const rotator = target.stores[target.stores.length - 1];
  const sub = uniqueId('user');
  for (let done = 0; done < times; done += parallel) {
    const logins = Array.from({ length: parallel }, () => loginRecords(sub));
    for (const { session, token } of logins) await ender.saveSession(session, { refreshToken: token, maxPerUser: times + 1 });
    const raced = await Promise.all(
      logins.map(async ({ session, token }, i) => {
        const [chain, ended] = await endAmid(ender, session.id, done + i, () => rotateChain(rotator, token, steps));
        return { id: session.id, chain, ended };
      }),
    );
    for (const { ended } of raced) expect(ended).toBe(true);
    const { stored, orphanTokens } = await leftOf(
      target,
      raced.map(({ id }) => id),
    );
    expect(stored).toEqual([]);
    expect(orphanTokens).toEqual([]);
    for (const { id, chain } of raced) {
      for (const tokenId of chain.ids) expect(await rotator.findRefreshToken(tokenId)).toBeUndefined();
      const last = chain.ids[chain.ids.length - 1];
      const late = await rotator.rotateRefreshToken(last, tokenOf(id, sub), nowSeconds());
      expect(late.outcome).toBe('invalid');
      expect(await ender.isAccessTokenRevoked(uniqueId('jti'), id)).toBe(true);
      expect(await ender.findSession(id)).toBeUndefined();
    }
  }
}

/** A fresh refresh token of the family. */
function tokenOf(familyId: string, sub: string): RefreshTokenRecord {
  const now = nowSeconds();
  return { id: uniqueId('rt'), familyId, sub, clientId: 'cli', scope: ['openid', 'orders'], authTime: now, issuedAt: now, expiresAt: now + 3600 };
}

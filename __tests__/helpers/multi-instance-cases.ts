// __tests__/helpers/multi-instance-cases.ts
// The cases every shared store must pass with two app instances as two processes (Redis and PostgreSQL suites).

import type { Instance } from '../stores/redis/instances';
import { eventually } from './eventually';

/** Logs alice in on `on` and returns her refresh and access tokens. */
export async function login(on: Instance): Promise<{ refresh: string; access: string }> {
  const res = await on.login();
  expect(res.status).toBe(200);
  return { refresh: res.body.refresh_token as string, access: res.body.access_token as string };
}

/**
 * Declares the shared cases on the instances `pair()` returns (started in the suite's beforeAll): separate processes,
 * rotation seen across instances, one throttle counter, and exactly one winner among `parallel` refreshes of a token.
 */
export function sharedInstanceCases(pair: () => readonly [Instance, Instance], parallel: number): void {
  it('runs as two separate processes', async () => {
    const [a, b] = pair();
    const [sa, sb] = await Promise.all([a.state(), b.state()]);
    expect(sa.pid).not.toBe(sb.pid);
    expect([sa.pid, sb.pid]).not.toContain(process.pid);
  });

  it('a token issued on A refreshes on B, and once rotated on A it is dead on B', async () => {
    const [a, b] = pair();
    const { refresh } = await login(a);
    const onB = await b.refresh(refresh);
    expect(onB.status).toBe(200);
    const rotated = await a.refresh(onB.body.refresh_token as string);
    expect(rotated.status).toBe(200);
    const replay = await b.refresh(onB.body.refresh_token as string);
    expect(replay.status).toBe(400);
    expect(replay.body.error).toBe('invalid_grant');
  });

  it('counts throttling hits from both instances in one counter', async () => {
    const [a, b] = pair();
    const key = `login:alice:${Date.now()}`;
    expect((await a.testCall('POST', '/hit', { key, window: 60 })).body.count).toBe(1);
    expect((await b.testCall('POST', '/hit', { key, window: 60 })).body.count).toBe(2);
    expect((await a.testCall('POST', '/hit', { key, window: 60 })).body.count).toBe(3);
    expect((await b.testCall('GET', `/peek?key=${encodeURIComponent(key)}`)).body.count).toBe(3);
  });

  it('auth.revokeSessions on A refuses on B the access token B had cached, and the refresh token', async () => {
    const [a, b] = pair();
    const { refresh, access } = await login(a);
    const me = await b.me(access);
    expect(me.status).toBe(200);
    const { sub, sid } = me.body as { sub: string; sid: string };
    expect((await b.me(access)).status).toBe(200); // now a cache hit on B
    expect((await a.testCall('POST', '/revoke-sessions', { sub, reason: 'password_changed' })).body.ended).toBeGreaterThanOrEqual(1);
    // A broadcast, not a poll: B hears the family revocation (the documented propagation delay), then refuses.
    await eventually(async () => (await b.state()).revocations.some((r) => r?.kind === 'family' && r.id === sid), 'B to hear the revocation');
    expect((await b.me(access)).status).toBe(401);
    const refused = await b.refresh(refresh);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe('invalid_grant');
  });

  it(`${parallel} parallel refreshes of one token split across both instances give exactly one 200`, async () => {
    const [a, b] = pair();
    const { refresh } = await login(a);
    const results = await Promise.all(Array.from({ length: parallel }, (_, i) => (i % 2 === 0 ? a : b).refresh(refresh)));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s !== 200 && s !== 400)).toEqual([]);
    expect(new Set(results.filter((r) => r.status === 400).map((r) => r.body.error))).toEqual(new Set(['invalid_grant']));
  }, 60_000);
}

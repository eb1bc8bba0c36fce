// __tests__/stores/redis/redis-faults.test.ts
// Redis failures under two app processes: unreachable at start, and SIGKILLed mid-load then restarted. Each gives a
// prompt 503 temporarily_unavailable (no hang, no 500), an error event, recovery without restarting the apps, and no
// refresh token accepted twice. Only private redis-servers on spare ports are killed, by their own pid.

import { describeWithRedis, uniquePrefix } from '../../helpers/redis';
import { eventually } from '../../helpers/eventually';
import { PrivateRedis } from '../../helpers/redis-server';
import { sparePort } from '../../helpers/spare-port';
import { Instance, type Reply } from './instances';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Outages and restarts take a while on a loaded box. */
const SLOW = { timeoutMs: 20_000, intervalMs: 50 };

/** The exact 503 the endpoint owes a client when the store fails: RFC 6749 §5.2 JSON, no internals. */
function expectUnavailable(res: Reply): void {
  expect(res.status).toBe(503);
  expect(res.body).toEqual({ error: 'temporarily_unavailable', error_description: 'The service is temporarily unavailable; try again shortly' });
  expect(res.headers.get('retry-after')).toBe('1');
}

describeWithRedis('Redis faults (private redis-server, two app processes)', () => {
  const instances: Instance[] = [];
  const servers: PrivateRedis[] = [];

  afterEach(async () => {
    await Promise.all(instances.splice(0).map((i) => i.stop()));
    await Promise.all(servers.splice(0).map((s) => s.stop()));
  });

  it('answers 503 while Redis is unreachable, emits error, and serves once Redis appears', async () => {
    const port = await sparePort();
    const env = { REDIS_URL: `redis://127.0.0.1:${port}`, PREFIX: uniquePrefix('down') };
    const a = await Instance.start('A', env);
    instances.push(a);
    expectUnavailable(await a.login());
    expectUnavailable(await a.refresh('x'.repeat(43)));
    const state = await a.state();
    expect(state.errors).toBeGreaterThanOrEqual(2);
    expect(state.errorMessages.join(' ')).not.toMatch(/correct horse|x{43}/);

    const redis = PrivateRedis.on(port);
    servers.push(redis);
    await redis.start();
    let login = await a.login();
    await eventually(async () => (login = await a.login()).status === 200, 'A to recover', SLOW);
    let refreshed = await a.refresh(login.body.refresh_token as string);
    await eventually(
      async () => refreshed.status !== 503 || (refreshed = await a.refresh(login.body.refresh_token as string)).status !== 503,
      'A to refresh',
      SLOW,
    );
    expect(refreshed.status).toBe(200);
  });

  it('survives Redis killed mid-load and restarted: 503s, error events, recovery, no refresh token accepted twice', async () => {
    const redis = await PrivateRedis.launch({ persistent: true });
    servers.push(redis);
    const env = { REDIS_URL: redis.url, PREFIX: uniquePrefix('kill') };
    const [a, b] = await Promise.all([Instance.start('A', env), Instance.start('B', env)]);
    instances.push(a, b);
    const before = await a.login();
    expect(before.status).toBe(200);
    const access = before.body.access_token as string;

    const accepted = new Map<string, number>();
    const statuses: number[] = [];
    const unavailable: Reply[] = [];
    let phase: 'up' | 'restarted' = 'up';
    let refreshedAfterRestart = 0;
    let running = true;

    // Each worker keeps a refresh chain going on alternating instances; a dead chain starts over with a login.
    const worker = async (n: number): Promise<void> => {
      let token: string | undefined;
      let turn = n;
      while (running) {
        const on = turn++ % 2 === 0 ? a : b;
        if (token === undefined) {
          const res = await on.login();
          statuses.push(res.status);
          if (res.status === 200) {
            token = res.body.refresh_token as string;
          } else if (res.status === 503) {
            unavailable.push(res);
            await sleep(20);
          }
          continue;
        }
        const presented = token;
        const res = await on.refresh(presented);
        statuses.push(res.status);
        if (res.status === 200) {
          accepted.set(presented, (accepted.get(presented) ?? 0) + 1);
          token = res.body.refresh_token as string;
          if (phase === 'restarted') refreshedAfterRestart += 1;
        } else if (res.status === 503) {
          unavailable.push(res);
          await sleep(20); // retry the same token: it may or may not have been rotated before the crash
        } else {
          token = undefined;
        }
      }
    };
    const load = Promise.all(Array.from({ length: 8 }, (_, n) => worker(n)));

    await eventually(() => accepted.size >= 20, 'load to be under way', SLOW);
    await redis.kill();
    await eventually(() => unavailable.length >= 10, '503s during the outage', SLOW);
    expectUnavailable(await b.me(access)); // requireToken fails closed: it cannot check revocation
    await redis.start();
    phase = 'restarted';
    await eventually(() => refreshedAfterRestart >= 20, 'refreshes to succeed after the restart', SLOW);
    running = false;
    await load;

    expect(statuses.filter((s) => s !== 200 && s !== 400 && s !== 503)).toEqual([]);
    for (const res of unavailable) expectUnavailable(res);
    expect([...accepted.values()].filter((count) => count > 1)).toEqual([]);
    const [sa, sb] = await Promise.all([a.state(), b.state()]);
    expect(sa.errors + sb.errors).toBeGreaterThanOrEqual(unavailable.length);
    // Nothing acknowledged before the crash is lost (AOF, fsync always): the access token still works. (Retried while
    // 503: on a loaded machine one command may still exceed the 500 ms timeout; a 401 would end the wait and fail.)
    let me = await a.me(access);
    await eventually(async () => (me = await a.me(access)).status !== 503, 'A to answer /api/me', SLOW);
    expect(me.status).toBe(200);
    let fresh = await b.login();
    await eventually(async () => (fresh = await b.login()).status !== 503, 'B to log in', SLOW);
    expect(fresh.status).toBe(200);
  });
});

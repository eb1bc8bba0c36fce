// __tests__/redis/multi-instance.test.ts
// Two app instances, two processes, one Redis (REDIS_URL): rotation, reuse detection, counters and revocation are
// shared, and hundreds of parallel refreshes of one token across both give exactly one 200.

import { eventually } from '../helpers/eventually';
import { deletePrefix, describeWithRedis, REDIS_URL, redisClient, uniquePrefix } from '../helpers/redis';
import { Instance } from './instances';

describeWithRedis('two instances sharing one Redis', () => {
  const prefix = uniquePrefix('multi');
  let a: Instance;
  let b: Instance;

  beforeAll(async () => {
    // A generous timeout: these tests are about sharing, not faults, and the machine may be loaded.
    const env = { REDIS_URL: REDIS_URL as string, PREFIX: prefix, COMMAND_TIMEOUT_MS: '5000' };
    [a, b] = await Promise.all([Instance.start('A', env), Instance.start('B', env)]);
  });

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    const admin = redisClient();
    await deletePrefix(admin, prefix);
    await admin.quit();
  });

  async function login(on: Instance): Promise<{ refresh: string; access: string }> {
    const res = await on.login();
    expect(res.status).toBe(200);
    return { refresh: res.body.refresh_token as string, access: res.body.access_token as string };
  }

  it('runs as two separate processes', async () => {
    const [sa, sb] = await Promise.all([a.state(), b.state()]);
    expect(sa.pid).not.toBe(sb.pid);
    expect([sa.pid, sb.pid]).not.toContain(process.pid);
  });

  it('a token issued on A refreshes on B, and once rotated on A it is dead on B', async () => {
    const { refresh } = await login(a);
    const onB = await b.refresh(refresh);
    expect(onB.status).toBe(200);
    const rotated = await a.refresh(onB.body.refresh_token as string);
    expect(rotated.status).toBe(200);
    const replay = await b.refresh(onB.body.refresh_token as string);
    expect(replay.status).toBe(400);
    expect(replay.body.error).toBe('invalid_grant');
  });

  it('reuse on B after rotation on A revokes the family on both', async () => {
    const { refresh } = await login(a);
    const successor = (await a.refresh(refresh)).body.refresh_token as string;
    const before = (await b.state()).reused;
    expect((await b.refresh(refresh)).status).toBe(400);
    expect((await b.state()).reused).toBe(before + 1);
    const res = await a.refresh(successor);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_grant');
  });

  it('counts throttling hits from both instances in one counter', async () => {
    const key = `login:alice:${Date.now()}`;
    expect((await a.testCall('POST', '/hit', { key, window: 60 })).body.count).toBe(1);
    expect((await b.testCall('POST', '/hit', { key, window: 60 })).body.count).toBe(2);
    expect((await a.testCall('POST', '/hit', { key, window: 60 })).body.count).toBe(3);
    expect((await b.testCall('GET', `/peek?key=${encodeURIComponent(key)}`)).body.count).toBe(3);
  });

  it('a revocation on A is enforced by B and broadcast to B', async () => {
    const { access } = await login(a);
    const me = await b.me(access);
    expect(me.status).toBe(200);
    const sid = (me.body.claims as { sid: string }).sid;
    await a.testCall('POST', '/revoke-family', { sid });
    // B verified (and cached) the token: its next request is a cache hit that relies on the broadcast, which may
    // arrive just after the request (the documented propagation delay). Wait for it, as the PostgreSQL twin does.
    await eventually(async () => (await b.state()).revocations.some((r) => r?.kind === 'family' && r.id === sid), 'B to hear the revocation');
    expect((await b.me(access)).status).toBe(401);
    expect((await a.me(access)).status).toBe(401);
  });

  it('an access token revoked by jti on B is refused by A', async () => {
    const { access } = await login(b);
    const claims = (await a.me(access)).body.claims as { jti: string; exp: number };
    await b.testCall('POST', '/revoke-jti', { jti: claims.jti, exp: claims.exp });
    expect((await a.me(access)).status).toBe(401);
    await eventually(async () => (await a.state()).revocations.some((r) => r?.kind === 'jti' && r.id === claims.jti), 'A to hear the revocation');
  });

  it('300 parallel refreshes of one token across both instances give exactly one 200', async () => {
    const { refresh } = await login(a);
    const results = await Promise.all(Array.from({ length: 300 }, (_, i) => (i % 2 === 0 ? a : b).refresh(refresh)));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s !== 200 && s !== 400)).toEqual([]);
    expect(new Set(results.filter((r) => r.status === 400).map((r) => r.body.error))).toEqual(new Set(['invalid_grant']));
  });
});

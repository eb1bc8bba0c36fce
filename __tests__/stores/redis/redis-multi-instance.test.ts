// __tests__/stores/redis/redis-multi-instance.test.ts
// Two app instances, two processes, one Redis (REDIS_URL): rotation, reuse detection, counters and revocation are
// shared, and hundreds of parallel refreshes of one token across both give exactly one 200.

import { eventually } from '../../helpers/eventually';
import { login, sharedInstanceCases } from '../../helpers/multi-instance-cases';
import { deletePrefix, describeWithRedis, REDIS_URL, redisClient, uniquePrefix } from '../../helpers/redis';
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

  sharedInstanceCases(() => [a, b], 300);

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
});

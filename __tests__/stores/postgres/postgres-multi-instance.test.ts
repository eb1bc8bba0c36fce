// __tests__/stores/postgres/postgres-multi-instance.test.ts
// Two app instances, two processes, one PostgresStore schema (DATABASE_URL): rotation, reuse detection, counters and
// revocation are shared, the other instance's verified-token cache hears revocations (LISTEN/NOTIFY), and 400
// parallel refreshes of one token across both give exactly one 200.

import path from 'node:path';
import { Instance } from '../redis/instances';
import { eventually } from '../../helpers/eventually';
import { login, sharedInstanceCases } from '../../helpers/multi-instance-cases';
import { DATABASE_URL, describeWithPostgres, dropSchema, migratedStore, uniqueSchema } from '../../helpers/postgres';

const FIXTURE = path.join(__dirname, 'fixtures', 'instance.js');

describeWithPostgres('two instances sharing one PostgresStore', () => {
  const schema = uniqueSchema('multi');
  let a: Instance;
  let b: Instance;

  beforeAll(async () => {
    const { done } = await migratedStore(schema);
    await done();
    // A generous timeout: these tests are about sharing, not faults, and the machine may be loaded.
    const env = { DATABASE_URL: DATABASE_URL as string, SCHEMA: schema, QUERY_TIMEOUT_MS: '10000', CONNECT_TIMEOUT_MS: '10000' };
    [a, b] = await Promise.all([Instance.start('A', env, FIXTURE), Instance.start('B', env, FIXTURE)]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await dropSchema(schema);
  });

  sharedInstanceCases(() => [a, b], 400);

  it('reuse on B after rotation on A revokes the family on both, access tokens included', async () => {
    const { refresh } = await login(a);
    const successor = await a.refresh(refresh);
    const access = successor.body.access_token as string;
    expect((await b.me(access)).status).toBe(200);
    const before = (await b.state()).reused;
    expect((await b.refresh(refresh)).status).toBe(400);
    expect((await b.state()).reused).toBe(before + 1);
    const res = await a.refresh(successor.body.refresh_token as string);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_grant');
    expect((await a.me(access)).status).toBe(401);
    expect((await b.me(access)).status).toBe(401);
  });

  it('a family revoked on A is broadcast to B, whose cache then refuses the access token it had verified', async () => {
    const { access } = await login(a);
    const me = await b.me(access);
    expect(me.status).toBe(200);
    expect((await b.me(access)).status).toBe(200); // now a cache hit on B: no store read for up to 30 s
    const sid = (me.body.claims as { sid: string }).sid;
    await a.testCall('POST', '/revoke-family', { sid });
    await eventually(async () => (await b.state()).revocations.some((r) => r?.kind === 'family' && r.id === sid), 'B to hear the revocation');
    expect((await b.me(access)).status).toBe(401);
    expect((await a.me(access)).status).toBe(401);
  });

  it('an access token revoked by jti on B is broadcast to A and refused there', async () => {
    const { access } = await login(b);
    const claims = (await a.me(access)).body.claims as { jti: string; exp: number };
    await b.testCall('POST', '/revoke-jti', { jti: claims.jti, exp: claims.exp });
    await eventually(async () => (await a.state()).revocations.some((r) => r?.kind === 'jti' && r.id === claims.jti), 'A to hear the revocation');
    expect((await a.me(access)).status).toBe(401);
  });
});

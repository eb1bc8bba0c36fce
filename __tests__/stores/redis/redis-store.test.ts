// __tests__/stores/redis/redis-store.test.ts
// RedisStore beyond the contract: TTL on every key, NOSCRIPT reload, bounded timeouts, fail-fast when down,
// recovery without a restart, onRevocation telling caches to flush when the subscription drops or returns, and the
// subscription living as long as the app's client.

import Redis from 'ioredis';
import { ConfigError, RedisStore, type Revocation } from '../../../lib';
import { REVOKE } from '../../../lib/stores/redis/redis-scripts';
import { eventually } from '../../helpers/eventually';
import { deletePrefix, describeWithRedis, redisClient, uniquePrefix } from '../../helpers/redis';
import { PrivateRedis } from '../../helpers/redis-server';

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

function record(id: string, familyId = `fam-${id}`) {
  const now = nowSeconds();
  return { id, familyId, clientId: 'c', sub: 'u', scope: ['a'], authTime: now, issuedAt: now, expiresAt: now + 600 };
}

it('refuses a client that is not an ioredis-like client', () => {
  expect(() => new RedisStore({ client: {} as never })).toThrow(/options\.client must be an ioredis or node-redis client/);
  expect(() => new RedisStore({ client: { call: () => Promise.resolve(), duplicate: () => ({}) } as never, commandTimeoutMs: 0 })).toThrow(
    /commandTimeoutMs must be a positive number/,
  );
});

it('reports wrong options as a ConfigError with a code, like passwordGrant() does', () => {
  const client = { call: () => Promise.resolve(), duplicate: () => ({}) } as never;
  const thrown = (run: () => unknown): unknown => {
    try {
      run();
    } catch (err) {
      return err;
    }
    return undefined;
  };
  for (const [options, code, message] of [
    [undefined, 'ERR_EPG_INVALID_OPTION', 'RedisStore: options must be an object { client, prefix?, commandTimeoutMs? }'],
    [{ client: {} }, 'ERR_EPG_INVALID_OPTION', 'RedisStore: options.client must be an ioredis or node-redis client (call() or sendCommand(), and duplicate())'],
    [{ client, commandTimeoutMs: -1 }, 'ERR_EPG_INVALID_OPTION', 'RedisStore: options.commandTimeoutMs must be a positive number'],
    [{ client, prefix: 7 }, 'ERR_EPG_INVALID_OPTION', 'RedisStore: options.prefix must be a string'],
    [{ client, prefx: 'app:' }, 'ERR_EPG_UNKNOWN_OPTION', 'RedisStore: options.prefx is not a known option; did you mean prefix?'],
  ] as const) {
    const err = thrown(() => new RedisStore(options as never));
    expect(err).toBeInstanceOf(ConfigError);
    // Still a TypeError, as before it was a ConfigError.
    expect(err).toBeInstanceOf(TypeError);
    expect(err).toMatchObject({ code, message });
  }
});

describeWithRedis('RedisStore on the shared Redis', () => {
  const prefix = uniquePrefix('store');
  let client: Redis;

  beforeAll(() => {
    client = redisClient();
  });

  afterAll(async () => {
    await deletePrefix(client, prefix);
    await client.quit();
  });

  it("keeps a revocation mark when a second revocation names a time already past by Redis's clock", async () => {
    // RedisStore skips a past exp by the app's clock; a Redis clock ahead of the app's still hands the script an EXAT
    // in its past, which makes SET delete the key. The script itself must keep the earlier, longer mark.
    const store = new RedisStore({ client, prefix });
    await store.revokeAccessToken('jti-ahead', nowSeconds() + 3600);
    const key = `${prefix}jti:jti-ahead`;
    await client.eval(REVOKE, 1, key, 'EXAT', nowSeconds() - 5, `${prefix}revocations`, JSON.stringify({ kind: 'jti', id: 'jti-ahead' }));
    expect(await store.isAccessTokenRevoked('jti-ahead', undefined)).toBe(true);
    expect(await client.pttl(key)).toBeGreaterThan(3_500_000);
    await client.del(key);
  });

  it('gives every key it writes a TTL, so Redis expires all state by itself', async () => {
    const store = new RedisStore({ client, prefix });
    const first = record('r1');
    await store.saveRefreshToken(first);
    await store.rotateRefreshToken(first.id, record('r2', first.familyId), nowSeconds());
    await store.revokeFamily('fam-x', 60);
    await store.revokeAccessToken('jti-x', nowSeconds() + 60);
    await store.hit('ctr-x', 60);
    await store.claimOnce('once-x', 60);
    await store.put('kv-x', 'v', 60);
    const keys = await client.keys(`${prefix}*`);
    expect(keys.sort()).toEqual(['fam:fam-x', 'jti:jti-x', 'ctr:ctr-x', 'once:once-x', 'kv:kv-x', 'rt:r1', 'rt:r2'].map((k) => prefix + k).sort());
    const ttls = await Promise.all(keys.map((k) => client.ttl(k)));
    expect(ttls.every((ttl) => ttl > 0 && ttl <= 600)).toBe(true);
  });

  it('keeps apps with different prefixes apart', async () => {
    const a = new RedisStore({ client, prefix: `${prefix}a:` });
    const b = new RedisStore({ client, prefix: `${prefix}b:` });
    await a.saveRefreshToken(record('shared-id'));
    expect(await b.findRefreshToken('shared-id')).toBeUndefined();
    expect(await a.claimOnce('k', 60)).toBe(true);
    expect(await b.claimOnce('k', 60)).toBe(true);
  });

  it('closes its pub/sub connection when the app ends its client, and opens it again when the client is back', async () => {
    // Were the duplicate left open, a process that quits the only client it created would never exit.
    const own = redisClient();
    const store = new RedisStore({ client: own, prefix: `${prefix}follow:` });
    const seen: Array<Revocation | undefined> = [];
    store.onRevocation((r) => seen.push(r));
    const subscribers = async (): Promise<number> => Number((await client.pubsub('NUMSUB', `${prefix}follow:revocations`))[1]);
    await eventually(async () => (await subscribers()) === 1, 'the subscription');
    own.disconnect();
    await eventually(async () => (await subscribers()) === 0, 'the subscription to close with the client');
    await own.connect();
    await eventually(async () => {
      await store.revokeFamily('fam-back', 60);
      return seen.some((r) => r?.kind === 'family' && r.id === 'fam-back');
    }, 'delivery once the client is back');
    await store.close();
    await own.quit();
    await eventually(async () => (await subscribers()) === 0, 'close() to end the subscription');
  });
});

describeWithRedis('RedisStore when its Redis fails (a private redis-server)', () => {
  let server: PrivateRedis;
  let client: Redis;
  let store: RedisStore;

  beforeAll(async () => {
    server = await PrivateRedis.launch();
    client = new Redis(server.url);
    client.on('error', () => undefined);
    store = new RedisStore({ client, prefix: uniquePrefix('fault'), commandTimeoutMs: 1000 });
  });

  afterAll(async () => {
    await store.close();
    client.disconnect();
    await server.stop();
  });

  it('loads its scripts again after Redis forgot them (NOSCRIPT)', async () => {
    await store.saveRefreshToken(record('ns1'));
    await client.script('FLUSH');
    const result = await store.rotateRefreshToken('ns1', record('ns2', 'fam-ns1'), nowSeconds());
    expect(result.outcome).toBe('rotated');
    await client.script('FLUSH');
    expect((await store.hit('ns-counter', 60)).count).toBe(1);
    expect(await store.findRefreshToken('ns2')).toMatchObject({ id: 'ns2' });
  });

  it('rejects with a timeout when Redis hangs, then works again when it answers', async () => {
    server.pause();
    try {
      await expect(store.findRefreshToken('x')).rejects.toThrow(/redis find timed out after 1000 ms/);
      await expect(store.claimOnce('hang', 60)).rejects.toThrow(/redis SET timed out after 1000 ms/);
    } finally {
      server.resume();
    }
    await eventually(async () => (await store.claimOnce(`after-${Date.now()}`, 60).catch(() => false)) === true, 'recovery');
  });

  it('refuses at once while disconnected, and recovers with the same client when Redis is back', async () => {
    await store.put('before', 'kept?', 600);
    await server.kill();
    await eventually(() => client.status !== 'ready', 'the client to notice');
    await expect(store.take('before')).rejects.toThrow(/redis GETDEL (refused: connection is|timed out)/);
    await server.start();
    await eventually(() => client.status === 'ready', 'the client to reconnect');
    expect(await store.claimOnce('after-restart', 60)).toBe(true);
  });

  it('tells revocation listeners to flush when the subscription drops and when it returns, then delivers again', async () => {
    const seen: Array<Revocation | undefined> = [];
    store.onRevocation((r) => seen.push(r));
    await eventually(async () => {
      await store.revokeAccessToken(`probe-${seen.length}`, nowSeconds() + 60);
      return seen.some((r) => r?.kind === 'jti');
    }, 'the subscription');
    const before = seen.length;
    await server.kill();
    await eventually(() => seen.slice(before).includes(undefined), 'a flush on disconnect');
    const afterDrop = seen.length;
    await server.start();
    await eventually(() => seen.slice(afterDrop).includes(undefined), 'a flush on reconnect');
    await eventually(async () => {
      await store.revokeFamily('fam-after', 60).catch(() => undefined);
      return seen.some((r) => r?.kind === 'family' && r.id === 'fam-after');
    }, 'delivery after reconnect');
  });
});

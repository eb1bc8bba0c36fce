// __tests__/stores/postgres/postgres-faults.test.ts
// PostgreSQL unreachable under a running app process: the shared server is never stopped; the app reaches it through
// a TCP proxy the test owns, which it cuts (connections reset, port closed) or black-holes (connects and queries
// hang), then restores. Each outage gives 503 temporarily_unavailable within 2 s, and the app recovers by itself.

import path from 'node:path';
import { Instance, type Reply } from '../redis/instances';
import { eventually } from '../../helpers/eventually';
import { DATABASE_URL, describeWithPostgres, dropSchema, migratedStore, uniqueSchema } from '../../helpers/postgres';
import { TcpProxy } from '../../helpers/tcp-proxy';

const FIXTURE = path.join(__dirname, 'fixtures', 'instance.js');

/** The exact 503 the endpoint owes a client when the store fails: RFC 6749 §5.2 JSON, no internals. */
function expectUnavailable(res: Reply): void {
  expect(res.status).toBe(503);
  expect(res.body).toEqual({ error: 'temporarily_unavailable', error_description: 'The service is temporarily unavailable; try again shortly' });
  expect(res.headers.get('retry-after')).toBe('1');
}

/** A login with a 2-second deadline: the bound for answering while the database is unreachable. */
async function loginWithin2s(on: Instance): Promise<Reply> {
  const res = await fetch(`${on.url}/oauth2/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'password', username: 'alice', password: 'correct horse', client_id: 'cli', scope: 'orders' }).toString(),
    signal: AbortSignal.timeout(2000),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
}

/** Outages and restarts take a while on a loaded box. */
const SLOW = { timeoutMs: 20_000, intervalMs: 100 };

describeWithPostgres('PostgreSQL unreachable (a proxy the test owns, one app process)', () => {
  const schema = uniqueSchema('faults');
  const target = { host: '127.0.0.1', port: Number(new URL(DATABASE_URL ?? 'postgres://x:5432/').port || 5432) };
  let proxy: TcpProxy;
  let app: Instance;

  beforeAll(async () => {
    const { done } = await migratedStore(schema);
    await done();
    proxy = new TcpProxy(target);
    await proxy.start();
    const url = new URL(DATABASE_URL as string);
    url.port = String(proxy.port);
    app = await Instance.start('A', { DATABASE_URL: url.toString(), SCHEMA: schema }, FIXTURE);
  }, 60_000);

  afterAll(async () => {
    await app?.stop();
    await proxy?.stop();
    await dropSchema(schema);
  });

  for (const outage of ['cut', 'blackHole'] as const) {
    it(`${outage === 'cut' ? 'connections reset, port closed' : 'black hole (nothing answers)'}: 503 within 2 s, error events, recovery without restart`, async () => {
      const before = await app.login();
      expect(before.status).toBe(200);
      const errorsBefore = (await app.state()).errors;

      await proxy[outage]();
      expectUnavailable(await loginWithin2s(app));
      expectUnavailable(await loginWithin2s(app));
      expectUnavailable(await app.refresh(before.body.refresh_token as string));
      const state = await app.state();
      expect(state.errors).toBeGreaterThanOrEqual(errorsBefore + 3);
      expect(state.errorMessages.join(' ')).not.toMatch(/correct horse/);

      await proxy.restore();
      await eventually(async () => (await app.login()).status === 200, 'the app to serve logins again', SLOW);
      const refreshed = await app.refresh(before.body.refresh_token as string);
      expect(refreshed.status).toBe(200);
      // The LISTEN connection came back too: the cache was flushed (null) while it was down.
      expect((await app.state()).revocations).toContain(null);
    }, 60_000);
  }
});

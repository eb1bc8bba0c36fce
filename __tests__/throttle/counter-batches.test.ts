// __tests__/throttle/counter-batches.test.ts
// The throttle reserves and settles a login in one batch call each when the store implements CounterBatchStore,
// and by single-key calls when it does not (a third-party store): the same verdicts either way.

import request from 'supertest';
import { MemoryStore, type CappedHitRequest, type CounterBatch, type CounterChange, type TokenStore } from '../../lib';
import { STORE_CONCERNS, TOKEN_STORE_CONCERNS } from '../../lib/stores/shared/concerns';
import { createServer, form, type TestServer } from '../helpers/server';

/** A MemoryStore that counts the calls the throttle makes, batches and single-key calls apart. */
class CountingStore extends MemoryStore {
  readonly calls: string[] = [];

  override hitBelowMany(hits: readonly CappedHitRequest[], peeks: readonly string[]): Promise<CounterBatch> {
    this.calls.push('hitBelowMany');
    return super.hitBelowMany(hits, peeks);
  }

  override changeMany(changes: readonly CounterChange[]): Promise<void> {
    this.calls.push('changeMany');
    return super.changeMany(changes);
  }

  override hitBelow(key: string, max: number, windowSeconds: number) {
    this.calls.push('hitBelow');
    return super.hitBelow(key, max, windowSeconds);
  }

  override release(key: string) {
    this.calls.push('release');
    return super.release(key);
  }
}

/** The same store seen as a TokenStore of the four concerns only, as a third-party store without batches is. */
function withoutBatches(store: CountingStore): TokenStore {
  const view: Record<string, unknown> = {};
  for (const concern of TOKEN_STORE_CONCERNS) {
    for (const name of STORE_CONCERNS[concern]) view[name] = (store as unknown as Record<string, (...args: unknown[]) => unknown>)[name].bind(store);
  }
  return view as unknown as TokenStore;
}

const login = (s: TestServer, password: string) =>
  request(s.app)
    .post('/oauth2/token')
    .set('X-Forwarded-For', '198.51.100.23')
    .type('form')
    .send(form({ grant_type: 'password', client_id: 'cli', username: 'bob', password }));

it('a store with CounterBatchStore gets one hitBelowMany before the check and one changeMany after it', async () => {
  const store = new CountingStore();
  const s = await createServer({ store });
  s.app.set('trust proxy', true);
  expect((await login(s, 'hunter2')).status).toBe(200);
  // MemoryStore makes its batches of its own single-key calls; what counts here is what the throttle asked for.
  expect(store.calls.filter((c) => c.endsWith('Many'))).toEqual(['hitBelowMany', 'changeMany']);
});

it('a store without it is throttled by single-key calls, to the same verdicts: 5 failures lock the place', async () => {
  const store = new CountingStore();
  const s = await createServer({ store: withoutBatches(store) });
  s.app.set('trust proxy', true);
  expect((await login(s, 'hunter2')).status).toBe(200);
  expect(store.calls.filter((c) => c.endsWith('Many'))).toEqual([]);
  // The three buckets and the typed spelling's tally at the place, reserved and given back.
  expect(store.calls.filter((c) => c === 'hitBelow')).toHaveLength(4);
  expect(store.calls.filter((c) => c === 'release')).toHaveLength(4);
  for (let i = 0; i < 5; i++) expect((await login(s, 'wrong')).status).toBe(400);
  const refused = await login(s, 'hunter2');
  expect(refused.status).toBe(429);
  expect(refused.body.error).toBe('slow_down');
});

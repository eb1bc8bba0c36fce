// __tests__/stores/memory/memory-sessions-race.test.ts
// The session races found in PostgresStore (review, 2026-12-07), on MemoryStore: parallel logins of one user at the
// per-user cap, and endSession racing the rotations of the same session. Each call is synchronous, so these guard
// the outcome (the cap, nothing of an ended session left) more than any interleaving.

import { MemoryStore } from '../../../lib';
import { capRace, endRace, type RaceTarget } from '../../helpers/session-races';
import { memoryContents } from '../../helpers/store-contents';

describe('MemoryStore: session races (the PostgresStore review of 2026-12-07, in memory)', () => {
  const stores: MemoryStore[] = [];
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
  });

  function target(): RaceTarget {
    const store = new MemoryStore();
    stores.push(store);
    return {
      stores: [store],
      contents: async () => memoryContents(store),
      isToken: (line) => line.startsWith('refresh token '),
      isSession: (line) => line.startsWith('session '),
    };
  }

  it('lets a user at the cap log in 20 at a time, 400 times: all succeed, the cap holds, ended sessions keep no token', async () => {
    await capRace(target(), { maxPerUser: 100, parallel: 20, rounds: 20 });
  });

  it('ends sessions while they rotate, 200 times: no error, nothing of the family left, revoked', async () => {
    await endRace(target(), { times: 200, parallel: 10, steps: 6 });
  });
});

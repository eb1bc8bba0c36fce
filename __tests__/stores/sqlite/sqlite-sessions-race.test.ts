// __tests__/stores/sqlite/sqlite-sessions-race.test.ts
// The session races found in PostgresStore (review, 2026-12-07), on SqliteStore: parallel logins of one user at the
// per-user cap, and endSession racing the rotations of the same session; on one connection, on two connections
// (two stores) of one file, and with other processes (fixtures/sessions-worker.js, over dist/) on the same file.

import { spawn } from 'node:child_process';
import path from 'node:path';
import { SqliteStore, type RefreshTokenRecord } from '../../../lib';
import { capRace, endRace, leftOf, loginRecords, type RaceTarget } from '../../helpers/session-races';
import { sqliteContents } from '../../helpers/store-contents';
import { tempDatabase, type TestDatabase } from '../../helpers/sqlite';
import { uniqueId } from '../../../lib/testing/fixtures';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const Database = require('better-sqlite3') as new (file: string) => TestDatabase;

const WORKER = path.join(__dirname, 'fixtures', 'sessions-worker.js');

/** A worker process on `file`, started and ready; `go()` starts its job and resolves with its result. */
function startWorker<R>(file: string, job: Record<string, unknown>): Promise<{ go: () => Promise<R> }> {
  const child = spawn(process.execPath, [WORKER, file, JSON.stringify(job)], { stdio: ['pipe', 'pipe', 'inherit'] });
  let output = '';
  const result = new Promise<R>((resolve, reject) => {
    child.on('exit', (code) => {
      const match = /^RESULT (.*)$/m.exec(output);
      if (code === 0 && match) resolve(JSON.parse(match[1]) as R);
      else reject(new Error(`the sessions worker exited with ${code}: ${output}`));
    });
  });
  return new Promise((resolve, reject) => {
    result.catch(reject);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const ready = !output.includes('READY');
      output += chunk;
      if (ready && output.includes('READY')) {
        resolve({
          go: () => {
            child.stdin.write('GO\n');
            return result;
          },
        });
      }
    });
  });
}

describe('SqliteStore: session races (the PostgresStore review of 2026-12-07, on SQLite)', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** `connections` stores, each on its own connection to one fresh file (WAL, the app's 5 s busy_timeout). */
  async function target(connections: number): Promise<RaceTarget & { file: string; db: TestDatabase }> {
    const temp = tempDatabase('sessions-race');
    cleanups.push(temp.remove);
    const dbs = [temp.db];
    for (let i = 1; i < connections; i += 1) {
      const db = new Database(temp.file);
      cleanups.push(() => db.close());
      dbs.push(db);
    }
    const stores = dbs.map((database) => new SqliteStore({ database, sweepIntervalMs: 0 }));
    for (const store of stores) cleanups.push(() => store.close());
    await stores[0].migrate();
    return {
      file: temp.file,
      db: temp.db,
      stores,
      contents: async () => sqliteContents(temp.db),
      isToken: (line) => line.startsWith('refresh_tokens: '),
      isSession: (line) => line.startsWith('sessions: '),
    };
  }

  it.each([1, 2])(
    'lets a user at the cap log in 10 at a time, 300 times, on %p connection(s): all succeed, the cap holds, ended sessions keep no token',
    async (connections) => {
      await capRace(await target(connections), { maxPerUser: 100, parallel: 10, rounds: 30 });
    },
  );

  it('lets a user at the cap log in from this process and two more at once: all succeed, the cap holds, ended sessions keep no token', async () => {
    const t = await target(1);
    type Logins = { families: string[]; failures: string[] };
    await capRace(t, {
      maxPerUser: 100,
      parallel: 10,
      rounds: 20,
      alongside: async (sub) => {
        const job = { kind: 'logins', sub, maxPerUser: 100, parallel: 10, rounds: 20 };
        const workers = await Promise.all([startWorker<Logins>(t.file, job), startWorker<Logins>(t.file, job)]);
        return async () => {
          const results = await Promise.all(workers.map((worker) => worker.go()));
          expect(results.flatMap((result) => result.failures)).toEqual([]);
          return results.flatMap((result) => result.families);
        };
      },
    });
  });

  it.each([1, 2])('ends sessions while they rotate, 200 times, on %p connection(s): no error, nothing of the family left, revoked', async (connections) => {
    await endRace(await target(connections), { times: 200, parallel: 10, steps: 6 });
  });

  it('ends sessions while another process rotates them: no error, nothing of the family left, revoked', async () => {
    const t = await target(1);
    const [store] = t.stores;
    const sub = uniqueId('user');
    const logins = Array.from({ length: 100 }, () => loginRecords(sub));
    for (const { session, token } of logins) await store.saveSession(session, { refreshToken: token, maxPerUser: 1000 });
    type Rotations = { chains: Array<{ ids: string[]; rotated: number }>; failures: string[] };
    const firsts: RefreshTokenRecord[] = logins.map(({ token }) => token);
    const worker = await startWorker<Rotations>(t.file, { kind: 'rotations', firsts, steps: 20, pauseMs: 1 });
    const rotating = worker.go();
    const ended: boolean[] = [];
    for (const [i, { session, token }] of logins.entries()) {
      // Each end lands amid the worker's chain of that session: once it has rotated at least once (or after 5 s),
      // then 0 to 7 ms later (the worker pauses 1 ms between its rotations).
      const deadline = Date.now() + 5000;
      while ((await store.findSession(session.id))?.refreshTokenId === token.id && Date.now() < deadline) {
        await new Promise((resolve) => setImmediate(resolve));
      }
      await new Promise((resolve) => setTimeout(resolve, i % 8));
      ended.push(await store.endSession(session.id));
    }
    const { chains, failures } = await rotating;
    expect(failures).toEqual([]);
    expect(ended.every(Boolean)).toBe(true);
    const { stored, orphanTokens } = await leftOf(
      t,
      logins.map(({ session }) => session.id),
    );
    expect(stored).toEqual([]);
    expect(orphanTokens).toEqual([]);
    for (const id of chains.flatMap((chain) => chain.ids)) expect(await store.findRefreshToken(id)).toBeUndefined();
    for (const { session } of logins) expect(await store.isAccessTokenRevoked(uniqueId('jti'), session.id)).toBe(true);
  });
});

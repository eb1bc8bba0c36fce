// __tests__/helpers/sqlite.ts
// better-sqlite3 for tests, typed by the library's own structural interface (no @types/better-sqlite3 here either).

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SqliteDatabaseLike } from '../../lib';

export interface TestDatabase extends SqliteDatabaseLike {
  pragma(source: string, options?: { simple?: boolean }): unknown;
  close(): void;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const Database = require('better-sqlite3') as new (file: string) => TestDatabase;

/** A fresh database file in WAL mode, as the docs advise, and how to delete it afterwards. */
export function tempDatabase(label: string): { db: TestDatabase; file: string; remove: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `epg-sqlite-${label}-`));
  const file = path.join(dir, 'auth.db');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  return {
    db,
    file,
    remove: () => {
      db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A second process holding the write lock of a database file (as another writer would), until `release()`. */
export interface LockHolder {
  /** Commits the holder's write and resolves once the lock is free (the process has exited); idempotent. */
  release(): Promise<void>;
}

/** Starts a process that opens `file`, begins an IMMEDIATE transaction and writes; resolves once it holds the lock. */
export function holdWriteLock(file: string): Promise<LockHolder> {
  const child = spawn(process.execPath, [path.join(__dirname, 'fixtures', 'hold-sqlite-lock.js'), file], {
    cwd: path.join(__dirname, '..', '..'),
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve, reject) => {
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`the lock holder exited with ${code}`))));
  });
  let output = '';
  return new Promise((resolve, reject) => {
    exited.catch(reject);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      if (!output.includes('LOCKED')) return;
      let released: Promise<void> | undefined;
      resolve({
        release: () => {
          released ??= (child.stdin.write('RELEASE\n'), exited);
          return released;
        },
      });
    });
  });
}

/** Resolves with the name of the next method called on `store` (its methods are wrapped on the instance until then). */
export function nextStoreCall(store: object): Promise<string> {
  const methods = store as Record<string, unknown>;
  const names = Object.getOwnPropertyNames(Object.getPrototypeOf(store)).filter((name) => name !== 'constructor' && typeof methods[name] === 'function');
  return new Promise((resolve) => {
    for (const name of names) {
      const original = methods[name] as (...args: unknown[]) => unknown;
      methods[name] = function (this: unknown, ...args: unknown[]) {
        for (const wrapped of names) delete methods[wrapped];
        resolve(name);
        return original.apply(this, args);
      };
    }
  });
}

/** What happened while a request waited in a store for a lock: the other route's answer, and whether it came first. */
export interface WhileLocked<R> {
  readonly otherStatus: number;
  /** The waiting request had not settled yet when the other route answered: the event loop was free. */
  readonly otherFirst: boolean;
  /** The waiting request's own response, once `holder` released the lock. */
  readonly waited: R;
}

/** Sends `waiting`; once it reaches `store` (locked by `holder`), sends `other`; then releases the lock. */
export async function whileLocked<R>(
  store: object,
  holder: LockHolder,
  waiting: () => PromiseLike<R>,
  other: () => PromiseLike<{ readonly status: number }>,
): Promise<WhileLocked<R>> {
  const reached = nextStoreCall(store);
  let settled = false;
  const pending = Promise.resolve(waiting()).then((res) => {
    settled = true;
    return res;
  });
  await reached;
  const otherStatus = (await other()).status;
  const otherFirst = !settled;
  await holder.release();
  return { otherStatus, otherFirst, waited: await pending };
}

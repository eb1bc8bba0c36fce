// __tests__/helpers/sqlite.ts
// better-sqlite3 for tests, typed by the library's own structural interface (no @types/better-sqlite3 here either).

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

// __tests__/stores/shared/sql-typings.test.ts
// The SQL stores' public types accept the drivers' own objects as their typings declare them: a pg.Pool (@types/pg)
// and a better-sqlite3 Database (declared here as @types/better-sqlite3 7.x declares it), compiled against dist/.

import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.join(__dirname, '..', '..', '..');

/** The parts of @types/better-sqlite3 (7.6) that matter: `transaction` returns a callable Transaction<F>, not F. */
const BETTER_SQLITE3_TYPES = `
declare module 'better-sqlite3' {
  type VariableArgFunction = (...params: any[]) => unknown;
  type ArgumentTypes<F extends Function> = F extends (...args: infer A) => unknown ? A : never;
  interface RunResult { changes: number; lastInsertRowid: number | bigint }
  interface Statement<BindParameters extends unknown[] = unknown[]> {
    run(...params: BindParameters): RunResult;
    get(...params: BindParameters): unknown;
    all(...params: BindParameters): unknown[];
  }
  interface Transaction<F extends VariableArgFunction> {
    (...params: ArgumentTypes<F>): ReturnType<F>;
    default(...params: ArgumentTypes<F>): ReturnType<F>;
    deferred(...params: ArgumentTypes<F>): ReturnType<F>;
    immediate(...params: ArgumentTypes<F>): ReturnType<F>;
    exclusive(...params: ArgumentTypes<F>): ReturnType<F>;
  }
  interface Database {
    prepare<BindParameters extends unknown[] | {} = unknown[]>(source: string): Statement<BindParameters extends unknown[] ? BindParameters : [BindParameters]>;
    transaction<F extends VariableArgFunction>(fn: F): Transaction<F>;
    exec(source: string): this;
    pragma(source: string, options?: { simple?: boolean }): unknown;
    close(): this;
  }
  const Database: new (filename?: string) => Database;
  export = Database;
}
`;

const CONSUMER = `
import { Pool } from 'pg';
import Database from 'better-sqlite3';
import { PostgresStore, SqliteStore, type TokenStore } from 'express-password-grant';

const pool = new Pool({ connectionString: 'postgres://localhost/db', connectionTimeoutMillis: 1000 });
const db = new Database('auth.db');
export const stores: TokenStore[] = [new PostgresStore({ pool, schema: 'auth' }), new SqliteStore({ database: db })];
`;

it('accepts a pg.Pool and a better-sqlite3 Database as their typings declare them (strict tsc)', async () => {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'index.d.ts'))) throw new Error('dist/ is missing: run `npm run build` first');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'epg-sql-typings-'));
  try {
    fs.writeFileSync(path.join(dir, 'better-sqlite3.d.ts'), BETTER_SQLITE3_TYPES);
    fs.writeFileSync(path.join(dir, 'consumer.ts'), CONSUMER);
    fs.writeFileSync(
      path.join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          target: 'ES2022',
          module: 'commonjs',
          moduleResolution: 'node',
          esModuleInterop: true,
          skipLibCheck: true,
          types: ['node'],
          typeRoots: [path.join(ROOT, 'node_modules', '@types')],
          baseUrl: ROOT,
          paths: { 'express-password-grant': ['dist/index.d.ts'], pg: ['node_modules/@types/pg'] },
        },
        files: ['better-sqlite3.d.ts', 'consumer.ts'],
      }),
    );
    const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const output = await new Promise<string>((resolve) => {
      execFile(process.execPath, [tsc, '-p', path.join(dir, 'tsconfig.json')], { cwd: dir }, (err, stdout, stderr) => resolve(err ? `${stdout}${stderr}` : ''));
    });
    expect(output).toBe('');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 90_000);

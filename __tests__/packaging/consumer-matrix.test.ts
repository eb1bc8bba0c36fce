// __tests__/packaging/consumer-matrix.test.ts
// Every public structural ("Like") type accepts the real driver object as the driver's own typings declare it: pg,
// better-sqlite3, ioredis, node-redis, passport-local, in a fresh CommonJS and a fresh ESM project under `tsc --init`.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { consumerProject, packTarball } from '../helpers/consumer-project';

/** What the consumer installs: each driver with its typings (the driver's own, or @types/ where it has none). */
const PACKAGES = [
  'express',
  '@types/express',
  'typescript',
  'pg',
  '@types/pg',
  'better-sqlite3',
  '@types/better-sqlite3',
  'ioredis',
  'redis',
  'passport-local',
  '@types/passport-local',
];

// One store per driver and the passport-local Strategy as verifyUser; the same code in both module systems.
const BODY = `
export async function stores(): Promise<TokenStore[]> {
  return [
    new PostgresStore({ pool: new Pool({ connectionString: 'postgres://localhost/app' }), schema: 'auth' }),
    new SqliteStore({ database: new Database(':memory:') }),
    new RedisStore({ client: new Redis(), prefix: 'app:auth:' }),
    new RedisStore({ client: new Redis.Cluster([{ host: '127.0.0.1', port: 7000 }]), prefix: '{app}:auth:' }),
    new RedisStore({ client: createClient() }),
    new RedisStore({ client: await createClient({ url: 'redis://localhost:6379' }).connect() }),
  ];
}

export const auth = passwordGrant({
  issuer: 'https://auth.example.com',
  signingKeys: { kid: 'k1', alg: 'HS256', key: 'x'.repeat(32) },
  findClient: (id) => (id === 'web' ? { id: 'web', grants: ['password'] } : null),
  verifyUser: new LocalStrategy((username, password, done) => done(null, username === 'a' && password === 'b' ? { id: 'a' } : false)),
});
`;

// ESM: import syntax. CommonJS under verbatimModuleSyntax: \`import x = require()\` and \`export =\`, as TypeScript requires.
const ESM = `import { Pool } from 'pg';
import Database from 'better-sqlite3';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { Strategy as LocalStrategy } from 'passport-local';
import { passwordGrant, PostgresStore, SqliteStore, RedisStore, type TokenStore } from 'express-password-grant';
${BODY}`;

const CJS = `import pg = require('pg');
import Database = require('better-sqlite3');
import ioredis = require('ioredis');
import nodeRedis = require('redis');
import passportLocal = require('passport-local');
import epg = require('express-password-grant');
import type { TokenStore } from 'express-password-grant';

const { Pool } = pg;
const { Redis } = ioredis;
const { createClient } = nodeRedis;
const LocalStrategy = passportLocal.Strategy;
const { passwordGrant, PostgresStore, SqliteStore, RedisStore } = epg;
${BODY.replace(/^export (async function|const) (\w+)/gm, '$1 $2')}
export = { stores, auth };
`;

let work: string;
let tarball: string;

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'epg-consumers-'));
  tarball = await packTarball(work);
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe.each([
  ['CommonJS', 'commonjs', CJS],
  ['ESM', 'module', ESM],
] as const)('a fresh %s project (tsc --init of TypeScript 5.9, skipLibCheck off)', (_name, type, code) => {
  it('type-checks PostgresStore, SqliteStore and RedisStore over the real clients, and passport-local as verifyUser', async () => {
    const project = await consumerProject(path.join(work, type), {
      type,
      tarball,
      packages: PACKAGES,
      compilerOptions: { skipLibCheck: false, noEmit: true },
      extras: path.join(work, 'extras'),
    });
    project.write({ 'stores.ts': code });
    await project.tsc();
  }, 180_000); // a full tsc run with lib checking, on a shared 2-core machine
});

// example-app/db.js
// The app's own SQLite database (better-sqlite3): users with bcrypt hashes, OAuth clients, orders; seeded once.

const fs = require('node:fs');
const path = require('node:path');
const bcrypt = require('bcrypt');
const Database = require('better-sqlite3');
const { DEMO_CLIENTS, DEMO_ORDERS, DEMO_USERS } = require('./seed');

/** bcrypt cost of new password hashes. Tests pass 4 to stay fast; 10 is the usual production floor. */
const DEFAULT_BCRYPT_COST = 10;

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS users (
    id            INTEGER PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT NOT NULL,
    name          TEXT,
    scopes        TEXT,              -- space-separated scopes the user may grant; NULL = no limit
    created_at    TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
  );
  CREATE TABLE IF NOT EXISTS clients (
    id             TEXT PRIMARY KEY,
    secret_hash    TEXT,             -- NULL = public client (token endpoint auth method "none")
    grants         TEXT NOT NULL,    -- JSON array
    scopes         TEXT NOT NULL,    -- JSON array
    default_scopes TEXT              -- JSON array
  );
  CREATE TABLE IF NOT EXISTS orders (
    id      INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    item    TEXT NOT NULL,
    total   REAL NOT NULL
  );
  CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

/** The data directory: the `dataDir` given, else $DATA_DIR, else example-app/data (gitignored). */
function resolveDataDir(dataDir) {
  return path.resolve(dataDir || process.env.DATA_DIR || path.join(__dirname, 'data'));
}

/**
 * Opens (creating and seeding on first run) the database in `dataDir`.
 * @param {string} dataDir
 * @param {{ log?: (line: string) => void, bcryptCost?: number }} [options]
 */
function openDatabase(dataDir, options = {}) {
  const log = options.log || console.log;
  const bcryptCost = options.bcryptCost || DEFAULT_BCRYPT_COST;
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const sqlite = new Database(path.join(dataDir, 'example.sqlite'), { timeout: 5000 });
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.exec(SCHEMA);

  const q = {
    userByEmail: sqlite.prepare('SELECT * FROM users WHERE email = ?'),
    userById: sqlite.prepare('SELECT * FROM users WHERE id = ?'),
    insertUser: sqlite.prepare('INSERT INTO users (email, password_hash, name, scopes) VALUES (?, ?, ?, ?)'),
    client: sqlite.prepare('SELECT * FROM clients WHERE id = ?'),
    insertClient: sqlite.prepare('INSERT INTO clients (id, secret_hash, grants, scopes, default_scopes) VALUES (?, ?, ?, ?, ?)'),
    orders: sqlite.prepare('SELECT id, item, total FROM orders WHERE user_id = ? ORDER BY id'),
    insertOrder: sqlite.prepare('INSERT INTO orders (user_id, item, total) VALUES (?, ?, ?)'),
    seeded: sqlite.prepare("SELECT value FROM meta WHERE key = 'seeded'"),
    markSeeded: sqlite.prepare("INSERT INTO meta (key, value) VALUES ('seeded', ?)"),
  };

  const db = {
    sqlite,

    /** The user row for an email (case-insensitive), or undefined. */
    findUserByEmail: (email) => q.userByEmail.get(String(email)),

    findUserById: (id) => q.userById.get(Number(id)),

    /** Adds a user with a bcrypt hash of `password`; throws on a bad email, a short password or a duplicate. */
    addUser({ email, password, name, scopes }) {
      if (typeof email !== 'string' || !/^[^\s@]+@[^\s@]+$/.test(email)) throw new Error('email must look like name@domain');
      if (typeof password !== 'string' || password.length < 8) throw new Error('password must have at least 8 characters');
      if (q.userByEmail.get(email)) throw new Error(`a user with email ${email} already exists`);
      const hash = bcrypt.hashSync(password, bcryptCost);
      const { lastInsertRowid } = q.insertUser.run(email, hash, name || null, scopes || null);
      return q.userById.get(lastInsertRowid);
    },

    /** The Client object the library's `findClient` wants, or null. */
    findClient(id) {
      const row = q.client.get(String(id));
      if (!row) return null;
      return {
        id: row.id,
        ...(row.secret_hash ? { secretHash: row.secret_hash } : {}),
        grants: JSON.parse(row.grants),
        scopes: JSON.parse(row.scopes),
        ...(row.default_scopes ? { defaultScopes: JSON.parse(row.default_scopes) } : {}),
      };
    },

    ordersFor: (userId) => q.orders.all(Number(userId)),

    close: () => sqlite.close(),
  };

  // First run: seed in one IMMEDIATE transaction, so a server and add-user started together seed once.
  const seed = sqlite.transaction(() => {
    if (q.seeded.get()) return false;
    for (const u of DEMO_USERS) q.insertUser.run(u.email, bcrypt.hashSync(u.password, bcryptCost), u.name, u.scopes);
    for (const c of DEMO_CLIENTS) {
      // bcrypt, the same format the library's hashSecret() produces; only the hash is stored.
      const secretHash = c.secret ? bcrypt.hashSync(c.secret, bcryptCost) : null;
      const defaults = c.defaultScopes ? JSON.stringify(c.defaultScopes) : null;
      q.insertClient.run(c.id, secretHash, JSON.stringify(c.grants), JSON.stringify(c.scopes), defaults);
    }
    for (const o of DEMO_ORDERS) q.insertOrder.run(q.userByEmail.get(o.email).id, o.item, o.total);
    q.markSeeded.run(new Date().toISOString());
    return true;
  });
  if (seed.immediate()) printSeed(log, dataDir);
  return db;
}

function printSeed(log, dataDir) {
  log(`Seeded a new database in ${dataDir} with demo credentials (for local use only):`);
  for (const u of DEMO_USERS) {
    log(`  user   ${u.email} / ${u.password}${u.scopes ? `   (may grant only: ${u.scopes})` : ''}`);
  }
  for (const c of DEMO_CLIENTS) {
    log(`  client ${c.id}${c.secret ? ` / ${c.secret}   (confidential)` : '   (public, no secret)'}`);
  }
}

module.exports = { openDatabase, resolveDataDir, DEFAULT_BCRYPT_COST };

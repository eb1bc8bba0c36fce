// bench/servers/pg-ceiling.js
// The ceilings again, with PostgreSQL as the durable store (DATABASE_URL): the least any server that keeps its refresh
// tokens in PostgreSQL must do, on the same machine as ours. POST /token does one async bcrypt.compare at cost 10 and
// one INSERT of the issued refresh token; POST /refresh consumes the presented token and stores a fresh one in ONE
// statement (a data-modifying CTE: no find before, no check between), then signs one RS256 access token. Named
// prepared statements and pg's default pool of 10, as PostgresStore uses them. No throttle, no session, no family: a
// floor, not a product. Its table lives in a schema of its own, dropped on SIGTERM.

// @ts-check
'use strict';

const { randomBytes } = require('node:crypto');
const express = require('express');
const bcrypt = require('bcrypt');
const { Pool } = require('pg');
const { PASSWORD, passwordHash, announce, ceilingRefreshBody } = require('../fixtures');

async function main() {
  const pool = new Pool({ connectionString: process.env.DATABASE_URL || 'postgres://root@127.0.0.1:5432/test' });
  pool.on('error', () => undefined);
  const schema = `epg_bench_ceiling_${process.pid}`;
  await pool.query(`CREATE SCHEMA "${schema}"`);
  await pool.query(`CREATE TABLE "${schema}".refresh (id text PRIMARY KEY, sub text NOT NULL, client_id text NOT NULL, expires_at bigint NOT NULL)`);
  const insert = { name: 'ceiling-insert', text: `INSERT INTO "${schema}".refresh (id, sub, client_id, expires_at) VALUES ($1, $2, $3, $4)` };
  const rotate = {
    name: 'ceiling-rotate',
    text: `WITH old AS (DELETE FROM "${schema}".refresh WHERE id = $1 AND expires_at > $3 RETURNING sub, client_id)
      INSERT INTO "${schema}".refresh (id, sub, client_id, expires_at) SELECT $2, sub, client_id, $3 + 1209600 FROM old
      RETURNING sub, client_id`,
  };
  const hash = await passwordHash();
  const refreshBody = ceilingRefreshBody();
  const fixed = { access_token: 'x'.repeat(600), token_type: 'Bearer', expires_in: 3600 };
  const now = () => Math.floor(Date.now() / 1000);
  const fresh = () => randomBytes(32).toString('base64url');
  const app = express();
  app.post('/token', (_req, res, next) => {
    bcrypt
      .compare(PASSWORD, hash)
      .then(async (ok) => {
        if (!ok) return res.status(400).json({ error: 'invalid_grant' });
        const refreshToken = fresh();
        await pool.query({ ...insert, values: [refreshToken, 'u-alice', 'cli', now() + 1209600] });
        return res.json({ ...fixed, refresh_token: refreshToken });
      })
      .catch(next);
  });
  app.post('/refresh', express.urlencoded({ extended: false }), (req, res, next) => {
    if (req.body.grant_type !== 'refresh_token' || typeof req.body.refresh_token !== 'string') return res.status(400).json({ error: 'invalid_grant' });
    const refreshToken = fresh();
    const issuedAt = now();
    pool.query({ ...rotate, values: [req.body.refresh_token, refreshToken, issuedAt] }).then((result) => {
      const record = result.rows[0];
      if (record === undefined) return res.status(400).json({ error: 'invalid_grant' });
      return res.json(refreshBody(record.sub, record.client_id, refreshToken, issuedAt));
    }, next);
  });
  // Seeds n chains for the bench, as the Map ceiling does.
  app.get('/bench/seed-refresh', (req, res, next) => {
    const tokens = Array.from({ length: Number(req.query.n) || 1 }, fresh);
    Promise.all(tokens.map((t) => pool.query({ ...insert, values: [t, 'u-alice', 'cli', now() + 1209600] }))).then(() => res.json(tokens), next);
  });
  announce(app, async () => {
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  });
}

main();

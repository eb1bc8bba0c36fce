// bench/servers/ceiling.js
// The ceilings: POST /token does one async bcrypt.compare at cost 10 and returns fixed JSON; GET /api/me is bare
// Express; POST /refresh rotates an opaque refresh token in a Map and signs one RS256 access token with a KeyObject.

// @ts-check
'use strict';

const { randomBytes } = require('node:crypto');
const express = require('express');
const bcrypt = require('bcrypt');
const { PASSWORD, passwordHash, announce, ceilingRefreshBody } = require('../fixtures');

async function main() {
  const hash = await passwordHash();
  const refreshBody = ceilingRefreshBody();
  const refreshTokens = new Map();
  const fixed = { access_token: 'x'.repeat(600), token_type: 'Bearer', expires_in: 3600, refresh_token: 'y'.repeat(43) };
  const app = express();
  app.post('/token', (_req, res, next) => {
    bcrypt.compare(PASSWORD, hash).then((ok) => res.json(ok ? fixed : { error: 'invalid_grant' }), next);
  });
  // The least a rotating refresh grant can do: parse the form, consume the presented token, store a fresh one, sign.
  app.post('/refresh', express.urlencoded({ extended: false }), (req, res) => {
    const record = refreshTokens.get(req.body.refresh_token);
    if (req.body.grant_type !== 'refresh_token' || record === undefined) return res.status(400).json({ error: 'invalid_grant' });
    refreshTokens.delete(req.body.refresh_token);
    const refreshToken = randomBytes(32).toString('base64url');
    refreshTokens.set(refreshToken, record);
    return res.json(refreshBody(record.sub, record.clientId, refreshToken, Math.floor(Date.now() / 1000)));
  });
  // Seeds n chains for the bench (the ceiling has no password grant that issues real refresh tokens).
  app.get('/bench/seed-refresh', (req, res) => {
    const tokens = Array.from({ length: Number(req.query.n) || 1 }, () => randomBytes(32).toString('base64url'));
    for (const t of tokens) refreshTokens.set(t, { sub: 'u-alice', clientId: 'cli' });
    res.json(tokens);
  });
  app.get('/api/me', (_req, res) => {
    res.json({ sub: 'u-alice', scope: ['profile'] });
  });
  announce(app);
}

main();

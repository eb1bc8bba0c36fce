// bench/servers/ceiling.js
// The ceilings: POST /token does one async bcrypt.compare at cost 10 and returns fixed JSON; GET /api/me is bare Express.

'use strict';

const express = require('express');
const bcrypt = require('bcrypt');
const { PASSWORD, passwordHash, announce } = require('../fixtures');

async function main() {
  const hash = await passwordHash();
  const fixed = { access_token: 'x'.repeat(600), token_type: 'Bearer', expires_in: 3600, refresh_token: 'y'.repeat(43) };
  const app = express();
  app.post('/token', (req, res, next) => {
    bcrypt.compare(PASSWORD, hash).then((ok) => res.json(ok ? fixed : { error: 'invalid_grant' }), next);
  });
  app.get('/api/me', (req, res) => {
    res.json({ sub: 'u-alice', scope: ['profile'] });
  });
  announce(app);
}

main();

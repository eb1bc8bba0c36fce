// bench/servers/oauth2orize.js
// The oauth2orize peer as its README and examples wire it: passport-http Basic client auth, the password exchange
// with async bcrypt and jsonwebtoken (PEM key) tokens, the rotating refresh_token exchange (delete the presented
// token, store a fresh one, sign), passport-http-bearer + jsonwebtoken.verify on /api/me.

// @ts-check
'use strict';

const { randomBytes } = require('node:crypto');
const express = require('express');
const bcrypt = require('bcrypt');
const jwt = require('jsonwebtoken');
const oauth2orize = require('oauth2orize');
const passport = require('passport');
const { BasicStrategy } = require('passport-http');
const { Strategy: BearerStrategy } = require('passport-http-bearer');
const f = require('../fixtures');

/** @typedef {import('jsonwebtoken').JwtPayload} JwtPayload */

async function main() {
  const { privatePem, publicPem } = f.rsaPem();
  const userHash = await f.passwordHash();
  const clients = new Map([[f.CLIENT_ID, { id: f.CLIENT_ID, secret: f.CLIENT_SECRET }]]);
  const refreshTokens = new Map();

  passport.use(
    new BasicStrategy((id, secret, done) => {
      const client = clients.get(id);
      // The examples compare the stored secret in plain text.
      if (!client || client.secret !== secret) return done(null, false);
      return done(null, client);
    }),
  );
  passport.use(
    new BearerStrategy((token, done) => {
      jwt.verify(token, publicPem, { algorithms: ['RS256'], audience: f.AUDIENCE, issuer: f.ISSUER }, (err, payload) => {
        if (err) return done(null, false);
        return done(null, { id: /** @type {JwtPayload} */ (payload).sub }, { scope: /** @type {JwtPayload} */ (payload).scope });
      });
    }),
  );

  const server = oauth2orize.createServer();
  server.exchange(
    oauth2orize.exchange.password((/** @type {{ id: string }} */ client, username, password, _scope, done) => {
      if (username !== f.USERNAME && username !== f.SEED_USERNAME) return done(null, false);
      /** @type {(password: string, hash: string, cb: (err: Error | null | undefined, same: boolean) => void) => void} */
      const check = username === f.SEED_USERNAME ? (_p, _h, cb) => cb(null, true) : bcrypt.compare;
      check(password, userHash, (err, ok) => {
        if (err) return done(err);
        if (!ok) return done(null, false);
        const accessToken = jwt.sign({ sub: 'u-alice', client_id: client.id, scope: 'profile' }, privatePem, {
          algorithm: 'RS256',
          expiresIn: 3600,
          audience: f.AUDIENCE,
          issuer: f.ISSUER,
          keyid: 'k1',
        });
        const refreshToken = randomBytes(32).toString('base64url');
        refreshTokens.set(refreshToken, { clientId: client.id, sub: 'u-alice' });
        return done(null, accessToken, refreshToken, { expires_in: 3600 });
      });
    }),
  );

  // Rotation as the examples write it: the token must belong to the authenticated client; it is replaced by a new one.
  server.exchange(
    oauth2orize.exchange.refreshToken((/** @type {{ id: string }} */ client, refreshToken, _scope, done) => {
      const record = refreshTokens.get(refreshToken);
      if (!record || record.clientId !== client.id) return done(null, false);
      refreshTokens.delete(refreshToken);
      const accessToken = jwt.sign({ sub: record.sub, client_id: client.id, scope: 'profile' }, privatePem, {
        algorithm: 'RS256',
        expiresIn: 3600,
        audience: f.AUDIENCE,
        issuer: f.ISSUER,
        keyid: 'k1',
      });
      const next = randomBytes(32).toString('base64url');
      refreshTokens.set(next, record);
      return done(null, accessToken, next, { expires_in: 3600 });
    }),
  );

  const app = express();
  app.use(passport.initialize());
  app.post('/oauth2/token', express.urlencoded({ extended: false }), passport.authenticate('basic', { session: false }), server.token(), server.errorHandler());
  app.get('/api/me', passport.authenticate('bearer', { session: false }), (req, res) => {
    res.json({ sub: /** @type {{ id: string }} */ (req.user).id, scope: /** @type {{ scope: string[] }} */ (req.authInfo).scope });
  });
  f.announce(app);
}

main();

// bench/servers/passport-floor.js
// The passport floor: passport.initialize() + passport.authenticate() with a strategy that calls this.success() at
// once, on the same route as ours; the fair baseline for the `oauth2-bearer` strategy row.

// @ts-check
'use strict';

const express = require('express');
const passport = require('passport');
const { InstantStrategy } = require('./instant-strategy');
const { announce } = require('../fixtures');

passport.use(new InstantStrategy());
const app = express();
app.get('/api/orders', passport.initialize(), passport.authenticate('instant', { session: false }), (req, res) => {
  res.json({ sub: /** @type {{ id: string }} */ (req.user).id, scope: /** @type {{ scope: string[] }} */ (req.authInfo).scope });
});
announce(app);

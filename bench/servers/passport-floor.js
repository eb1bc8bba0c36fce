// bench/servers/passport-floor.js
// The passport floor: passport.initialize() + passport.authenticate() with a strategy that calls this.success() at
// once, on the same route as ours; the fair baseline for the `oauth2-bearer` strategy row.

'use strict';

const express = require('express');
const passport = require('passport');
const { Strategy } = passport; // passport re-exports passport-strategy's base class
const { announce } = require('../fixtures');

class InstantStrategy extends Strategy {
  constructor() {
    super();
    this.name = 'instant';
  }

  authenticate() {
    this.success({ id: 'u-alice' }, { scope: ['profile'] });
  }
}

passport.use(new InstantStrategy());
const app = express();
app.get('/api/orders', passport.initialize(), passport.authenticate('instant', { session: false }), (req, res) => {
  res.json({ sub: req.user.id, scope: req.authInfo.scope });
});
announce(app);

// bench/servers/instant-strategy.js
// The passport floor's strategy: passport.authenticate() with a strategy that calls this.success() at once. Served
// by its own process (passport-floor.js) and inside ours.js (GET /bench/passport-floor), so the `oauth2-bearer` row
// can be compared with a floor in another process and in the same one.

// @ts-check
'use strict';

const { Strategy } = require('passport'); // passport re-exports passport-strategy's base class

class InstantStrategy extends Strategy {
  constructor() {
    super();
    this.name = 'instant';
  }

  /** @override */
  authenticate() {
    this.success({ id: 'u-alice' }, { scope: ['profile'] });
  }
}

module.exports = { InstantStrategy };

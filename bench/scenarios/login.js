// bench/scenarios/login.js
// The password-grant logins the scenarios send: alice's (bcrypt at cost 10, measured), and the seed user's, which
// set scenarios up (access tokens, refresh-token chains) without a bcrypt each.

// @ts-check
'use strict';

const f = require('../fixtures');
const { form, post } = require('../http');

const login = { grant_type: 'password', username: f.USERNAME, password: f.PASSWORD, scope: 'profile' };
/** The same claims as alice's, minus ~50 ms of bcrypt each: never on a measured path. */
const seedLogin = { ...login, username: f.SEED_USERNAME };
/** Another user's login, as fast: the event-loop probe's, whose session alice's token load must not end. */
const probeLogin = { ...login, username: f.PROBE_USERNAME };

/**
 * n refresh tokens from n password-grant logins of the seed user (whose password check skips bcrypt).
 * @param {string} url  a token endpoint
 * @param {Record<string, string>} params  added to the login (e.g. client_id)
 * @param {Record<string, string>} [headers]
 * @returns {(n: number) => Promise<string[]>}
 */
function loginsFor(url, params, headers = {}) {
  return (n) => Promise.all(Array.from({ length: n }, () => post(url, form({ ...seedLogin, ...params }), headers).then((r) => r.refresh_token)));
}

module.exports = { login, seedLogin, probeLogin, loginsFor };

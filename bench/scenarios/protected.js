// bench/scenarios/protected.js
// The protected route's rows (GET with a bearer token): bare Express (the ceiling), ours (`requireToken()` and the
// passport strategy) over each store, the diagnostic rows inside our own process, the passport floor and the peers.

// @ts-check
'use strict';

const f = require('../fixtures');
const { basic, form, post } = require('../http');
const { sqlServers } = require('../start-servers');
const { seedLogin } = require('./login');

/**
 * @param {import('../start-servers').Servers} servers
 * @returns {Promise<import('../runner').Scenario[]>}
 */
async function protectedScenarios(servers) {
  // A server of its own: the one the token and refresh groups used holds every refresh token they issued (tens of
  // thousands, the growth rows' subject), which costs each later request GC time that a bare route does not pay.
  const s = { ...servers, ours: servers.oursProtected };
  // Access tokens from the seed user (no bcrypt): the same claims as alice's, minus ~50 ms of setup each.
  const ours = await post(`${s.ours.url}/oauth2/token`, form({ ...seedLogin, client_id: f.PUBLIC_CLIENT_ID }));
  /**
   * @param {string} url
   * @param {string} token
   */
  const get = (url, token) => ({ url, method: 'GET', headers: { authorization: `Bearer ${token}` } });
  /** @type {import('../runner').Scenario[]} */
  const list = [
    { id: 'bare', label: 'Ceiling: bare Express route', request: get(`${s.ceiling.url}/api/me`, ours.access_token) },
    {
      id: 'ours-memory',
      label: 'Ours, `requireToken()` RS256, revocation on, MemoryStore',
      target: 0.95,
      request: get(`${s.ours.url}/api/me`, ours.access_token),
    },
    {
      id: 'ours-bare',
      label: 'Diagnostic: the bare route inside our server process (GET /bench/bare, no `requireToken()`)',
      request: get(`${s.ours.url}/bench/bare`, ours.access_token),
    },
    {
      id: 'ours-middleware',
      label: 'Diagnostic: the bare route behind a middleware that only sets `req.auth`, in our server process (GET /bench/middleware)',
      request: get(`${s.ours.url}/bench/middleware`, ours.access_token),
    },
    {
      id: 'passport-floor',
      label: 'Floor: passport itself, a strategy that calls `this.success()` at once',
      request: get(`${s.passportFloor.url}/api/orders`, ours.access_token),
    },
    { id: 'ours-passport', label: 'Ours, passport strategy `oauth2-bearer`, MemoryStore', request: get(`${s.ours.url}/api/orders`, ours.access_token) },
    {
      id: 'ours-passport-floor',
      label: 'Diagnostic: the passport floor inside our server process (GET /bench/passport-floor)',
      request: get(`${s.ours.url}/bench/passport-floor`, ours.access_token),
    },
    {
      id: 'ours-nocache',
      label: 'Ours, `requireToken()` with `tokenCacheSize: 0` (every request verifies RS256)',
      request: get(
        `${s.oursNoCache.url}/api/me`,
        (await post(`${s.oursNoCache.url}/oauth2/token`, form({ ...seedLogin, client_id: f.PUBLIC_CLIENT_ID }))).access_token,
      ),
    },
  ];
  if (s.oursRedis) {
    const redisToken = await post(`${s.oursRedis.url}/oauth2/token`, form({ ...seedLogin, client_id: f.PUBLIC_CLIENT_ID }));
    list.push({
      id: 'ours-redis',
      label: 'Ours, `requireToken()` RS256, revocation on, RedisStore',
      request: get(`${s.oursRedis.url}/api/me`, redisToken.access_token),
    });
  }
  for (const [id, name, server] of sqlServers(s)) {
    const sqlToken = await post(`${server.url}/oauth2/token`, form({ ...seedLogin, client_id: f.PUBLIC_CLIENT_ID }));
    list.push({
      id,
      label: `Ours, \`requireToken()\` RS256, revocation on, ${name}`,
      target: 0.9,
      request: get(`${server.url}/api/me`, sqlToken.access_token),
    });
  }
  const o2 = await post(`${s.oauth2orize.url}/oauth2/token`, form(seedLogin), { authorization: basic(f.CLIENT_ID, f.CLIENT_SECRET) });
  list.push({ id: 'oauth2orize', label: 'passport-http-bearer + jsonwebtoken.verify (PEM)', request: get(`${s.oauth2orize.url}/api/me`, o2.access_token) });
  const no = await post(`${s.nodeOauth.url}/oauth2/token`, form(seedLogin), { authorization: basic(f.CLIENT_ID, f.CLIENT_SECRET) });
  list.push({ id: 'node-oauth', label: '@node-oauth/express-oauth-server `authenticate()`', request: get(`${s.nodeOauth.url}/api/me`, no.access_token) });
  return list;
}

module.exports = { protectedScenarios };

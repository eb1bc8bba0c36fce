// bench/scenarios/refresh.js
// The refresh grant's rows (POST grant_type=refresh_token): CHAINS rotating refresh-token chains per scenario, one per
// connection, beside a ceiling (consume an opaque token from a Map, store a fresh one, sign RS256); ours over each
// store and signing algorithm, with and without `findUser`; the peers.

// @ts-check
'use strict';

const f = require('../fixtures');
const { basic, form, getJson } = require('../http');
const { loginsFor } = require('./login');

/** @typedef {import('../runner').Scenario} Scenario */
/** @typedef {import('../runner').Server} Server */

/** Rotating refresh-token chains per scenario: one per connection. */
const CHAINS = 10;

/**
 * One rotating refresh-token chain per connection: each request takes a token from the scenario's pool and puts the
 * successor back. Before each window the pool is topped up to CHAINS by `issue(n)` (a chain whose request was in
 * flight when the last window closed is lost: its token was spent, the client never saw the successor).
 * @param {string} id
 * @param {string} label
 * @param {string} url  the token endpoint
 * @param {Record<string, string>} params  sent with each refresh (e.g. client_id)
 * @param {Record<string, string>} headers
 * @param {(n: number) => Promise<string[]>} issue  n fresh refresh tokens
 * @param {Partial<Scenario>} [extra]
 * @returns {Scenario}
 */
function refreshScenario(id, label, url, params, headers, issue, extra = {}) {
  /** @type {string[]} */
  const pool = [];
  /** @type {Scenario} */
  const sc = {
    id,
    label,
    ...extra,
    pool,
    request: {
      url,
      requests: [
        {
          method: 'POST',
          path: new URL(url).pathname,
          headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
          setupRequest: (req) => ({ ...req, body: form({ grant_type: 'refresh_token', ...params, refresh_token: pool.pop() ?? 'none-left' }) }),
          onResponse: (status, body) => {
            if (status === 200) pool.push(JSON.parse(body).refresh_token);
          },
        },
      ],
    },
  };
  sc.topUp = async () => {
    const missing = CHAINS - pool.length;
    if (missing > 0) pool.push(...(await issue(missing)));
  };
  return sc;
}

/**
 * Ours as a public client (`client_id`) and as a confidential client (Basic, bcrypt-hashed secret).
 * @param {string} idPrefix
 * @param {string} labelSuffix
 * @param {Server} server
 * @param {Partial<Scenario>} [extra]
 */
function oursRefresh(idPrefix, labelSuffix, server, extra = {}) {
  const url = `${server.url}/oauth2/token`;
  const auth = { authorization: basic(f.CLIENT_ID, f.CLIENT_SECRET) };
  return [
    refreshScenario(
      `${idPrefix}-public`,
      `Ours, public client, ${labelSuffix}`,
      url,
      { client_id: f.PUBLIC_CLIENT_ID },
      {},
      loginsFor(url, { client_id: f.PUBLIC_CLIENT_ID }),
      extra,
    ),
    refreshScenario(`${idPrefix}-conf`, `Ours, confidential client (Basic), ${labelSuffix}`, url, {}, auth, loginsFor(url, {}, auth), extra),
  ];
}

/**
 * @param {import('../start-servers').Servers} s
 * @returns {Scenario[]}
 */
function refreshScenarios(s) {
  const auth = { authorization: basic(f.CLIENT_ID, f.CLIENT_SECRET) };
  /**
   * @param {string} id
   * @param {string} label
   * @param {Server} server
   */
  const peer = (id, label, server) => {
    const url = `${server.url}/oauth2/token`;
    return refreshScenario(id, label, url, {}, auth, loginsFor(url, {}, auth));
  };
  return [
    refreshScenario(
      'ceiling',
      'Ceiling: consume an opaque token from a Map, store a fresh one, sign RS256 with a KeyObject',
      `${s.ceiling.url}/refresh`,
      {},
      {},
      async (n) => /** @type {string[]} */ (await getJson(`${s.ceiling.url}/bench/seed-refresh?n=${n}`)),
    ),
    ...oursRefresh('ours', 'RS256, MemoryStore', s.ours, { target: 0.95 }),
    ...oursRefresh('ours-es256', 'ES256, MemoryStore', s.oursEs256, { es256: true }),
    // Every refresh asks the app about the user (docs/sessions.md): one async findUser, a Map lookup here.
    ...(s.oursFindUser ? [oursRefresh('ours-finduser', 'RS256, MemoryStore, `findUser` given', s.oursFindUser)[0]] : []),
    ...(s.oursRedis ? oursRefresh('ours-redis', 'RS256, RedisStore', s.oursRedis) : []),
    // The least a refresh grant over PostgreSQL costs here: one statement consumes the token and stores a fresh one.
    ...(s.pgCeiling
      ? [
          refreshScenario(
            'pg-ceiling',
            'PostgreSQL ceiling: one statement consumes the token and stores a fresh one, sign RS256 (bench/servers/pg-ceiling.js)',
            `${s.pgCeiling.url}/refresh`,
            {},
            {},
            async (n) => /** @type {string[]} */ (await getJson(`${/** @type {import('../runner').Server} */ (s.pgCeiling).url}/bench/seed-refresh?n=${n}`)),
          ),
        ]
      : []),
    ...(s.oursPostgres ? oursRefresh('ours-postgres', 'RS256, PostgresStore', s.oursPostgres, { target: 0.9 }) : []),
    peer('oauth2orize', 'oauth2orize `exchange.refreshToken` (rotating) + passport-http + jsonwebtoken (PEM)', s.oauth2orize),
    peer('node-oauth', '@node-oauth/express-oauth-server (opaque tokens, rotating)', s.nodeOauth),
  ];
}

module.exports = { CHAINS, refreshScenario, refreshScenarios };

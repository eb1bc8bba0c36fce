// bench/scenarios/token.js
// The token endpoint's rows (POST, password grant, bcrypt cost 10): the ceiling (one async bcrypt.compare and fixed
// JSON), ours as a public and a confidential client, the peers, and ours over the SQL stores.

// @ts-check
'use strict';

const f = require('../fixtures');
const { basic, form } = require('../http');
const { sqlServers } = require('../start-servers');
const { login } = require('./login');

/**
 * @param {import('../start-servers').Servers} s
 * @returns {import('../runner').Scenario[]}
 */
function tokenScenarios(s) {
  /**
   * @param {string} url
   * @param {Record<string, string>} params
   * @param {Record<string, string>} [headers]
   */
  const formPost = (url, params, headers = {}) => ({
    url,
    method: 'POST',
    body: form(params),
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  });
  return [
    { id: 'ceiling', label: 'Ceiling: one async bcrypt.compare (cost 10) + fixed JSON', request: { url: `${s.ceiling.url}/token`, method: 'POST' } },
    {
      id: 'ours-public',
      label: 'Ours, public client (`none`)',
      target: 0.97,
      bcryptCounter: s.ours.url,
      request: formPost(`${s.ours.url}/oauth2/token`, { ...login, client_id: f.PUBLIC_CLIENT_ID }),
    },
    {
      id: 'ours-confidential',
      label: 'Ours, confidential client (Basic, bcrypt-hashed secret)',
      target: 0.97,
      bcryptCounter: s.ours.url,
      request: formPost(`${s.ours.url}/oauth2/token`, login, { authorization: basic(f.CLIENT_ID, f.CLIENT_SECRET) }),
    },
    {
      id: 'oauth2orize',
      label: 'oauth2orize + passport-http + jsonwebtoken',
      request: formPost(`${s.oauth2orize.url}/oauth2/token`, login, { authorization: basic(f.CLIENT_ID, f.CLIENT_SECRET) }),
    },
    {
      id: 'node-oauth',
      label: '@node-oauth/express-oauth-server',
      request: formPost(`${s.nodeOauth.url}/oauth2/token`, login, { authorization: basic(f.CLIENT_ID, f.CLIENT_SECRET) }),
    },
    // PostgresStore: 3 round trips per login (issue 20), so the same 0.97 as MemoryStore; SqliteStore keeps its 0.95.
    // The least a login that stores its refresh token in PostgreSQL costs on this machine: one bcrypt, one INSERT.
    ...(s.pgCeiling
      ? [
          {
            id: 'pg-ceiling',
            label: 'PostgreSQL ceiling: one async bcrypt.compare (cost 10) + one INSERT of the refresh token (bench/servers/pg-ceiling.js)',
            request: { url: `${s.pgCeiling.url}/token`, method: 'POST' },
          },
        ]
      : []),
    ...sqlServers(s).map(([id, name, server]) => ({
      id,
      label: `Ours, public client, ${name}`,
      target: id === 'ours-postgres' ? 0.97 : 0.95,
      bcryptCounter: server.url,
      request: formPost(`${server.url}/oauth2/token`, { ...login, client_id: f.PUBLIC_CLIENT_ID }),
    })),
  ];
}

module.exports = { tokenScenarios };

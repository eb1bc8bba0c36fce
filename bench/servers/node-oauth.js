// bench/servers/node-oauth.js
// The @node-oauth/express-oauth-server peer as its docs wire it: a model object with getClient, getUser (async
// bcrypt), saveToken, getAccessToken, getRefreshToken and revokeToken over in-memory Maps (opaque tokens, rotated on
// every refresh: alwaysIssueNewRefreshToken is the default); oauth.token() and oauth.authenticate().

// @ts-check
'use strict';

const express = require('express');
const bcrypt = require('bcrypt');
const OAuthServer = require('@node-oauth/express-oauth-server');
const f = require('../fixtures');

/**
 * The model's records, as oauth2-server hands them over.
 * @typedef {{ id: string, clientSecret: string, grants: string[] }} Client
 * @typedef {{ id: string }} User
 * @typedef {{ accessToken: string, refreshToken?: string, scope?: string[] }} Token
 * @typedef {Token & { client: Client, user: User }} SavedToken
 */

async function main() {
  const userHash = await f.passwordHash();
  const clients = new Map([[f.CLIENT_ID, { id: f.CLIENT_ID, clientSecret: f.CLIENT_SECRET, grants: ['password', 'refresh_token'] }]]);
  /** @type {Map<string, SavedToken>} */
  const tokens = new Map();
  /** @type {Map<string, SavedToken>} */
  const refreshTokens = new Map();
  const model = {
    /**
     * @param {string} clientId
     * @param {string | null | undefined} clientSecret
     */
    async getClient(clientId, clientSecret) {
      const client = clients.get(clientId);
      if (!client || (clientSecret != null && client.clientSecret !== clientSecret)) return false;
      return client;
    },
    /**
     * @param {string} username
     * @param {string} password
     */
    async getUser(username, password) {
      if (username === f.SEED_USERNAME) return { id: 'u-alice' };
      if (username !== f.USERNAME) return false;
      return (await bcrypt.compare(password, userHash)) ? { id: 'u-alice' } : false;
    },
    /**
     * @param {Token} token
     * @param {Client} client
     * @param {User} user
     */
    async saveToken(token, client, user) {
      const saved = { ...token, client, user };
      tokens.set(token.accessToken, saved);
      if (token.refreshToken) refreshTokens.set(token.refreshToken, saved);
      return saved;
    },
    /** @param {string} refreshToken */
    async getRefreshToken(refreshToken) {
      return refreshTokens.get(refreshToken) || false;
    },
    /** @param {{ accessToken: string, refreshToken: string }} token */
    async revokeToken(token) {
      tokens.delete(token.accessToken);
      return refreshTokens.delete(token.refreshToken);
    },
    /** @param {string} accessToken */
    async getAccessToken(accessToken) {
      return tokens.get(accessToken) || false;
    },
    /**
     * @param {User} _user
     * @param {Client} _client
     * @param {string[] | undefined} scope
     */
    async validateScope(_user, _client, scope) {
      return scope && scope.length > 0 ? scope : ['profile'];
    },
    /**
     * @param {SavedToken} token
     * @param {string[]} scope
     */
    async verifyScope(token, scope) {
      return scope.every((s) => (token.scope || []).includes(s));
    },
  };
  const oauth = new OAuthServer({ model, useErrorHandler: false });
  const app = express();
  app.use(express.urlencoded({ extended: false }));
  app.post('/oauth2/token', oauth.token());
  app.get('/api/me', oauth.authenticate(), (_req, res) => {
    const { token } = res.locals.oauth;
    res.json({ sub: token.user.id, scope: token.scope });
  });
  f.announce(app);
}

main();

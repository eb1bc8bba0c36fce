// bench/servers/node-oauth.js
// The @node-oauth/express-oauth-server peer as its docs wire it: a model object with getClient, getUser (async
// bcrypt), saveToken, getAccessToken, getRefreshToken and revokeToken over in-memory Maps (opaque tokens, rotated on
// every refresh: alwaysIssueNewRefreshToken is the default); oauth.token() and oauth.authenticate().

'use strict';

const express = require('express');
const bcrypt = require('bcrypt');
const OAuthServer = require('@node-oauth/express-oauth-server');
const f = require('../fixtures');

async function main() {
  const userHash = await f.passwordHash();
  const clients = new Map([[f.CLIENT_ID, { id: f.CLIENT_ID, clientSecret: f.CLIENT_SECRET, grants: ['password', 'refresh_token'] }]]);
  const tokens = new Map();
  const refreshTokens = new Map();
  const model = {
    async getClient(clientId, clientSecret) {
      const client = clients.get(clientId);
      if (!client || (clientSecret != null && client.clientSecret !== clientSecret)) return false;
      return client;
    },
    async getUser(username, password) {
      if (username === f.SEED_USERNAME) return { id: 'u-alice' };
      if (username !== f.USERNAME) return false;
      return (await bcrypt.compare(password, userHash)) ? { id: 'u-alice' } : false;
    },
    async saveToken(token, client, user) {
      const saved = { ...token, client, user };
      tokens.set(token.accessToken, saved);
      if (token.refreshToken) refreshTokens.set(token.refreshToken, saved);
      return saved;
    },
    async getRefreshToken(refreshToken) {
      return refreshTokens.get(refreshToken) || false;
    },
    async revokeToken(token) {
      tokens.delete(token.accessToken);
      return refreshTokens.delete(token.refreshToken);
    },
    async getAccessToken(accessToken) {
      return tokens.get(accessToken) || false;
    },
    async validateScope(user, client, scope) {
      return scope && scope.length > 0 ? scope : ['profile'];
    },
    async verifyScope(token, scope) {
      return scope.every((s) => (token.scope || []).includes(s));
    },
  };
  const oauth = new OAuthServer({ model, useErrorHandler: false });
  const app = express();
  app.use(express.urlencoded({ extended: false }));
  app.post('/oauth2/token', oauth.token());
  app.get('/api/me', oauth.authenticate(), (req, res) => {
    const { token } = res.locals.oauth;
    res.json({ sub: token.user.id, scope: token.scope });
  });
  f.announce(app);
}

main();

// example-app/app.js
// An ordinary Express app with its own users (SQLite) and passport-local login, plus the password grant at /oauth2.

const http = require('node:http');
const express = require('express');
const { Passport } = require('passport');
// The built package (package.json "main" -> dist/), exactly what `npm install express-password-grant` gives you.
const { passwordGrant, isOAuthError } = require('..');
const { logAuditEvents } = require('./audit');
const { openDatabase, resolveDataDir } = require('./db');
const { loadSigningKey } = require('./keys');
const { createLocalStrategy } = require('./local-strategy');

/**
 * Builds the example app without listening (server.js listens; tests drive it with supertest).
 * @param {object} [options]
 * @param {string} [options.dataDir] where the SQLite file and signing key live; default $DATA_DIR or example-app/data
 * @param {number} [options.port] only used for the default issuer; default $PORT or 3000
 * @param {string} [options.issuer] default http://localhost:<port> (http is allowed for localhost only)
 * @param {(line: string) => void} [options.log] default console.log
 * @param {number} [options.bcryptCost] cost of new password hashes; default 10
 * @returns {{ app: import('express').Express, auth: import('..').PasswordGrant, db: object }}
 */
function createApp(options = {}) {
  const dataDir = resolveDataDir(options.dataDir);
  const port = options.port || Number(process.env.PORT) || 3000;
  const issuer = options.issuer || `http://localhost:${port}`;
  const log = options.log || console.log;
  const bcryptCost = options.bcryptCost || undefined;

  const db = openDatabase(dataDir, { log, bcryptCost });
  const localStrategy = createLocalStrategy(db, { bcryptCost: bcryptCost || 10 });

  const auth = passwordGrant({
    issuer,
    signingKeys: loadSigningKey(dataDir, log),
    findClient: (clientId) => db.findClient(clientId),
    // One source of truth: the token endpoint runs the login form's own strategy (usernameField 'email').
    verifyUser: localStrategy,
  });
  logAuditEvents(auth, log);

  const passport = new Passport();
  passport.use(localStrategy); // 'local', for POST /login
  passport.use(auth.strategy()); // 'oauth2-bearer', for /api/orders

  const app = express();
  app.disable('x-powered-by');
  // App-wide body parsers, as most apps have them: the token router reads the already-parsed form.
  app.use(express.urlencoded({ extended: false }));
  app.use(express.json());
  app.use(passport.initialize());

  // auth.errorHandler: the parsers' own failures on /oauth2/token & co. (a malformed body, their size limit)
  // answered as RFC 6749 JSON errors, like the router's own.
  app.use('/oauth2', auth.router, auth.errorHandler);

  // The app's existing login form endpoint, on the same strategy (no sessions in this example).
  app.post('/login', passport.authenticate('local', { session: false }), (req, res) => {
    res.json({ id: req.user.id, email: req.user.username });
  });

  // Protected by the library's middleware; req.auth = { sub, clientId, scope, claims, token }.
  app.get('/api/me', auth.requireToken({ scope: 'profile' }), (req, res) => {
    const user = db.findUserById(req.auth.sub);
    if (!user) return res.status(404).json({ error: 'not_found' });
    res.json({ sub: req.auth.sub, clientId: req.auth.clientId, scope: req.auth.scope, email: user.email, name: user.name });
  });

  // Protected through passport with the library's 'oauth2-bearer' strategy.
  app.get('/api/orders', passport.authenticate('oauth2-bearer', { session: false, scope: 'orders' }), (req, res) => {
    res.json({ sub: req.auth.sub, orders: db.ordersFor(req.auth.sub) });
  });

  app.get('/', (_req, res) => {
    res.json({ token_endpoint: `${issuer}/oauth2/token`, protected: ['/api/me', '/api/orders'] });
  });

  app.use((_req, res) => res.status(404).json({ error: 'not_found' }));

  // The app's final error handler: JSON for body-parser failures (400, 413...) and anything else.
  app.use((err, _req, res, _next) => {
    if (isOAuthError(err)) return res.status(err.status).set(err.headers).json(err);
    const status = Number(err.status || err.statusCode) || 500;
    if (status >= 500) log(JSON.stringify({ at: new Date().toISOString(), event: 'app.error', message: err.message }));
    res.status(status).json({ error: status >= 500 ? 'server_error' : 'invalid_request', error_description: http.STATUS_CODES[status] });
  });

  return { app, auth, db };
}

module.exports = { createApp };

// example-app/app.ts
// An ordinary Express app with its own users (SQLite) and passport-local login, the password grant at /oauth2,
// discovery at the root, the user's sessions and password under /me, and the demo console at /.

import http from 'node:http';
import express from 'express';
import type { ErrorRequestHandler, Express, RequestHandler } from 'express';
import { Passport } from 'passport';
// The package by its name, exactly as an app that ran `npm install express-password-grant` imports it. Inside this
// repository Node resolves the name to the built package (package.json "exports" -> dist/), hence `npm run build`.
import { passwordGrant, isOAuthError } from 'express-password-grant';
import type { AuthInfo, PasswordGrant, TokenStore, User } from 'express-password-grant';
import { accountRouter } from './account';
import { logAuditEvents } from './audit';
import { openDatabase, resolveDataDir } from './db';
import type { ExampleDb } from './db';
import { serveDemoConsole } from './demo-console';
import { loadSigningKey } from './keys';
import { createLocalStrategy, toUser } from './local-strategy';
import { createTokenStore } from './store';

export interface CreateAppOptions {
  /** Where the SQLite file and signing key live; default $DATA_DIR or example-app/data. */
  readonly dataDir?: string;
  /** Only used for the default issuer; default $PORT or 3000. */
  readonly port?: number;
  /** Default http://localhost:<port> (http is allowed for localhost only). */
  readonly issuer?: string;
  /** Default console.log. */
  readonly log?: (line: string) => void;
  /** Cost of new password hashes; default 10. */
  readonly bcryptCost?: number;
}

export interface ExampleApp {
  readonly app: Express;
  readonly auth: PasswordGrant;
  readonly db: ExampleDb;
  /** The token store (example-app/store.ts), closed with the database on shutdown. */
  readonly store: TokenStore;
}

/** The scopes this app's API understands, published by discovery. */
const SCOPES_SUPPORTED = ['openid', 'profile', 'email', 'orders', 'offline_access'];

/** Builds the example app without listening (server.ts listens; tests drive it with supertest). */
export function createApp(options: CreateAppOptions = {}): ExampleApp {
  const dataDir = resolveDataDir(options.dataDir);
  const port = options.port || Number(process.env.PORT) || 3000;
  const issuer = options.issuer || `http://localhost:${port}`;
  const log = options.log || console.log;
  const bcryptCost = options.bcryptCost || undefined;

  const db = openDatabase(dataDir, { log, bcryptCost });
  const localStrategy = createLocalStrategy(db, { bcryptCost: bcryptCost || 10 });
  const store = createTokenStore(db.sqlite);

  const auth = passwordGrant({
    issuer,
    scopesSupported: SCOPES_SUPPORTED,
    signingKeys: loadSigningKey(dataDir, log),
    findClient: (clientId) => db.findClient(clientId),
    // One source of truth: the token endpoint runs the login form's own strategy (usernameField 'email').
    verifyUser: localStrategy,
    // Enables GET /oauth2/userinfo (the user's current claims, looked up by the token's sub), and makes every refresh
    // ask: a deleted user's session ends there (docs/sessions.md).
    findUser: (sub) => {
      const row = db.findUserById(sub);
      return row ? toUser(row) : null;
    },
    store,
    // Each session keeps the IP and User-Agent of its last use (the login or the latest refresh), so "Signed-in sessions" can tell the user's devices apart.
    // Personal data (docs/sessions.md#session-details-personal-data): kept only in the session record, deleted with it.
    sessionDetails: true,
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

  // RFC 8414 and OpenID Connect Discovery documents, at the well-known paths the issuer implies (so at the root).
  app.use(auth.discovery);
  // auth.errorHandler: the parsers' own failures on /oauth2/token & co. (a malformed body, their size limit)
  // answered as RFC 6749 JSON errors, like the router's own.
  app.use('/oauth2', auth.router, auth.errorHandler);

  // The app's existing login form endpoint, on the same strategy (no sessions in this example). @types/passport
  // types authenticate() as `any`; it returns Express middleware.
  app.post('/login', passport.authenticate('local', { session: false }) as RequestHandler, (req, res) => {
    const user = req.user as User;
    res.json({ id: user.id, email: user.username });
  });

  // Protected by the library's middleware; req.auth = { sub, clientId, scope, sid, claims, token }.
  app.get('/api/me', auth.requireToken({ scope: 'profile' }), (req, res) => {
    const { sub, clientId, scope } = req.auth as AuthInfo;
    const user = db.findUserById(sub);
    if (!user) {
      res.status(404).json({ error: 'not_found' });
      return;
    }
    res.json({ sub, clientId, scope, email: user.email, name: user.name });
  });

  // Protected through passport with the library's 'oauth2-bearer' strategy.
  app.get('/api/orders', passport.authenticate('oauth2-bearer', { session: false, scope: 'orders' }) as RequestHandler, (req, res) => {
    const { sub } = req.auth as AuthInfo;
    res.json({ sub, orders: db.ordersFor(sub) });
  });

  // The signed-in user's sessions and password: GET /me/sessions, DELETE /me/sessions/:id,
  // POST /me/sessions/revoke-others, POST /me/password (account.ts).
  app.use(accountRouter(auth, db, log));

  // A developer demo of the endpoints above, in plain HTML and JS.
  app.use(serveDemoConsole());

  app.use((_req, res) => {
    res.status(404).json({ error: 'not_found' });
  });

  // The app's final error handler: JSON for body-parser failures (400, 413...) and anything else.
  const finalErrorHandler: ErrorRequestHandler = (err: unknown, _req, res, _next) => {
    if (isOAuthError(err)) {
      res.status(err.status).set(err.headers).json(err);
      return;
    }
    const e = (err ?? {}) as { status?: unknown; statusCode?: unknown; message?: unknown };
    const status = Number(e.status || e.statusCode) || 500;
    if (status >= 500) log(JSON.stringify({ at: new Date().toISOString(), event: 'app.error', message: String(e.message) }));
    res.status(status).json({ error: status >= 500 ? 'server_error' : 'invalid_request', error_description: http.STATUS_CODES[status] });
  };
  app.use(finalErrorHandler);

  return { app, auth, db, store };
}

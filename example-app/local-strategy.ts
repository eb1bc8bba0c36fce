// example-app/local-strategy.ts
// The app's own passport-local strategy (email + password, as its login form posts them): the one password check.

import { Strategy as LocalStrategy } from 'passport-local';
import { dummyVerify } from 'express-password-grant';
import type { User } from 'express-password-grant';
import type { ExampleDb, UserRow } from './db';
import { verifyPassword } from './passwords';

/**
 * Why a login failed, for the audit log: the token endpoint's login.failed event reads `reason` (docs/options.md). One
 * message for both, so nothing the app shows (a flash message, say) tells an unknown email from a wrong password;
 * the client gets the same invalid_grant, and POST /login the same 401, either way.
 */
const UNKNOWN_USER = { message: 'Incorrect email or password.', reason: 'unknown_user' };
const BAD_PASSWORD = { message: 'Incorrect email or password.', reason: 'bad_password' };

/**
 * A passport-local Strategy reading `email` and `password`. The app uses it for POST /login, and the same
 * instance is passwordGrant's `verifyUser`, so the token endpoint checks passwords exactly as the login form does.
 */
export function createLocalStrategy(db: ExampleDb, { bcryptCost }: { readonly bcryptCost: number }): LocalStrategy {
  return new LocalStrategy({ usernameField: 'email', passwordField: 'password', session: false }, (email, password, done) => {
    const row = db.findUserByEmail(email);
    if (!row) {
      // Spend one bcrypt compare anyway: an unknown email must cost what a wrong password costs.
      dummyVerify(password, bcryptCost).then(() => done(null, false, UNKNOWN_USER), done);
      return;
    }
    verifyPassword(password, row.password_hash).then((ok) => (ok ? done(null, toUser(row)) : done(null, false, BAD_PASSWORD)), done);
  });
}

/** The library's User shape: id, what the user may grant, and OpenID claims for id_tokens. */
export function toUser(row: UserRow): User {
  return {
    id: String(row.id),
    username: row.email,
    ...(row.scopes ? { scopes: row.scopes.split(' ') } : {}),
    claims: { email: row.email, email_verified: true, ...(row.name ? { name: row.name } : {}) },
  };
}

// example-app/account.ts
// The signed-in user's own account, behind the access token: their sessions (list, sign one out, sign out everywhere
// else) and a password change that ends every other session (docs/sessions.md, the recipes).

import express from 'express';
import type { Request, Response, Router } from 'express';
import type { AuthInfo, PasswordGrant } from 'express-password-grant';
import type { ExampleDb } from './db';
import { newPasswordProblem, verifyPassword } from './passwords';

/** What the sessions list shows at most per call: the library's default cap of sessions per user (maxSessionsPerUser). */
const MAX_LIMIT = 100;
/** A session id as the library makes them (a UUID today); anything else cannot name a session. */
const SESSION_ID = /^[A-Za-z0-9_-]{1,128}$/;

/** A JSON error the console (or any client) can show: `error` a code, `error_description` one sentence. */
function fail(res: Response, status: number, error: string, description: string): void {
  res.status(status).json({ error, error_description: description });
}

/** An optional query parameter as one string: undefined when absent, null when repeated or not a string. */
function queryParam(req: Request, name: string): string | undefined | null {
  const value = (req.query as Record<string, unknown>)[name];
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : null;
}

/** `limit` and `before` of GET /me/sessions, or why not. */
function listOptions(req: Request): { limit: number; before?: number } | string {
  const limit = queryParam(req, 'limit');
  const before = queryParam(req, 'before');
  const options: { limit: number; before?: number } = { limit: MAX_LIMIT };
  if (limit !== undefined) {
    if (limit === null || !/^\d{1,4}$/.test(limit) || Number(limit) < 1 || Number(limit) > MAX_LIMIT) {
      return `limit must be one integer from 1 to ${MAX_LIMIT}`;
    }
    options.limit = Number(limit);
  }
  if (before !== undefined) {
    if (before === null || !/^\d{1,12}$/.test(before)) return 'before must be one time in epoch seconds (an integer)';
    options.before = Number(before);
  }
  return options;
}

/**
 * `except` for revokeSessions: the caller's session. A token without `sid` (issued before session records) belongs
 * to no session: then every session ends, and the device that called signs in again at its next refresh.
 */
function keep(sid: string | undefined): { except?: string } {
  return sid === undefined ? {} : { except: sid };
}

/** The account routes; mount them on the app (`app.use(accountRouter(auth, db, log))`). */
export function accountRouter(auth: PasswordGrant, db: ExampleDb, log: (line: string) => void): Router {
  const router = express.Router();
  // Any live access token of the user, whatever its scope: managing one's own sign-ins needs no API scope.
  const signedIn = auth.requireToken();
  const audit = (event: string, fields: object) => log(JSON.stringify({ at: new Date().toISOString(), event, ...fields }));

  router.use('/me', (_req, res, next) => {
    // Who is signed in where is personal data: no cache keeps it.
    res.set('Cache-Control', 'no-store');
    next();
  });

  router.get('/me/sessions', signedIn, async (req, res) => {
    const { sub, sid } = req.auth as AuthInfo;
    const options = listOptions(req);
    if (typeof options === 'string') return fail(res, 400, 'invalid_request', options);
    const sessions = await auth.listSessions(sub, options);
    res.json({ sessions: sessions.map((s) => ({ ...s, current: s.id === sid })) });
  });

  router.delete('/me/sessions/:id', signedIn, async (req, res) => {
    const { sub, sid } = req.auth as AuthInfo;
    const id = req.params.id as string;
    if (!SESSION_ID.test(id)) return fail(res, 400, 'invalid_request', 'the session id is malformed');
    // false for an unknown or ended session and for another user's: the same 404, so ids of others cannot be probed.
    if (!(await auth.revokeSession(sub, id, { reason: 'signed_out' }))) {
      return fail(res, 404, 'not_found', 'you have no session with this id (it may have ended already)');
    }
    res.json({ ended: id, current: id === sid });
  });

  router.post('/me/sessions/revoke-others', signedIn, async (req, res) => {
    const { sub, sid } = req.auth as AuthInfo;
    const ended = await auth.revokeSessions(sub, { reason: 'signed_out_elsewhere', ...keep(sid) });
    res.json({ ended });
  });

  router.post('/me/password', signedIn, async (req, res) => {
    const { sub, sid } = req.auth as AuthInfo;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const { currentPassword, newPassword } = body;
    if (typeof currentPassword !== 'string' || currentPassword === '') {
      return fail(res, 400, 'invalid_request', 'currentPassword is required (one string)');
    }
    const problem = newPasswordProblem(newPassword);
    if (problem !== undefined) return fail(res, 400, 'invalid_request', problem.replace(/^password /, 'newPassword '));
    if (newPassword === currentPassword) {
      return fail(res, 400, 'invalid_request', 'newPassword must differ from the current one');
    }
    const user = db.findUserById(sub);
    if (!user) return fail(res, 404, 'not_found', 'this user no longer exists');
    if (!(await verifyPassword(currentPassword, user.password_hash))) {
      audit('password.change_refused', { sub, reason: 'wrong_password' });
      return fail(res, 403, 'wrong_password', 'the current password is not right');
    }
    await db.setPassword(user.id, newPassword);
    // docs/sessions.md, "A password change": whoever knew the old password is signed out; this session stays.
    const ended = await auth.revokeSessions(sub, { reason: 'password_changed', ...keep(sid) });
    audit('password.changed', { sub, sessionsEnded: ended });
    res.json({ changed: true, sessionsEnded: ended });
  });

  return router;
}

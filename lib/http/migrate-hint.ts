// lib/http/migrate-hint.ts
// A store failure that means "the tables are missing or older than the code" names its fix, once per instance:
// in a warning and in the `error` event's detail (and so in the stderr line when nothing listens).

import type { Context } from '../context';
import { warnOnce } from '../context/warn';
import { OAuthError } from '../errors/oauth-error';
import { migrateDue } from '../stores/shared/migrate-due';

const FIX = 'run await store.migrate() (see docs/stores.md)';
const MAX_DRIVER_MESSAGE = 200;

/** `error` itself, or, the first time a SQL store says a table, column or function is missing, a copy naming the fix. */
export function withMigrateHint(ctx: Context, error: OAuthError): OAuthError {
  if (ctx.warned.has('EPG_MIGRATE_DUE')) return error;
  const driver = migrateDue(error.cause);
  if (driver === undefined) return error;
  const said = driver.replace(/\s+/g, ' ').slice(0, MAX_DRIVER_MESSAGE);
  warnOnce(
    ctx,
    'EPG_MIGRATE_DUE',
    `the store's tables are missing or older than this version of express-password-grant (${said}): ${FIX}, once at ` +
      'startup before serving (every instance may call it), or apply the sql/ files of the package. Until then ' +
      'every request that needs the store answers 503 temporarily_unavailable.',
  );
  return new OAuthError(error.error, error.description, {
    detail: `${error.detail ?? 'store failed'}: the tables are missing or older than this version: ${FIX}`,
    cause: error.cause,
    status: error.status,
    body: error.body,
    headers: error.headers,
  });
}

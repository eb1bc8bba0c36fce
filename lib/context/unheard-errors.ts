// lib/context/unheard-errors.ts
// Internal errors nobody listens for: one stderr line each (detail and cause chain), at most a few a minute.

import { types } from 'node:util';
import type { Clock } from '../util/clock';

/** An internal error as the `error` event carries it. */
export type InternalError = Error & { readonly detail?: string; readonly error?: string; readonly status?: number };

const MAX_LINES = 10;
const WINDOW_MS = 60_000;
const MAX_CAUSES = 4;
const MAX_MESSAGE = 300;
const PREFIX = 'express-password-grant:';
const HINT = "(attach auth.on('error', listener) to handle internal errors yourself)";

/**
 * A per-instance writer for internal errors that reach no `error` listener. Each becomes one stderr line with our
 * `detail` and the chain of causes (name, message, first stack frame of the innermost); past `MAX_LINES` a minute,
 * one line says that further errors are held back, and the next minute starts with their count.
 * The details we write are fixed strings; causes are what the app's callbacks or the store threw.
 * @example const unheard = unheardErrors(config.now); unheard(serverError(err, 'verifyUser failed'));
 */
export function unheardErrors(now: Clock, write: (line: string) => void = (line) => console.error(line)): (err: InternalError) => void {
  let windowStart = -Infinity;
  let written = 0;
  let held = 0;
  return function reportUnheard(err: InternalError): void {
    // A 4xx `error` event (requireTLS behind an untrusted proxy) is something any caller can trigger at will: it has
    // its one-time process warning, and must not use up the lines that real internal errors need.
    if (typeof err.status === 'number' && err.status < 500) return;
    const t = now();
    if (t - windowStart >= WINDOW_MS) {
      if (held > 0) write(`${PREFIX} ${held} further internal error(s) were not printed in the last minute ${HINT}`);
      windowStart = t;
      written = 0;
      held = 0;
    }
    if (written < MAX_LINES) {
      written += 1;
      write(describeError(err));
      if (written === MAX_LINES) write(`${PREFIX} ${MAX_LINES} internal errors this minute; more are counted, not printed ${HINT}`);
    } else {
      held += 1;
    }
  };
}

/** `server_error: verifyUser failed; caused by Error: db down (at verify (/app/users.js:12:9))`, on one line. */
export function describeError(err: InternalError): string {
  const head = typeof err.error === 'string' ? err.error : `${err.name}: ${oneLine(err.message)}`;
  const parts = [err.detail === undefined ? head : `${head}: ${oneLine(err.detail)}`];
  let cause: unknown = err.cause;
  let innermost: unknown;
  for (let depth = 0; cause !== undefined && cause !== null && depth < MAX_CAUSES; depth += 1) {
    parts.push(`caused by ${causeText(cause)}`);
    innermost = cause;
    cause = isError(cause) ? cause.cause : undefined;
  }
  const frame = isError(innermost) ? firstFrame(innermost.stack) : undefined;
  return `${PREFIX} internal error ${parts.join('; ')}${frame === undefined ? '' : ` (${frame})`} ${HINT}`;
}

/**
 * An Error from any realm: a driver keeps the Error class of the context that first loaded it (jest gives each test
 * file its own, a vm context does too), where `instanceof Error` is false.
 */
function isError(value: unknown): value is Error {
  if (value instanceof Error || types.isNativeError(value)) return true;
  // A class built on another realm's Error.prototype (better-sqlite3's SqliteError) is neither: read it by shape.
  const { name, message } = (typeof value === 'object' && value !== null ? value : {}) as { name?: unknown; message?: unknown };
  return typeof name === 'string' && typeof message === 'string';
}

function causeText(cause: unknown): string {
  if (isError(cause)) return `${cause.name}: ${oneLine(cause.message)}`;
  return `a thrown ${typeof cause}`;
}

function oneLine(text: unknown): string {
  return String(text).replace(/\s+/g, ' ').slice(0, MAX_MESSAGE);
}

function firstFrame(stack: string | undefined): string | undefined {
  const line = stack?.split('\n').find((l) => /^\s+at /.test(l));
  return line === undefined ? undefined : line.trim().slice(0, MAX_MESSAGE);
}

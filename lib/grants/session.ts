// lib/grants/session.ts
// The session a login starts: its record, how long it lasts (as long as anything issued within it is accepted), and
// what each use records in it with `options.sessionDetails`.

import { isIP } from 'node:net';
import type { Request } from 'express';
import type { Context } from '../context';
import type { SessionDetails } from '../stores/shared/refresh-token-store';
import type { SessionRecord } from '../stores/shared/session-store';
import { endUserIp } from '../throttle/end-user-ip';
import type { Client } from '../types';
import { acceptedPastExp } from './family';
import { accessTokenTTL } from './issue-tokens';
import { familyEnd } from './refresh-lifetime';

/** What a login knows when it starts a session. */
export interface LoginSession {
  readonly sid: string;
  readonly sub: string;
  readonly scope: readonly string[];
  readonly now: number;
  /** The first refresh token's id; absent when the login issued none. */
  readonly refreshTokenId?: string;
  /** With `options.sessionDetails` (sessionDetails()): the end user's IP as the throttle saw it, and the User-Agent. */
  readonly ip?: string;
  readonly userAgent?: string;
}

/** The longest IP a session keeps: an IPv6 address with an IPv4 tail is 45 characters; a zone id may add a little. */
export const MAX_IP = 64;

/** The longest User-Agent a session keeps (the header can be kilobytes; a list needs a name, not a fingerprint). */
export const MAX_USER_AGENT = 256;

/**
 * What a session keeps of a User-Agent header: control characters (which a log or a UI would render) removed, at
 * most MAX_USER_AGENT characters, never half a surrogate pair; undefined when nothing is left.
 */
export function sessionUserAgent(header: unknown): string | undefined {
  if (typeof header !== 'string') return undefined;
  let kept = header
    .replace(/\p{Cc}/gu, '')
    .trim()
    .slice(0, MAX_USER_AGENT);
  if (/[\uD800-\uDBFF]$/.test(kept)) kept = kept.slice(0, -1);
  return kept === '' ? undefined : kept;
}

/**
 * What a session keeps of the IP a use came from: a well-formed address (`req.ip` is whatever X-Forwarded-For said
 * when the app trusts every proxy) of at most MAX_IP characters; undefined otherwise.
 */
export function sessionIp(ip: string | undefined): string | undefined {
  return ip !== undefined && ip.length <= MAX_IP && isIP(ip) !== 0 ? ip : undefined;
}

const NO_DETAILS: SessionDetails = Object.freeze({});

/**
 * What a login or a refresh records of itself in its session: with `options.sessionDetails` (personal data, kept only
 * when the app asks) the end user's IP (endUserIp, as the throttle sees it) and the User-Agent, each bounded; without
 * it nothing, which a refresh hands the store too, so that details an earlier opt-in recorded go at the next refresh.
 */
export function sessionDetails(ctx: Context, req: Request, client: Client): SessionDetails {
  if (!ctx.config.sessionDetails) return NO_DETAILS;
  const ip = sessionIp(endUserIp(req, client));
  const userAgent = sessionUserAgent(req.headers['user-agent']);
  return { ...(ip === undefined ? {} : { ip }), ...(userAgent === undefined ? {} : { userAgent }) };
}

/**
 * A login's session. It ends when nothing issued within it can be accepted any more: with a refresh token, the last
 * access token its family could issue (at the family's absolute end) plus that token's life and the verifier's
 * tolerance; without one, the access token just issued. Ending it earlier revokes its family until then.
 */
export function loginSession(ctx: Context, client: Client, login: LoginSession): SessionRecord {
  const lastIssue = login.refreshTokenId === undefined ? login.now : familyEnd(ctx, client, login.now);
  const session = {
    id: login.sid,
    sub: login.sub,
    clientId: client.id,
    scope: login.scope,
    createdAt: login.now,
    lastUsedAt: login.now,
    expiresAt: lastIssue + accessTokenTTL(ctx, client) + acceptedPastExp(ctx),
  };
  return {
    ...session,
    ...(login.refreshTokenId === undefined ? {} : { refreshTokenId: login.refreshTokenId }),
    ...(login.ip === undefined ? {} : { ip: login.ip }),
    ...(login.userAgent === undefined ? {} : { userAgent: login.userAgent }),
  };
}

// lib/endpoints/check-mount-path.ts
// Warns once when the discovery documents are in use and auth.router is mounted elsewhere than they say.

import type { NextFunction, Request, Response } from 'express';
import type { Context } from '../context';

interface MountState {
  /** req.baseUrl of the first request that reached auth.router. */
  routerPath?: string;
  discoveryServed: boolean;
  warned: boolean;
}

const states = new WeakMap<Context, MountState>();

function stateOf(ctx: Context): MountState {
  let state = states.get(ctx);
  if (state === undefined) {
    state = { discoveryServed: false, warned: false };
    states.set(ctx, state);
  }
  return state;
}

/**
 * The router cannot know its mount path before a request reaches it, while discovery must answer before that; so
 * the endpoint URLs come from `endpointsBaseUrl` (default: the issuer). When that was defaulted, the documents have
 * been served and a request shows the router under another path, the app gets one warning naming the fix. An
 * explicit `endpointsBaseUrl` is trusted (a proxy may rewrite paths); nothing here changes a response.
 */
export function checkMountPath(ctx: Context) {
  return function mountPath(req: Request, _res: Response, next: NextFunction): void {
    const state = stateOf(ctx);
    if (state.routerPath === undefined) {
      state.routerPath = req.baseUrl;
      warnOnMismatch(ctx, state);
    }
    next();
  };
}

/** Called by the discovery router each time it serves a document. */
export function noteDiscoveryServed(ctx: Context): void {
  const state = stateOf(ctx);
  if (state.discoveryServed) return;
  state.discoveryServed = true;
  warnOnMismatch(ctx, state);
}

function warnOnMismatch(ctx: Context, state: MountState): void {
  const { endpointsBaseUrl, endpointsBaseUrlDefaulted } = ctx.config;
  if (!endpointsBaseUrlDefaulted || state.warned || !state.discoveryServed || state.routerPath === undefined) return;
  const expected = new URL(endpointsBaseUrl).pathname.replace(/\/$/, '');
  const actual = state.routerPath.replace(/\/$/, '');
  if (actual === expected) return;
  state.warned = true;
  process.emitWarning(
    `express-password-grant: auth.router is mounted at "${actual || '/'}" but the discovery documents advertise ` +
      `its endpoints under "${expected || '/'}" (the issuer's path). Set options.endpointsBaseUrl to the router's URL.`,
    { code: 'EPG_MOUNT_PATH' },
  );
}

// lib/endpoints/check-mount-path.ts
// Warns once when the discovery documents are in use and auth.router is reached under another path than they say.

import type { NextFunction, Request, Response } from 'express';
import type { Context } from '../context';
import { endpointsBaseUrl } from '../http/endpoint-url';
import { warnOnce } from '../context/warn';

/**
 * The documents advertise the router where the app mounted it (context/mount-path.ts); when Express could not say
 * (the router mounted through a plain Router, at a pattern, or at several paths) they fall back to the issuer.
 * When that base was not given explicitly, the documents have been served and a request shows the router under
 * another path, the app gets one warning naming the fix. An explicit `endpointsBaseUrl` is trusted (a proxy may
 * rewrite paths); nothing here changes a response.
 */
export function checkMountPath(ctx: Context) {
  return function mountPath(req: Request, _res: Response, next: NextFunction): void {
    const state = ctx.mount;
    if (state.routerPath === undefined) {
      state.routerPath = req.baseUrl;
      warnOnMismatch(ctx);
    }
    next();
  };
}

/** Called by the discovery router each time it serves a document. */
export function noteDiscoveryServed(ctx: Context): void {
  const state = ctx.mount;
  if (state.discoveryServed) return;
  state.discoveryServed = true;
  warnOnMismatch(ctx);
}

function warnOnMismatch(ctx: Context): void {
  const state = ctx.mount;
  if (!ctx.config.endpointsBaseUrlDefaulted || ctx.warned.has('EPG_MOUNT_PATH') || !state.discoveryServed || state.routerPath === undefined) return;
  const expected = new URL(endpointsBaseUrl(ctx)).pathname.replace(/\/$/, '');
  const actual = state.routerPath.replace(/\/$/, '');
  if (actual === expected) return;
  warnOnce(
    ctx,
    'EPG_MOUNT_PATH',
    `auth.router is mounted at "${actual || '/'}" but the discovery documents advertise ` +
      `its endpoints under "${expected || '/'}". Mount it with app.use(path, auth.router) on the Express app (a ` +
      "plain Router does not tell it its path), or set options.endpointsBaseUrl to the router's URL.",
  );
}

// lib/discovery/router.ts
// auth.discovery: serves the metadata documents at the well-known locations the issuer implies (mount at the root).

import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Context } from '../context';
import { onMount } from '../context/mount-path';
import { noteDiscoveryServed } from '../endpoints/check-mount-path';
import { PUBLIC_DOCUMENT_HEADERS } from '../http/public-headers';
import { sendJson } from '../http/respond';
import { endpointsBaseUrl } from '../http/endpoint-url';
import { methodNotAllowed } from '../http/method-not-allowed';
import { buildMetadata } from './metadata';
import { wellKnownPaths } from './well-known';

/**
 * A router answering GET (and HEAD) at `/.well-known/oauth-authorization-server{issuer path}` (RFC 8414 §3) and
 * `{issuer path}/.well-known/openid-configuration` (OIDC Discovery §4) with the same document; every other request
 * passes through. It matches the full path (`req.baseUrl` + path), so it answers correctly wherever it is mounted,
 * but only the root makes both locations reachable. With `discovery: false` it passes every request on.
 */
export function createDiscoveryRouter(ctx: Context): Router {
  const paths = wellKnownPaths(ctx.config.issuer);
  const locations = new Set([paths.oauthAuthorizationServer, paths.openidConfiguration]);
  // Built once per base URL: the base is known once the app has mounted auth.router, before any request.
  let cached: { readonly baseUrl: string; readonly metadata: Readonly<Record<string, unknown>> } | undefined;
  const notAllowed = methodNotAllowed('GET');
  const router = express.Router();
  ctx.mount.discoveryRouter = router;
  onMount(router, () => {
    ctx.mount.discoveryMounted = true;
  });
  router.use(function discovery(req: Request, res: Response, next: NextFunction): void {
    if (!ctx.config.discovery || !locations.has(req.baseUrl + req.path)) return next();
    if (req.method !== 'GET' && req.method !== 'HEAD') return notAllowed(req, res);
    const baseUrl = endpointsBaseUrl(ctx);
    if (cached?.baseUrl !== baseUrl) cached = { baseUrl, metadata: buildMetadata(ctx, baseUrl) };
    noteDiscoveryServed(ctx);
    sendJson(res, 200, cached.metadata, PUBLIC_DOCUMENT_HEADERS);
  });
  return router;
}

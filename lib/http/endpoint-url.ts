// lib/http/endpoint-url.ts
// Absolute URLs of the request being served: the token endpoint under the issuer's origin, and the URL the client
// called (scheme and host as Express sees them, honouring the app's `trust proxy`), without query or fragment.

import type { Request } from 'express';
import type { Context } from '../context';
import { mountedPath } from '../context/mount-path';

/**
 * The URL the discovery documents advertise auth.router at: `options.endpointsBaseUrl` when given (a proxy may
 * rewrite paths), else the issuer's origin plus the path Express mounted the router at, else the issuer. Never from
 * the request, so a forged Host header cannot change it. Without a trailing slash.
 */
export function endpointsBaseUrl(ctx: Context): string {
  const { config } = ctx;
  if (!config.endpointsBaseUrlDefaulted) return config.endpointsBaseUrl;
  const path = mountedPath(ctx.mount);
  return path === undefined ? config.endpointsBaseUrl : new URL(config.issuer).origin + path;
}

/**
 * The token endpoint URL as published: the issuer's origin plus the router's mount path plus `/token`. It never
 * comes from the Host header, so a client assertion's `aud` cannot be satisfied by a spoofed Host.
 */
export function tokenEndpointUrl(ctx: Context, req: Request): string {
  return new URL(ctx.config.issuer).origin + req.baseUrl + '/token';
}

/**
 * The URL of this request without query: `req.protocol` (X-Forwarded-Proto when `trust proxy` allows it), the
 * host (X-Forwarded-Host likewise, else Host), and the path Express received.
 */
export function requestUrl(req: Request): string {
  const path = req.originalUrl.split('?', 1)[0].split('#', 1)[0];
  return `${req.protocol}://${requestHost(req)}${path}`;
}

function requestHost(req: Request): string {
  const trust = req.app.get('trust proxy fn') as ((addr: string | undefined, i: number) => boolean) | undefined;
  const forwarded = req.get('x-forwarded-host');
  if (forwarded !== undefined && typeof trust === 'function' && trust(req.socket.remoteAddress, 0)) {
    return forwarded.split(',', 1)[0].trim();
  }
  return req.get('host') ?? 'localhost';
}

/**
 * `url` reduced to scheme, host (lowercase, default port dropped) and path, for comparing `htu`/`aud` values
 * (RFC 9449 §4.3: "ignoring any query and fragment parts"); undefined when it is not an absolute http(s) URL.
 */
export function normalizeUrl(url: unknown): string | undefined {
  if (typeof url !== 'string') return undefined;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return undefined;
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return undefined;
  }
}

// lib/http/own-route.ts
// Whether a path is one the router itself routes (its /token, /revoke, ...), as Express would match it.

import type { Router } from 'express';

interface Layer {
  readonly route?: { readonly path?: unknown };
}

// Express routers match case-insensitively and ignore one trailing slash by default; so must this check.
const normal = (path: string): string => withoutTrailingSlashes(path).toLowerCase();

/**
 * `path` without its trailing slashes, in one backward scan. Not `/\/+$/`: that regex is unanchored, so V8 retries
 * it at every slash of a run that does not end the string, which is quadratic (16,000 slashes and a letter cost
 * hundreds of milliseconds), and this runs on request paths before any authentication.
 */
function withoutTrailingSlashes(path: string): string {
  let end = path.length;
  while (end > 0 && path.charCodeAt(end - 1) === 0x2f) end--;
  return path.slice(0, end);
}

export function isOwnRoute(router: Router, path: string): boolean {
  const wanted = normal(path);
  return (router.stack as unknown as Layer[]).some((layer) => typeof layer.route?.path === 'string' && normal(layer.route.path) === wanted);
}

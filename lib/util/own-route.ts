// lib/util/own-route.ts
// Whether a path is one the router itself routes (its /token, /revoke, ...), as Express would match it.

import type { Router } from 'express';

interface Layer {
  readonly route?: { readonly path?: unknown };
}

// Express routers match case-insensitively and ignore one trailing slash by default; so must this check.
const normal = (path: string): string => path.toLowerCase().replace(/\/+$/, '');

export function isOwnRoute(router: Router, path: string): boolean {
  const wanted = normal(path);
  return (router.stack as unknown as Layer[]).some((layer) => typeof layer.route?.path === 'string' && normal(layer.route.path) === wanted);
}

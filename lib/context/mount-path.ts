// lib/context/mount-path.ts
// Where auth.router is mounted, learnt when the app mounts it: Express tells a sub-app its path at `app.use()` time.

import type { Router } from 'express';

/** What Express sets on a mounted sub-app (and on every app: the root's `parent` is undefined). */
export interface MountedApp {
  readonly mountpath?: unknown;
  readonly parent?: MountedApp;
}

/** Per-instance mount knowledge (on the Context); the one-time mismatch warning is in `Context.warned`. */
export interface MountState {
  /** One entry per `app.use(path, auth.router)`: the path relative to the app, and that app. */
  readonly mounts: Array<{ readonly path: unknown; readonly parent: MountedApp | undefined }>;
  /** req.baseUrl of the first request that reached auth.router. */
  routerPath?: string;
  discoveryServed: boolean;
  /** True once Express told `auth.discovery` it was mounted on an app (`app.use(auth.discovery)`). */
  discoveryMounted: boolean;
  /** `auth.discovery` itself, to look for in the app's middleware when it was mounted through a plain Router. */
  discoveryRouter?: object;
}

export function createMountState(): MountState {
  return { mounts: [], discoveryServed: false, discoveryMounted: false };
}

/**
 * Lets Express tell the router where it is mounted. Express 4 and 5 `app.use()` treat a function with `handle` and
 * `set` as a sub-app (lib/application.js): they set its `mountpath` and `parent`, call its `handle(req, res, next)`
 * from a wrapper, and emit `mount` on it. A Router has `handle`; the two non-enumerable members below make it
 * qualify, and nothing else changes (the wrapper restores `req`/`res` to the prototypes they already had). Mounted
 * through a plain Router instead, it gets no event, and the issuer stays the default.
 */
export function learnMountPath(router: Router, state: MountState): void {
  onMount(router, (path, parent) => state.mounts.push({ path, parent }));
}

/**
 * Calls `listener` each time an app mounts `router` (`app.use([path,] router)`), with the path and the app: the
 * mechanism of learnMountPath, for any router of the instance.
 */
export function onMount(router: Router, listener: (path: unknown, parent: MountedApp | undefined) => void): void {
  Object.defineProperties(router, {
    // Express never calls it on a mounted sub-app; it only checks that it exists.
    set: {
      value: function set(this: Router): Router {
        return this;
      },
    },
    emit: {
      value: function emit(this: MountedApp, event: unknown, parent?: MountedApp): boolean {
        if (event !== 'mount') return false;
        listener(this.mountpath, parent);
        return true;
      },
    },
  });
}

// Only literal paths: a pattern (`/t/:tenant`, `*`, a RegExp) or a list of paths names no single URL.
const LITERAL_PATH = /^\/[A-Za-z0-9\-._~%@/]*$/;

/**
 * The absolute path (on the app's host) where every mount puts the router, without a trailing slash ('' for the
 * root); undefined when it was never mounted on an app, or its mounts name different or non-literal paths.
 */
export function mountedPath(state: MountState): string | undefined {
  const paths = new Set(state.mounts.map(({ path, parent }) => fullPath(path, parent)));
  if (paths.size !== 1) return undefined;
  return [...paths][0];
}

function fullPath(path: unknown, parent: MountedApp | undefined): string | undefined {
  const segments = [path];
  // An app mounted on another has a parent; the root app has none, and its own mountpath ('/') is not a prefix.
  for (let app = parent; app?.parent !== undefined; app = app.parent) segments.unshift(app.mountpath);
  let result = '';
  for (const segment of segments) {
    if (typeof segment !== 'string' || !LITERAL_PATH.test(segment)) return undefined;
    result += segment.replace(/\/+$/, '');
  }
  return result;
}

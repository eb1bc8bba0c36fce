// lib/http/app-stack.ts
// Whether the app serving a request has mounted a given handler, read from Express's own middleware stacks.

import type { Request } from 'express';

/** What Express 4 and 5 keep per middleware: the function (`handle`), and a route's own stack. */
interface Layer {
  readonly handle?: { readonly stack?: unknown };
  readonly route?: { readonly stack?: unknown };
}

interface AppLike {
  readonly _router?: { readonly stack?: unknown };
  readonly router?: { readonly stack?: unknown };
  readonly parent?: AppLike;
}

/** Layers looked at, at most: the walk runs once per instance and question, and an app's stack is the app's. */
const MAX_LAYERS = 5000;

/**
 * True when `handler` is among the middleware of the app serving `req` or of an app it is mounted on, directly or in
 * a Router (or a route) mounted there. A sub-app mounted on those is opaque (Express wraps it in a closure), but its
 * own requests start the walk from it. Order is not checked: being there is what matters to the callers. True as well
 * when the walk cannot be finished (a getter that throws, past MAX_LAYERS): the callers warn on false only, never on
 * a guess.
 */
export function appMounts(req: Request, handler: object): boolean {
  try {
    return walk(req, handler);
  } catch {
    return true;
  }
}

function walk(req: Request, handler: object): boolean {
  const pending: unknown[] = [];
  for (let app = req.app as unknown as AppLike | undefined, hops = 0; app !== undefined && hops < 16; app = app.parent, hops++) {
    pending.push(routerOf(app)?.stack);
  }
  const seen = new Set<unknown>();
  let budget = MAX_LAYERS;
  while (pending.length > 0) {
    const stack = pending.pop();
    if (!Array.isArray(stack) || seen.has(stack)) continue;
    seen.add(stack);
    for (const layer of stack as Layer[]) {
      if (--budget < 0) return true;
      if (layer.handle === handler) return true;
      pending.push(layer.handle?.stack, layer.route?.stack);
    }
  }
  return false;
}

function routerOf(app: AppLike): { readonly stack?: unknown } | undefined {
  // Express 4 keeps it in `_router` (its `router` getter throws); Express 5 in `router`.
  if (app._router !== undefined) return app._router;
  try {
    return app.router;
  } catch {
    return undefined;
  }
}

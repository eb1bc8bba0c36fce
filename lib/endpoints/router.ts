// lib/endpoints/router.ts
// The router the app mounts: POST /token and its neighbours; works under any mount path, Express 4 and 5.

import express, { type ErrorRequestHandler, type Router } from 'express';
import type { Context } from '../context';
import { mountStandardEndpoints } from './index';
import { appErrorHandler } from '../http/app-error-handler';
import { warnOnBodyParsedBefore } from '../http/body-parsed-before';
import { methodNotAllowed } from '../http/method-not-allowed';
import { tokenHandler } from './token';
import { requireTls } from '../http/require-tls';
import { learnMountPath } from '../context/mount-path';

/** `auth.router`, and `auth.errorHandler` for the failures of the app's middleware before it. */
export function createRouter(ctx: Context): { readonly router: Router; readonly errorHandler: ErrorRequestHandler } {
  const router = express.Router();
  // It reads the router's routes when an error comes, so it may be made before they are added.
  const errorHandler = appErrorHandler(ctx, router);
  learnMountPath(router, ctx.mount);
  router.use(requireTls(ctx, router));
  router.use(warnOnBodyParsedBefore(ctx, router, errorHandler));
  mountStandardEndpoints(router, ctx);
  router.post('/token', tokenHandler(ctx));
  router.all('/token', methodNotAllowed('POST'));
  return { router, errorHandler };
}

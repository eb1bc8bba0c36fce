// lib/endpoints/router.ts
// The router the app mounts: POST /token and its neighbours; works under any mount path, Express 4 and 5.

import express, { type Router } from 'express';
import type { Context } from '../context';
import { mountStandardEndpoints } from './index';
import { methodNotAllowed } from '../http/method-not-allowed';
import { tokenHandler } from './token';
import { requireTls } from '../http/require-tls';
import { learnMountPath } from '../context/mount-path';

export function createRouter(ctx: Context): Router {
  const router = express.Router();
  learnMountPath(router, ctx.mount);
  router.use(requireTls(ctx, router));
  mountStandardEndpoints(router, ctx);
  router.post('/token', tokenHandler(ctx));
  router.all('/token', methodNotAllowed('POST'));
  return router;
}

// lib/endpoints/index.ts
// Mounts the standards endpoints next to /token: /revoke, /introspect, /jwks and (with findUser) /userinfo.

import type { Router } from 'express';
import type { Context } from '../context';
import { methodNotAllowed } from '../http/method-not-allowed';
import { checkMountPath } from './check-mount-path';
import { introspectHandler } from './introspect';
import { jwksHandler } from './jwks';
import { revokeHandler } from './revoke';
import { userinfoHandler, userinfoPreflight } from './userinfo';

/** Endpoint paths relative to the router, shared with the discovery documents. */
export const ENDPOINT_PATHS = {
  token: '/token',
  revocation: '/revoke',
  introspection: '/introspect',
  jwks: '/jwks',
  userinfo: '/userinfo',
} as const;

/** Adds the standards endpoints to the router; call it before the routes of /token. */
export function mountStandardEndpoints(router: Router, ctx: Context): void {
  router.use(checkMountPath(ctx));
  router.post(ENDPOINT_PATHS.revocation, revokeHandler(ctx));
  router.all(ENDPOINT_PATHS.revocation, methodNotAllowed('POST'));
  router.post(ENDPOINT_PATHS.introspection, introspectHandler(ctx));
  router.all(ENDPOINT_PATHS.introspection, methodNotAllowed('POST'));
  // Express answers HEAD with the GET route.
  router.get(ENDPOINT_PATHS.jwks, jwksHandler(ctx));
  router.all(ENDPOINT_PATHS.jwks, methodNotAllowed('GET'));
  const { findUser } = ctx.config;
  if (findUser !== undefined) {
    // OIDC Core §5.3.1: "The Client MUST send the UserInfo Request using either HTTP GET or HTTP POST."
    const userinfo = userinfoHandler(ctx, findUser);
    router.get(ENDPOINT_PATHS.userinfo, userinfo);
    router.post(ENDPOINT_PATHS.userinfo, userinfo);
    router.options(ENDPOINT_PATHS.userinfo, userinfoPreflight);
    router.all(ENDPOINT_PATHS.userinfo, methodNotAllowed('GET, POST'));
  }
}

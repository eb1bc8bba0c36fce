// lib/endpoints/check-discovery.ts
// Warns once when the token endpoint issues tokens and auth.discovery is nowhere to be found: OpenID Connect clients
// that start from the issuer (openid-client's discovery) then fail with a bare 404.

import type { Request } from 'express';
import type { Context } from '../context';
import { warnOnce } from '../context/warn';
import { appMounts } from '../http/app-stack';

/**
 * Returns what to call after each token response. The first one decides, once per instance: discovery counts as
 * there when Express told `auth.discovery` it was mounted, when it has served a document, or when it is among the
 * app's middleware (mounted through a plain Router); `discovery: false` says the app means to serve none.
 */
export function discoveryCheck(ctx: Context): (req: Request) => void {
  let decided = !ctx.config.discovery;
  return function checkDiscoveryMounted(req: Request): void {
    if (decided) return;
    decided = true;
    const state = ctx.mount;
    if (state.discoveryMounted || state.discoveryServed) return;
    if (state.discoveryRouter !== undefined && appMounts(req, state.discoveryRouter)) return;
    warnOnce(
      ctx,
      'EPG_NO_DISCOVERY',
      'tokens are being issued but auth.discovery is not mounted: clients that discover the server from its issuer ' +
        '(openid-client, OIDC libraries) get a 404 at /.well-known/openid-configuration. Mount it at the root of the ' +
        'app: app.use(auth.discovery). If the app serves no discovery on purpose, pass discovery: false to passwordGrant().',
    );
  };
}

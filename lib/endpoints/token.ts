// lib/endpoints/token.ts
// POST /token: a pipeline of small named steps, each failing with one OAuthError (RFC 6749 §3.2, §4.3, §5, §6).

import type { Request, Response } from 'express';
import type { Context } from '../context';
import { authenticateClient } from '../client-auth/authenticate-client';
import { discoveryCheck } from './check-discovery';
import { invalidRequest, OAuthError } from '../errors/oauth-error';
import { GRANTS, isSupportedGrant } from '../grants';
import { rejectedScope } from '../grants/scope';
import { freshNonceHeaders } from '../dpop/nonce';
import { tokenRequestBinding } from '../dpop/token-request';
import { formEndpoint } from '../http/form-endpoint';
import { sendJson } from '../http/respond';
import type { FormParams } from '../types';

export function tokenHandler(ctx: Context) {
  const checkDiscovery = discoveryCheck(ctx);
  return formEndpoint(ctx, async (c, req, res, params) => {
    await handleToken(c, req, res, params);
    checkDiscovery(req);
  });
}

async function handleToken(ctx: Context, req: Request, res: Response, params: FormParams): Promise<void> {
  const grantType = params.grant_type;
  if (grantType === undefined || grantType === '') throw invalidRequest('Missing required parameter: grant_type');
  // RFC 6749 §5.2: unsupported_grant_type is a type "not supported by the authorization server", also one a client
  // lists for another server sharing its registry (client_credentials); unauthorized_client is one this server serves
  // and the client may not use.
  if (!isSupportedGrant(grantType)) {
    throw new OAuthError('unsupported_grant_type', 'The grant type is not supported by this server', { detail: grantType.slice(0, 64) });
  }
  const { client } = await authenticateClient(ctx, req, params);
  if (!client.grants.includes(grantType)) {
    throw new OAuthError('unauthorized_client', 'The client is not allowed to use this grant type', { detail: grantType });
  }
  // RFC 9449 §5: the proof is checked before the grant, so a bad proof costs no password check or rotation.
  const binding = await tokenRequestBinding(ctx, req, client);
  const issued = await GRANTS[grantType](ctx, req, params, client, binding).catch((err: unknown) => {
    const scope = rejectedScope(err);
    if (scope !== undefined) {
      ctx.emit('scope.rejected', { clientId: client.id, ip: req.ip, grantType, scope, detail: (err as OAuthError).detail ?? '' });
    }
    throw err;
  });
  sendJson(res, 200, issued.body, binding.jkt === undefined ? {} : freshNonceHeaders(ctx));
}

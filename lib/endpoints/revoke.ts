// lib/endpoints/revoke.ts
// POST /revoke (RFC 7009): the client ends a grant (refresh token) or one access token; always 200 for a valid request.

import type { Request, Response } from 'express';
import type { Context } from '../context';
import { authenticateClient } from '../client-auth/authenticate-client';
import { endSession } from '../grants/end-session';
import { revokeAccessToken } from '../grants/family';
import { requireParams } from '../http/params';
import { formEndpoint } from '../http/form-endpoint';
import { sendJson } from '../http/respond';
import type { Client, FormParams } from '../types';
import { findToken, parseHint, type FoundToken } from './find-token';

/** The /revoke handler. Client authentication is exactly that of /token (RFC 7009 §2.1). */
export function revokeHandler(ctx: Context) {
  return formEndpoint(ctx, handleRevoke);
}

async function handleRevoke(ctx: Context, req: Request, res: Response, params: FormParams): Promise<void> {
  const { token } = requireParams(params, ['token']);
  const hint = parseHint(params.token_type_hint);
  const { client } = await authenticateClient(ctx, req, params);
  const found = await findToken(ctx, token, hint);
  // RFC 7009 §2.2: "invalid tokens do not cause an error response"; a token of another client is left alone and
  // answered the same way, so a client cannot probe for (or revoke) tokens it was not issued.
  if (found !== undefined && found.clientId === client.id) await revokeFound(ctx, req, found, client);
  // RFC 7009 §2.2: "The authorization server responds with HTTP status code 200"; the body is ignored by clients,
  // but several reject an empty or non-JSON one, so it is an empty JSON object.
  sendJson(res, 200, {});
}

async function revokeFound(ctx: Context, req: Request, found: FoundToken, client: Client): Promise<void> {
  if (found.type === 'refresh_token') {
    // RFC 7009 §2.1: revoking a refresh token SHOULD also invalidate the access tokens of the same grant; they carry
    // the family id as `sid`, which the verifier checks.
    await endSession(ctx, found.record, client, 'revoked', req.ip);
    ctx.emit('token.revoked', { clientId: client.id, ip: req.ip, tokenType: 'refresh_token', sid: found.record.familyId });
    return;
  }
  const { jti, exp, sid } = found;
  // The mark outlives `exp` by the verifier's clock tolerance, or the token would be accepted again in between.
  await revokeAccessToken(ctx, jti, exp);
  ctx.emit('token.revoked', { clientId: client.id, ip: req.ip, tokenType: 'access_token', jti, sid });
}

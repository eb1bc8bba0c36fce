// lib/grants/refresh-one-step.ts
// The refresh grant in one store step (ConditionalRotationStore), taken only when nothing must run between the find
// and the rotation; a token that step does not rotate goes the usual way (find, checks, rotation).

import type { Request } from 'express';
import type { Context } from '../context';
import type { TokenBinding } from '../dpop/token-request';
import { serverError } from '../errors/oauth-error';
import { conditionalRotationOf } from '../stores/shared/conditional-rotation-store';
import { storeCall } from '../stores/shared/store-call';
import type { Client, FormParams } from '../types';
import { randomToken, sha256 } from '../util/crypto';
import { buildTokenResponse, type Issued } from './issue-tokens';
import { refreshInput } from './refresh-input';
import { absoluteTTL, idleTTL } from './refresh-lifetime';
import { narrowedScope } from './scope';
import { sessionDetails } from './session';
import { successorToken } from './successor';

/**
 * True when the grant may find, check and rotate in one store step: nothing of the app runs between them (no
 * `findUser`, no `enrichToken`), the scope is the token's own (no `scope` parameter), and no DPoP key is involved (no
 * proof, none required of the client; the store step also skips a DPoP-bound token), so the checks the step makes are
 * every check the grant would make before spending.
 */
function appliesTo(ctx: Context, params: FormParams, client: Client, binding: TokenBinding): boolean {
  const { config } = ctx;
  const dpopRequired = config.dpop.enabled && (config.dpop.required || client.dpopBoundAccessTokens === true);
  return config.findUser === undefined && config.enrichToken === undefined && params.scope === undefined && binding.jkt === undefined && !dpopRequired;
}

/**
 * The refresh as one store step, when the store can (ConditionalRotationStore) and nothing must run in between: the
 * tokens it issued, or undefined when it did not apply or the store rotated nothing (changing nothing), and the
 * caller then runs the usual refresh, which answers every refusal, reuse and retry as it always does.
 */
export async function refreshInOneStep(
  ctx: Context,
  req: Request,
  params: FormParams,
  client: Client,
  binding: TokenBinding,
  presented: string,
  id: string,
  now: number,
): Promise<Issued | undefined> {
  const { config } = ctx;
  const store = conditionalRotationOf(config.store);
  if (store === undefined || !appliesTo(ctx, params, client, binding)) return undefined;
  // As the usual refresh computes it: with a reuse grace, a successor a retry can compute again from the presented token.
  const refreshToken = config.refreshReuseGrace > 0 ? successorToken(config, presented) : randomToken();
  const terms = { clientId: client.id, idleTTL: idleTTL(ctx, client), absoluteTTL: absoluteTTL(ctx, client) };
  const details = sessionDetails(ctx, req, client);
  const record = await storeCall('rotateIfCurrent', () => store.rotateIfCurrent(id, terms, sha256(refreshToken), now, details));
  if (record === undefined) return undefined;
  const input = refreshInput(client, record, narrowedScope(record, client, undefined), now, refreshToken);
  let issued: Issued;
  try {
    // Signed after the spend here (the usual refresh signs before it): the signing keys were checked at startup and
    // the claims come from stored JSON, so this does not fail in practice. If it does, the answer is a 500 and the
    // token is spent; with refreshReuseGrace the client's retry gets this successor, without it the retry is reuse.
    issued = buildTokenResponse(ctx, input, {});
  } catch (err) {
    throw serverError(err, 'signing the refreshed tokens failed after the refresh token was spent');
  }
  ctx.emit('token.refreshed', { clientId: client.id, ip: req.ip, userId: record.sub, jti: issued.jti, sid: record.familyId });
  return issued;
}

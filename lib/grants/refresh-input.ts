// lib/grants/refresh-input.ts
// What a refresh grant mints from: the tokens' input built from the refresh-token record the grant rotates or retries.

import type { RefreshTokenRecord } from '../stores/shared/store';
import type { Client, User } from '../types';
import type { IssueInput } from './issue-tokens';

/**
 * The IssueInput of a refresh: the family's subject, sid, login time and remembered claims from `record`, with the
 * scope, new refresh token and binding this request settled on. `user` is findUser's answer when the app gives it.
 */
export function refreshInput(
  client: Client,
  record: RefreshTokenRecord,
  scope: readonly string[],
  now: number,
  refreshToken: string,
  extra: { readonly user?: User | undefined; readonly jkt?: string | undefined } = {},
): IssueInput {
  return {
    grantType: 'refresh_token',
    client,
    sub: record.sub,
    user: extra.user,
    scope,
    sid: record.familyId,
    authTime: record.authTime,
    now,
    refreshToken,
    jkt: extra.jkt,
    extraClaims: record.extraClaims,
  };
}

// lib/grants/index.ts
// grant_type -> handler. Unknown types are unsupported_grant_type; types the client lacks, unauthorized_client.

import type { Request } from 'express';
import type { Context } from '../context';
import type { Client, FormParams, GrantType } from '../types';
import type { TokenBinding } from '../dpop/token-request';
import type { Issued } from './issue-tokens';
import { passwordGrant } from './password';
import { refreshTokenGrant } from './refresh-token';
import { mfaGrant, MFA_GRANT_TYPE } from './mfa';

/** `binding` carries the DPoP key thumbprint when the request had a valid proof (RFC 9449 §5). */
export type GrantHandler = (ctx: Context, req: Request, params: FormParams, client: Client, binding?: TokenBinding) => Promise<Issued>;

export const GRANTS: Readonly<Record<GrantType, GrantHandler>> = {
  password: passwordGrant,
  refresh_token: refreshTokenGrant,
  [MFA_GRANT_TYPE]: mfaGrant,
};

export function isSupportedGrant(value: string): value is GrantType {
  return Object.prototype.hasOwnProperty.call(GRANTS, value);
}

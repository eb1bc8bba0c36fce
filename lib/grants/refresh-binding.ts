// lib/grants/refresh-binding.ts
// Which DPoP key a refresh request's tokens are bound to, and whether the refresh token allows that key (RFC 9449 §5).

import { invalidGrant } from '../errors/oauth-error';
import { registeredAuthMethod } from '../client-auth/registered-method';
import type { RefreshTokenRecord } from '../stores/shared/store';
import type { Client } from '../types';
import { invalidDpopProof } from '../dpop/read-proof';
import type { TokenBinding } from '../dpop/token-request';

/**
 * The `jkt` for the refreshed tokens. RFC 9449 §5: "Refresh tokens issued to public clients are bound to the DPoP
 * key ... the client MUST present a DPoP proof for the same key that was used to obtain the refresh token each time
 * that refresh token is used". A confidential client's refresh token is bound by its client authentication
 * instead, so it may present a new key (or none): the new access token follows the proof of this request.
 */
export function refreshBinding(client: Client, record: RefreshTokenRecord, binding: TokenBinding): string | undefined {
  const isPublic = registeredAuthMethod(client) === 'none';
  if (isPublic && record.jkt !== undefined) {
    if (binding.jkt === undefined) throw invalidDpopProof('refresh token is DPoP-bound; proof required');
    if (binding.jkt !== record.jkt) throw invalidGrant('refresh token is bound to another DPoP key');
  }
  return binding.jkt;
}

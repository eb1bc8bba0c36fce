// lib/client-auth/registered-method.ts
// The one authentication method a client registered, explicit or implied by the credentials it has.

import type { Client, ClientAuthMethod } from '../types';

/**
 * `Client.tokenEndpointAuthMethod` when set; otherwise `private_key_jwt` for a client with `jwks`/`publicKey`,
 * `client_secret_jwt` for one with `jwtSecret`, undefined (basic or post) for one with `secretHash`, else `none`.
 * A client with keys is never silently public.
 */
export function registeredAuthMethod(client: Client): ClientAuthMethod | undefined {
  if (client.tokenEndpointAuthMethod !== undefined) return client.tokenEndpointAuthMethod;
  if (client.jwks !== undefined || client.publicKey !== undefined) return 'private_key_jwt';
  if (client.jwtSecret !== undefined) return 'client_secret_jwt';
  return client.secretHash === undefined ? 'none' : undefined;
}

// lib/client-auth/load-client.ts
// Calls the app's findClient and checks what it returns; a throwing callback is a server_error.

import type { Context } from '../context';
import { serverError } from '../errors/oauth-error';
import type { Client } from '../types';
import { isObject } from '../util/assert';

export async function loadClient(ctx: Context, clientId: string): Promise<Client | undefined> {
  let client: unknown;
  try {
    client = await ctx.config.findClient(clientId);
  } catch (err) {
    throw serverError(err, 'findClient threw');
  }
  if (client === null || client === undefined || client === false) return undefined;
  if (!isObject(client) || typeof client.id !== 'string' || !Array.isArray(client.grants)) {
    throw serverError(new TypeError('findClient must return { id, grants, ... } or null'), 'findClient returned a malformed client');
  }
  // A lookup that ignores its argument must not let one client act as another.
  if (client.id !== clientId) return undefined;
  return client as unknown as Client;
}

// lib/client-auth/load-client.ts
// Calls the app's findClient and reads the Client from what it returns; a throwing callback or a bad record is a server_error.

import type { Context } from '../context';
import { serverError } from '../errors/oauth-error';
import type { Client } from '../types';
import { isObject } from '../util/assert';
import { readClient } from './validate-client';

export async function loadClient(ctx: Context, clientId: string): Promise<Client | undefined> {
  let client: unknown;
  try {
    client = await ctx.config.findClient(clientId);
  } catch (err) {
    throw serverError(err, 'findClient threw');
  }
  if (client === null || client === undefined || client === false) return undefined;
  if (!isObject(client)) {
    throw serverError(new TypeError('findClient must return { id, grants, ... } or null'), 'findClient returned a malformed client');
  }
  return readClient(ctx, clientId, client);
}

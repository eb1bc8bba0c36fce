// lib/client-auth/authenticate-client.ts
// Establishes which client is calling: client_secret_basic, client_secret_post, none (RFC 6749 §2.3), or a JWT
// assertion, private_key_jwt / client_secret_jwt (RFC 7523 §2.2; verified in client-assertion.ts).

import type { Request } from 'express';
import type { Context } from '../context';
import { invalidRequest, isOAuthError, OAuthError } from '../errors/oauth-error';
import { clientThrottle } from '../throttle/client-throttle';
import type { Client, ClientAuthMethod, FormParams } from '../types';
import { isBasic, parseBasic } from './basic';
import { dummyCost, noteSecretCost } from './dummy-cost';
import { costOf, dummyVerify, verifySecret } from './hash-secret';
import { loadClient } from './load-client';
import { wwwAuthenticate } from '../http/www-authenticate';
import { assertNoControlCharacters, hasControlCharacter } from '../http/params';
import { readClientAssertion, verifyClientAssertion, type PresentedAssertion } from './client-assertion';
import { registeredAuthMethod } from './registered-method';
import { epochSeconds } from '../util/clock';

export interface AuthenticatedClient {
  readonly client: Client;
  readonly method: ClientAuthMethod;
}

interface Presented {
  readonly method: ClientAuthMethod;
  readonly clientId: string;
  readonly secret?: string;
  readonly assertion?: PresentedAssertion;
}

/** Authenticates the client of a token, revocation or introspection request; throws `invalid_client` otherwise. */
export async function authenticateClient(ctx: Context, req: Request, params: FormParams): Promise<AuthenticatedClient> {
  const presented = presentedCredentials(ctx, req, params);
  const client = await loadClient(ctx, presented.clientId);
  // RFC 6749 §2.3.1: the server "MUST protect any endpoint utilizing it against brute force attacks".
  const refreshToken = params.grant_type === 'refresh_token' ? params.refresh_token : undefined;
  const throttle = clientThrottle(ctx, req, { clientId: presented.clientId, client, remembered: isRemembered(ctx, client, presented), refreshToken });
  await throttle.guard();
  let authenticated: AuthenticatedClient;
  try {
    authenticated = await verifyPresented(ctx, req, presented, client);
  } catch (err) {
    if (isOAuthError(err) && err.error === 'invalid_client') await throttle.failed();
    else await throttle.abandoned().catch(() => undefined); // the original error matters more
    throw err;
  }
  await throttle.succeeded();
  return authenticated;
}

/** A secret this process already accepted for this client (verified-secrets.ts): presenting it guesses nothing. */
function isRemembered(ctx: Context, client: Client | undefined, presented: Presented): boolean {
  if (client?.secretHash === undefined || presented.secret === undefined) return false;
  return ctx.verifiedSecrets.has(client.id, presented.secret, client.secretHash);
}

async function verifyPresented(ctx: Context, req: Request, presented: Presented, client: Client | undefined): Promise<AuthenticatedClient> {
  const fail = (detail: string): OAuthError => invalidClient(ctx, detail);
  if (client === undefined) {
    // An unknown client costs one bcrypt compare, like a known one with a wrong secret.
    if (presented.secret !== undefined) await dummyVerify(presented.secret, dummyCost(ctx));
    throw fail('unknown client');
  }
  const allowed = registeredAuthMethod(client);
  if (allowed !== undefined && allowed !== presented.method) {
    if (presented.secret !== undefined) await dummyVerify(presented.secret, costOf(client.secretHash));
    throw fail(`client uses ${allowed}, not ${presented.method}`);
  }
  if (presented.assertion !== undefined) {
    await verifyClientAssertion(ctx, req, client, presented.assertion);
    if (presented.method === 'client_secret_jwt') assertSecretCurrent(ctx, client, fail);
    return { client, method: presented.method };
  }
  if (presented.method === 'none') {
    if (client.secretHash !== undefined) throw fail('confidential client sent no secret');
    return { client, method: 'none' };
  }
  if (client.secretHash === undefined) throw fail('public client sent a secret');
  const secret = presented.secret ?? '';
  if (!ctx.verifiedSecrets.has(client.id, secret, client.secretHash)) {
    // Only a real compare needs the cost noted; a remembered pair stays off this path entirely.
    noteSecretCost(ctx, client.secretHash);
    if (!(await verifySecret(secret, client.secretHash))) throw fail('wrong client secret');
    ctx.verifiedSecrets.add(client.id, secret, client.secretHash);
  }
  assertSecretCurrent(ctx, client, fail);
  return { client, method: presented.method };
}

/**
 * RFC 7591 §3.2.1 `client_secret_expires_at`: "Time at which the client secret will expire or 0 if it will not
 * expire". Checked after the secret, so only its holder learns that it expired.
 */
function assertSecretCurrent(ctx: Context, client: Client, fail: (detail: string) => OAuthError): void {
  const end = client.clientSecretExpiresAt;
  if (end !== undefined && end !== 0 && epochSeconds(ctx.config.now) >= end) throw fail('client secret expired');
}

function presentedCredentials(ctx: Context, req: Request, params: FormParams): Presented {
  // Whatever the method, the client id reaches findClient. RFC 6749 Appendix A.1: client-id = *VSCHAR (%x20-7E).
  // Only its control characters are refused (a NUL makes a PostgreSQL lookup throw: a 500 for anyone): ids beyond
  // ASCII break no lookup, and apps that registered some would lose those clients.
  assertNoControlCharacters('client_id', params.client_id);
  const header = req.headers.authorization;
  const inBody = params.client_secret !== undefined;
  if (params.client_assertion !== undefined || params.client_assertion_type !== undefined) {
    // RFC 6749 §2.3: "The client MUST NOT use more than one authentication method in each request."
    if (header !== undefined || inBody) throw invalidRequest('Use exactly one client authentication method', 'client_assertion with another method');
    const assertion = readClientAssertion(params)!;
    return { method: assertion.method, clientId: assertion.clientId, assertion };
  }
  if (header !== undefined && !isBasic(header)) {
    throw invalidRequest('Unsupported Authorization scheme at this endpoint', 'non-basic authorization header');
  }
  if (header !== undefined) {
    // RFC 6749 §2.3: "The client MUST NOT use more than one authentication method in each request."
    if (inBody) throw invalidRequest('Use exactly one client authentication method', 'basic and client_secret');
    const basic = parseBasic(header);
    if (basic === undefined) throw invalidClient(ctx, 'malformed basic header');
    if (hasControlCharacter(basic.clientId)) throw invalidClient(ctx, 'control character in basic client id');
    if (params.client_id !== undefined && params.client_id !== basic.clientId) {
      throw invalidRequest('client_id does not match the Authorization header', 'client_id mismatch');
    }
    return { method: 'client_secret_basic', clientId: basic.clientId, secret: basic.clientSecret };
  }
  const clientId = params.client_id;
  if (clientId === undefined || clientId === '') {
    throw invalidClient(ctx, 'no client authentication');
  }
  if (inBody) return { method: 'client_secret_post', clientId, secret: params.client_secret };
  return { method: 'none', clientId };
}

/**
 * RFC 6749 §5.2: 401 invalid_client. RFC 9110 §11.6.1: a 401 "MUST send a WWW-Authenticate header field", so every
 * one carries the Basic challenge (the header scheme this server supports), not only those after a Basic attempt.
 */
function invalidClient(ctx: Context, detail: string): OAuthError {
  const headers = { 'WWW-Authenticate': wwwAuthenticate('Basic', { realm: ctx.config.realm }) };
  return new OAuthError('invalid_client', 'Client authentication failed', { detail, headers });
}

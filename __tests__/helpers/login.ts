// __tests__/helpers/login.ts
// Obtains real tokens from the real /token endpoint, for tests of the endpoints around it.

import request from 'supertest';
import type { Express } from 'express';
import { basic, form, WEB_SECRET } from './server';

export interface Tokens {
  readonly access_token: string;
  readonly refresh_token?: string;
  readonly id_token?: string;
  readonly scope: string;
  readonly expires_in: number;
}

/** Password grant as the confidential client 'web' (alice by default). */
export async function loginWeb(app: Express, scope = 'openid profile email orders', username = 'alice', password = 'correct horse'): Promise<Tokens> {
  const res = await request(app)
    .post('/oauth2/token')
    .set('Authorization', basic('web', WEB_SECRET))
    .type('form')
    .send(form({ grant_type: 'password', username, password, scope }));
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as Tokens;
}

/** Password grant as the public client 'cli' (bob by default). */
export async function loginCli(app: Express, scope = 'orders', username = 'bob', password = 'hunter2'): Promise<Tokens> {
  const res = await request(app)
    .post('/oauth2/token')
    .type('form')
    .send(form({ grant_type: 'password', client_id: 'cli', username, password, scope }));
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as Tokens;
}

/** POST a form to an endpoint of the router as 'web' (Basic auth). */
export function postAsWeb(app: Express, path: string, params: Record<string, string>) {
  return request(app).post(`/oauth2${path}`).set('Authorization', basic('web', WEB_SECRET)).type('form').send(form(params));
}

/** The decoded (unverified) parts of a JWS, for assertions on what we issued. */
export function decodeJwt(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [h, p] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as Record<string, unknown>,
    payload: JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>,
  };
}

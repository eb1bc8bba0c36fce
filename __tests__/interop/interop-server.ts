// __tests__/interop/interop-server.ts
// A real listening server on 127.0.0.1 for the interoperability tests, and a runner for the ESM client scripts.

import { execFile } from 'node:child_process';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import express from 'express';
import { MemoryStore, passwordGrant, type PasswordGrant, type PasswordGrantOptions } from '../../lib';
import { loadFixture, verifyUserFrom } from '../helpers/server';
import { rsaPem } from '../helpers/keys';

export const RESOURCE_AUDIENCE = 'https://api.example.com';

export interface InteropServer {
  /** e.g. http://127.0.0.1:41234 (or with the issuer path) */
  readonly issuer: string;
  readonly origin: string;
  readonly auth: PasswordGrant;
  readonly events: Array<{ name: string; payload: unknown }>;
  close(): Promise<void>;
}

/**
 * Listens first (to learn the port the issuer must name), then builds the app: discovery at the root, the router at
 * `routerPath`, userinfo enabled, a protected route at /api/orders. As in the README, no `endpointsBaseUrl`: the
 * documents name the router where the app mounted it, unless `explicitEndpointsBaseUrl` sets it to the same URL.
 */
export async function startInteropServer(
  options: { issuerPath?: string; routerPath?: string; explicitEndpointsBaseUrl?: boolean; overrides?: Partial<PasswordGrantOptions> } = {},
): Promise<InteropServer> {
  const f = await loadFixture();
  const server: Server = createHttpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const issuer = origin + (options.issuerPath ?? '');
  const routerPath = options.routerPath ?? '/oauth2';
  const auth = passwordGrant({
    issuer,
    audience: RESOURCE_AUDIENCE,
    ...(options.explicitEndpointsBaseUrl === true ? { endpointsBaseUrl: origin + routerPath } : {}),
    signingKeys: { kid: 'k1', alg: 'RS256', key: rsaPem() },
    findClient: (id) => f.clients.get(id) ?? null,
    verifyUser: verifyUserFrom(f),
    findUser: (sub) => {
      for (const [username, row] of f.users) if (row.id === sub) return { id: row.id, claims: row.claims, username };
      return null;
    },
    store: new MemoryStore(),
    ...options.overrides,
  });
  const events: Array<{ name: string; payload: unknown }> = [];
  for (const name of ['token.issued', 'token.refreshed', 'token.revoked', 'token.rejected', 'client.failed', 'login.failed', 'error'] as const) {
    auth.on(name, (payload: unknown) => events.push({ name, payload }));
  }
  const app = express();
  app.use(auth.discovery);
  app.use(routerPath, auth.router);
  app.get('/api/orders', auth.requireToken({ scope: 'orders' }), (req, res) => {
    res.json({ sub: req.auth?.sub });
  });
  server.on('request', app);
  return {
    issuer,
    origin,
    auth,
    events,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** What a client script reports for each step: its value, or the error a client library threw. */
export type StepResult =
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON another process printed, read only by assertions (like supertest's res.body)
  { ok: true; value: any } | { ok: false; error: { name: string; code?: string; message: string; error?: string; status?: number } };

/**
 * Runs an ESM client script with `node` (the client libraries are ESM-only; jest here runs CommonJS), asynchronously
 * so this process keeps serving its requests, and returns the JSON it prints.
 */
export function runClientScript(script: string, input: unknown): Promise<Record<string, StepResult>> {
  const file = path.join(__dirname, script);
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [file], { env: { ...process.env, INTEROP_INPUT: JSON.stringify(input) }, timeout: 20_000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`${script} failed: ${err.message}\n${stderr}`));
      try {
        resolve(JSON.parse(stdout.trim().split('\n').pop() ?? ''));
      } catch {
        reject(new Error(`${script} printed no JSON:\n${stdout}\n${stderr}`));
      }
    });
  });
}

/** The value of a step the client script ran; throws with the step's error when it failed. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function value(results: Record<string, StepResult>, name: string): any {
  const r = results[name];
  if (r === undefined) throw new Error(`step ${name} did not run`);
  if (!r.ok) throw new Error(`step ${name} failed: ${JSON.stringify(r.error)}`);
  return r.value;
}

/** The error of a step that must have failed. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function error(results: Record<string, StepResult>, name: string): any {
  const r = results[name];
  if (r === undefined || r.ok) throw new Error(`step ${name} should have failed: ${JSON.stringify(r)}`);
  return r.error;
}

// __tests__/interop/client-snippets.test.ts
// Runs docs/endpoints.md's openid-client and oauth4webapi snippets (example-app/clients/*.mjs) against the example app.
// It requires the BUILT package (dist/): `npm test` builds it first; locally `npm run build`.

import fs from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createApp } from '../../example-app/app';
import type { ExampleApp } from '../../example-app/app';
import { fileBlocks, read, ROOT } from '../docs/markdown';
import { runCommand } from '../helpers/cli';

const SNIPPETS = ['example-app/clients/openid-client.mjs', 'example-app/clients/oauth4webapi.mjs'];

let dataDir: string;
let example: ExampleApp;
let server: Server;
let issuer: string;
const logs: string[] = [];

/** The audit events the example app logged (one JSON line each) since `from`. */
function eventsSince(from: number): Array<Record<string, unknown>> {
  return logs
    .slice(from)
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'epg-snippets-'));
  // Listen first, so the issuer can name the port (127.0.0.1: what the snippets' fetch reaches without a DNS lookup).
  server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  issuer = `http://127.0.0.1:${port}`;
  example = createApp({ dataDir, port, issuer, log: (line) => logs.push(line), bcryptCost: 4 });
  server.on('request', example.app);
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await example?.store.close?.();
  example?.db.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

describe.each(SNIPPETS)('%s', (snippet) => {
  it('is shown verbatim in docs/endpoints.md', () => {
    const shown = fileBlocks('docs/endpoints.md').filter((b) => b.shows === snippet);
    expect(shown.map((b) => b.code)).toEqual([read(snippet)]);
  });

  it('runs against the example app: discovery, password grant, refresh, userinfo, revoke', async () => {
    const from = logs.length;
    const run = await runCommand([process.execPath, path.join(ROOT, snippet)], [], ROOT, '', { ISSUER: issuer });
    if (run.code !== 0) throw new Error(`exit ${run.code}\n${run.stdout}\n${run.stderr}`);
    const alice = example.db.findUserByEmail('alice@example.com');
    const [signedIn, refreshed, userinfo, revoked, ...rest] = run.stdout.trim().split('\n');
    expect([signedIn, refreshed, revoked, rest]).toEqual([
      `signed in as ${alice?.id} (scope: openid profile email orders offline_access)`,
      'refreshed: the old refresh token is spent',
      'revoked: the login has ended',
      [],
    ]);
    expect(JSON.parse(userinfo.replace(/^userinfo: /, ''))).toEqual({
      sub: String(alice?.id),
      email: 'alice@example.com',
      email_verified: true,
      name: 'Alice Liddell',
    });
    // What the server saw, in order: one login, one refresh, and the revocation that ended that very login.
    const events = eventsSince(from);
    const seen = events.map((e) => e.event);
    expect(seen).not.toContain('error');
    expect(seen.filter((name) => name !== 'login.succeeded')).toEqual(['token.issued', 'token.refreshed', 'session.revoked', 'token.revoked']);
    const issued = events.find((e) => e.event === 'token.issued');
    expect(issued).toMatchObject({ clientId: 'demo-web', grantType: 'password', refreshToken: true, idToken: true });
    expect(events.find((e) => e.event === 'session.revoked')).toMatchObject({ reason: 'revoked', sid: issued?.sid });
  });
});

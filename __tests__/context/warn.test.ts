// __tests__/context/warn.test.ts
// The one channel of one-time warnings: a `warning` event with its code when the app listens, a process warning with
// the same code when it does not, at most once per instance and code, and nothing for a code the app silenced.

import express from 'express';
import type { PasswordGrantOptions } from '../../lib';
import { postAsWeb } from '../helpers/login';
import { fixtureGrant } from '../helpers/server';

const NO_DISCOVERY =
  'tokens are being issued but auth.discovery is not mounted: clients that discover the server from its issuer ' +
  '(openid-client, OIDC libraries) get a 404 at /.well-known/openid-configuration. Mount it at the root of the app: ' +
  'app.use(auth.discovery). If the app serves no discovery on purpose, pass discovery: false to passwordGrant().';

/** An app that forgot `app.use(auth.discovery)`: its first token gives EPG_NO_DISCOVERY. */
async function appWithoutDiscovery(overrides: Partial<PasswordGrantOptions> = {}) {
  const { auth } = await fixtureGrant(overrides);
  return { app: express().use('/oauth2', auth.router), auth };
}

const token = (app: express.Express) => postAsWeb(app, '/token', { grant_type: 'password', username: 'alice', password: 'correct horse' });

let processWarnings: Array<{ message: string; code: string | undefined }>;
let spy: jest.SpyInstance;
beforeEach(() => {
  processWarnings = [];
  spy = jest.spyOn(process, 'emitWarning').mockImplementation((message: unknown, options?: unknown) => {
    processWarnings.push({ message: String(message), code: (options as { code?: string } | undefined)?.code });
  });
});
afterEach(() => spy.mockRestore());

describe('the warning channel', () => {
  it('writes a process warning with the code when nothing listens to `warning`, once per instance', async () => {
    const first = await appWithoutDiscovery();
    const second = await appWithoutDiscovery();
    for (let i = 0; i < 2; i++) expect((await token(first.app)).status).toBe(200);
    expect((await token(second.app)).status).toBe(200);
    const expected = { code: 'EPG_NO_DISCOVERY', message: `express-password-grant: ${NO_DISCOVERY}` };
    expect(processWarnings).toEqual([expected, expected]);
  });

  it('gives a `warning` event { code, message } instead when the app listens, and no process warning', async () => {
    const { app, auth } = await appWithoutDiscovery();
    const heard: unknown[] = [];
    auth.on('warning', (w) => heard.push(w));
    expect((await token(app)).status).toBe(200);
    expect((await token(app)).status).toBe(200);
    expect(heard).toEqual([{ code: 'EPG_NO_DISCOVERY', message: NO_DISCOVERY }]);
    expect(processWarnings).toEqual([]);
  });

  it('routes the warnings that existed before (EPG_REQUIRE_TLS) through the same event', async () => {
    const { app, auth } = await appWithoutDiscovery({ requireTLS: true, discovery: false });
    const heard: Array<{ code: string }> = [];
    auth.on('warning', (w) => heard.push(w));
    expect((await token(app)).status).toBe(400);
    expect(heard.map((w) => w.code)).toEqual(['EPG_REQUIRE_TLS']);
    expect(processWarnings).toEqual([]);
  });

  it('gives nothing at all for a silenced code: no event, no process warning', async () => {
    const { app, auth } = await appWithoutDiscovery({ warnings: { silence: ['EPG_NO_DISCOVERY'] } });
    const heard: unknown[] = [];
    auth.on('warning', (w) => heard.push(w));
    expect((await token(app)).status).toBe(200);
    const quiet = await appWithoutDiscovery({ warnings: { silence: ['EPG_NO_DISCOVERY'] } });
    expect((await token(quiet.app)).status).toBe(200);
    expect(heard).toEqual([]);
    expect(processWarnings).toEqual([]);
  });

  it('never lets a throwing listener break the response', async () => {
    const { app, auth } = await appWithoutDiscovery();
    auth.on('warning', () => {
      throw new Error('logger down');
    });
    expect((await token(app)).status).toBe(200);
    expect(processWarnings).toEqual([]);
  });
});

// __tests__/example-app/demo-console.test.ts
// Clicks through the demo console in headless Chromium against the real example server, at desktop and phone width;
// screenshots every step (artifacts/demo-console/walkthrough/). Step 6, the sessions: demo-console-sessions.test.ts.

import fs from 'node:fs';
import { PHONE, startDemoBrowser, type DemoBrowser } from '../helpers/demo-browser';

jest.setTimeout(120_000);

let demo: DemoBrowser;
let port: number;
const screenshot = (step: string) => demo.screenshot(step);
const press = (id: string) => demo.press(id);
const text = (selector: string) => demo.text(selector);
const json = (selector: string) => demo.json(selector);
const open = () => demo.open();
const overflows = () => demo.overflows();

beforeAll(async () => {
  demo = await startDemoBrowser('walkthrough');
  ({ port } = demo);
});

afterAll(async () => {
  await demo?.close();
});

describe('the demo console in a browser', () => {
  it('opens at / labelled as a developer demo, with the endpoints found through discovery', async () => {
    await open();
    expect(await text('#banner')).toContain('Developer demo');
    expect(await text('#banner')).toContain('authorization code flow with PKCE (RFC 9700 §2.4)');
    expect(await text('#discovery')).toContain(`token endpoint http://localhost:${port}/oauth2/token`);
    expect(await demo.page.inputValue('#username')).toBe('alice@example.com');
    for (const id of ['call-me', 'list-sessions', 'revoke-others', 'change-password']) expect(await demo.page.isDisabled(`#${id}`)).toBe(true);
    await screenshot('opened');
  });

  it('signs alice in with the public client and shows the token response and decoded claims', async () => {
    await press('signin');
    expect(await text('#signin-status')).toMatch(/^200 /);
    const response = await json('#token-response');
    expect(response).toMatchObject({ token_type: 'Bearer', scope: 'openid profile orders', expires_in: 3600 });
    const access = await json('#access-claims');
    expect(access).toMatchObject({ iss: `http://localhost:${port}`, client_id: 'demo-cli', scope: 'openid profile orders' });
    expect(typeof access.sub).toBe('string');
    const id = await json('#id-claims');
    expect(id).toMatchObject({ sub: access.sub, aud: 'demo-cli', name: 'Alice Liddell' });
    await screenshot('signed-in');
  });

  it('calls /api/me and /api/orders with the access token', async () => {
    await press('call-me');
    expect(await text('#api-status')).toMatch(/^200 /);
    expect(await text('#api-body')).toContain('"email": "alice@example.com"');
    await screenshot('api-me');
    await press('call-orders');
    expect(await text('#api-status')).toMatch(/^200 /);
    expect(await text('#api-body')).toContain('Looking-glass');
    await screenshot('api-orders');
  });

  it('refreshes: new tokens, and the new access token works', async () => {
    const before = await json('#access-claims');
    await press('refresh');
    expect(await text('#refresh-status')).toMatch(/^200 /);
    expect(await text('#refresh-explain')).toContain('is now spent');
    const after = await json('#access-claims');
    expect(after.sub).toBe(before.sub);
    expect(after.jti).not.toBe(before.jti);
    await screenshot('refreshed');
    await press('call-me');
    expect(await text('#api-status')).toMatch(/^200 /);
  });

  it('refuses the old refresh token with invalid_grant, which ends the whole login (RFC 9700 §4.14.2)', async () => {
    await press('replay');
    expect(await text('#refresh-status')).toMatch(/^400 .*invalid_grant/);
    expect(await text('#refresh-explain')).toContain('RFC 9700 §4.14.2');
    expect(await text('#refresh-body')).toContain('"error": "invalid_grant"');
    // The newest access token died with the family.
    expect(await text('#refresh-body')).toContain('GET /api/me with the newest access token: 401');
    expect(await demo.page.isDisabled('#revoke')).toBe(true);
    expect(await text('#revoke-hint')).toBe(
      'The login has ended: the replayed refresh token in step 4 revoked it. Sign in again (step 2) to revoke a live one.',
    );
    // Step 3 no longer shows its old 200 next to disabled buttons, but why they are disabled.
    expect(await demo.page.isDisabled('#call-me')).toBe(true);
    expect(await demo.page.isVisible('#api-result')).toBe(false);
    expect(await text('#api-hint')).toBe('The login has ended: the replayed refresh token in step 4 revoked it. Sign in again (step 2) to call the API.');
    expect(await demo.page.isVisible('#api-hint')).toBe(true);
    await screenshot('old-refresh-token-refused');
  });

  it('signs in again and revokes: then /api/me answers 401', async () => {
    await press('signin');
    expect(await text('#signin-status')).toMatch(/^200 /);
    expect(await demo.page.isVisible('#api-hint')).toBe(false);
    expect(await demo.page.isVisible('#revoke-hint')).toBe(false);
    await press('call-me');
    expect(await text('#api-status')).toMatch(/^200 /);
    expect(await demo.page.isVisible('#api-explain')).toBe(false); // a 200 needs no explanation
    await press('refresh');
    expect(await text('#refresh-status')).toMatch(/^200 /);
    await press('list-sessions');
    expect(await demo.page.isVisible('#sessions-result')).toBe(true);
    await screenshot('signed-in-again');
    await press('revoke');
    expect(await text('#revoke-status')).toMatch(/^200 /);
    expect(await text('#revoke-body')).toContain('{}');
    expect(await text('#after-revoke-status')).toContain('401');
    expect(await text('#after-revoke-body')).toContain('invalid_token');
    expect(await text('#after-revoke-explain')).toBe(
      'The access token was revoked: revoking the refresh token ended the whole login, so /api/me refuses its access ' +
        'token too although it has not expired (RFC 7009 §2.1).',
    );
    // Steps 3, 4 and 6 say the login has ended instead of showing their old 200s next to disabled buttons.
    for (const [step, todo] of [
      ['api', 'call the API'],
      ['refresh', 'refresh'],
      ['sessions', 'see its sessions'],
    ]) {
      expect(await demo.page.isVisible(`#${step}-result`)).toBe(false);
      expect(await text(`#${step}-hint`)).toBe(`The login has ended: step 5 revoked it. Sign in again (step 2) to ${todo}.`);
    }
    await screenshot('revoked');
  });

  it('at phone width (390 px) fits: no horizontal scrolling, every field and result inside its card', async () => {
    await demo.page.setViewportSize(PHONE);
    await open();
    expect(await overflows()).toEqual([]);
    await screenshot('phone-opened');
  });

  it("at phone width, Bob's pre-filled scope gets a 403 insufficient_scope from /api/me, with one sentence saying why", async () => {
    await demo.page.selectOption('#user', 'bob');
    expect(await demo.page.inputValue('#scope')).toBe('openid orders');
    await press('signin');
    expect(await text('#signin-status')).toMatch(/^200 /);
    const scope = (await json('#token-response')).scope;
    expect(await overflows()).toEqual([]);
    await screenshot('phone-bob-signed-in');
    await press('call-me');
    expect(await text('#api-status')).toMatch(/^403 .*insufficient_scope/);
    expect(await text('#api-body')).toContain('scope="profile"');
    expect(await text('#api-explain')).toBe(
      `Bob's token lacks the scope this route requires: /api/me needs "profile", but Bob may grant only "orders", so the ` +
        `token carries "${String(scope)}" (403 insufficient_scope, RFC 6750 §3.1).`,
    );
    expect(await overflows()).toEqual([]);
    await screenshot('phone-bob-insufficient-scope');
    await press('call-orders');
    expect(await text('#api-status')).toMatch(/^200 /);
    expect(await text('#api-body')).toContain('Spanner set');
    expect(await demo.page.isVisible('#api-explain')).toBe(false);
  });

  it('at phone width, the revocation and its explanation fit too', async () => {
    await press('revoke');
    expect(await text('#after-revoke-explain')).toMatch(/^The access token was revoked: /);
    expect(await overflows()).toEqual([]);
    await screenshot('phone-bob-revoked');
  });

  it('ran with no page error, console error (such as a CSP violation) or alert', () => {
    expect(demo.problems).toEqual([]);
    expect(fs.readdirSync(demo.shots.dir)).toHaveLength(demo.shots.count);
  });
});

// __tests__/example-app/demo-console-sessions.test.ts
// Step 6 of the demo console in headless Chromium against the real example server: the user's sessions (a second
// device signs in over HTTP), signing one out, a password change, "everywhere else", then the page's own session;
// at desktop and phone width. Screenshots of the panel (and of the page) in artifacts/demo-console/sessions/.

import fs from 'node:fs';
import { PHONE, startDemoBrowser, type DemoBrowser } from '../helpers/demo-browser';

jest.setTimeout(120_000);

const ALICE = { email: 'alice@example.com', password: 'wonderland' };
const BOB = { email: 'bob@example.com', password: 'builder-bob' };
const NEW_PASSWORD = 'through-the-looking-glass';
const WEB = { id: 'demo-web', secret: 'demo-web-secret' };
/** A real browser's User-Agent with an unbroken tail: a row must wrap it, never widen the page. */
const LONG_UA = `Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile ${'x'.repeat(90)}`;

/** A session signed in somewhere else than the page: its tokens, and its sid. */
interface Device {
  readonly access: string;
  refresh: string;
  readonly sid: string;
}

/** The sessions panel, which most screenshots show alone. */
const PANEL = '#step-6';

let demo: DemoBrowser;
const page = () => demo.page;

/** POST /oauth2/token as demo-web (confidential, Basic auth), or as the console's public demo-cli. */
async function tokenRequest(params: Record<string, string>, { userAgent = 'node', client = 'demo-web' } = {}) {
  const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded', 'User-Agent': userAgent };
  if (client === WEB.id) headers.Authorization = `Basic ${Buffer.from(`${WEB.id}:${WEB.secret}`).toString('base64')}`;
  else params = { ...params, client_id: client };
  const res = await fetch(`${demo.base}/oauth2/token`, { method: 'POST', headers, body: new URLSearchParams(params).toString() });
  return { status: res.status, body: (await res.json()) as Record<string, string> };
}

/** A second device signs in over HTTP: a session the page did not start. */
async function signInElsewhere(user: { email: string; password: string }, userAgent: string): Promise<Device> {
  const res = await tokenRequest({ grant_type: 'password', username: user.email, password: user.password }, { userAgent });
  expect(res.status).toBe(200);
  const sid = JSON.parse(Buffer.from(res.body.access_token.split('.')[1], 'base64url').toString()).sid as string;
  return { access: res.body.access_token, refresh: res.body.refresh_token, sid };
}

/** The session is over for that device: its refresh token gets invalid_grant, its access token 401. */
async function expectSignedOut(device: Device, client = WEB.id): Promise<void> {
  const res = await tokenRequest({ grant_type: 'refresh_token', refresh_token: device.refresh }, { client });
  expect([res.status, res.body.error]).toEqual([400, 'invalid_grant']);
  const me = await fetch(`${demo.base}/me/sessions`, { headers: { Authorization: `Bearer ${device.access}` } });
  expect(me.status).toBe(401);
}

/** The listed sessions as the page shows them. */
async function rows(): Promise<Array<{ sid: string | null; current: boolean; text: string }>> {
  const items = await page().locator('#sessions-list li').all();
  return Promise.all(
    items.map(async (li) => ({
      sid: await li.getAttribute('data-sid'),
      current: ((await li.getAttribute('class')) ?? '').split(' ').includes('current'),
      // One line per line of the item (innerText puts a blank line between paragraphs).
      text: (await li.innerText()).replace(/\s*\n\s*/g, '\n'),
    })),
  );
}

/** Waits until the panel's sentence starts with `start` (a row's button is not a pressable #id), then reads it. */
async function sentence(id: string, start: string): Promise<string> {
  await page().locator(`#${id}`, { hasText: start }).waitFor();
  return demo.text(`#${id}`);
}

async function currentSid(): Promise<string> {
  return (await demo.json('#access-claims')).sid as string;
}

beforeAll(async () => {
  demo = await startDemoBrowser('sessions');
  await demo.open();
  await demo.press('signin');
  expect(await demo.text('#signin-status')).toMatch(/^200 /);
});

afterAll(async () => {
  await demo?.close();
});

describe('step 6 of the demo console: signed-in sessions', () => {
  let laptop: Device;

  it('lists both sessions of alice, the page\'s own marked "this session", with client, times, IP and User-Agent', async () => {
    laptop = await signInElsewhere(ALICE, 'Laptop/2.0 (a second device)');
    await demo.press('list-sessions');
    expect(await demo.text('#sessions-status')).toMatch(/^200 /);
    expect(await demo.text('#sessions-explain')).toBe(
      'This user has 2 sessions, one per sign-in: "this session" is the one ' +
        'whose access token this page holds (its sid), and each can be signed out from here.',
    );
    const listed = await rows();
    expect(listed.map((r) => r.sid).sort()).toEqual([await currentSid(), laptop.sid].sort());
    const [mine, other] = [listed.find((r) => r.current), listed.find((r) => !r.current)];
    expect(mine?.sid).toBe(await currentSid());
    expect(mine?.text).toMatch(
      /^demo-cli\nthis session\nSigned in .+ · last used .+\n127\.0\.0\.1 · Mozilla\/5\.0 .*HeadlessChrome\/.*\nSign out this session$/,
    );
    expect(other?.text).toMatch(/^demo-web\nSigned in .+ · last used .+\n127\.0\.0\.1 · Laptop\/2\.0 \(a second device\)\nSign out this session$/);
    await demo.screenshot('two-sessions', PANEL);
  });

  it('signs the other session out from its row: it leaves the list, its refresh token gets invalid_grant', async () => {
    await page().click(`#sessions-list li[data-sid="${laptop.sid}"] button`);
    expect(await sentence('sessions-explain', 'The demo-web session')).toBe(
      'The demo-web session is signed out: its refresh ' +
        'token now gets invalid_grant and its access tokens 401, wherever they are; this session stays signed in.',
    );
    expect(await demo.text('#sessions-body')).toContain(`DELETE /me/sessions/${laptop.sid}`);
    expect((await rows()).map((r) => [r.sid, r.current])).toEqual([[await currentSid(), true]]);
    await expectSignedOut(laptop);
    await demo.press('call-me');
    expect(await demo.text('#api-status')).toMatch(/^200 /);
    await demo.screenshot('other-signed-out', PANEL);
  });

  let renewed: Device;

  it('changes the password: every other session ends, this one goes on, and only the new password logs in', async () => {
    const others = [await signInElsewhere(ALICE, 'Phone/1.0'), await signInElsewhere(ALICE, 'Tablet/3.0')];
    await page().fill('#current-password', ALICE.password);
    await page().fill('#new-password', NEW_PASSWORD);
    await demo.press('change-password');
    expect(await demo.text('#password-status')).toMatch(/^200 /);
    expect(await demo.text('#password-explain')).toBe(
      'Password changed, and 2 other sessions signed out, so whoever knew ' +
        'the old password is out; this session stays signed in, and step 1 now holds the new password.',
    );
    expect(await demo.text('#password-body')).toBe(
      'POST /me/password (the passwords sent are not shown)\n' + JSON.stringify({ changed: true, sessionsEnded: 2 }, null, 2),
    );
    expect([await page().inputValue('#current-password'), await page().inputValue('#new-password')]).toEqual(['', '']);
    // The list was drawn again: only this session is left.
    expect((await rows()).map((r) => r.current)).toEqual([true]);
    expect(await demo.text('#sessions-explain')).toMatch(/^Only this session: /);
    for (const device of others) await expectSignedOut(device);
    await demo.press('call-me');
    expect(await demo.text('#api-status')).toMatch(/^200 /);
    await demo.press('refresh');
    expect(await demo.text('#refresh-status')).toMatch(/^200 /);
    const old = await tokenRequest({ grant_type: 'password', username: ALICE.email, password: ALICE.password });
    expect([old.status, old.body.error]).toEqual([400, 'invalid_grant']);
    expect(await page().inputValue('#password')).toBe(NEW_PASSWORD);
    renewed = await signInElsewhere({ email: ALICE.email, password: NEW_PASSWORD }, 'Laptop/2.0 (signed in again)');
    await demo.screenshot('password-changed', PANEL);
  });

  it('refuses a wrong current password with one sentence, and ends nothing', async () => {
    await page().fill('#current-password', ALICE.password);
    await page().fill('#new-password', 'yet-another-password');
    await demo.press('change-password');
    expect(await demo.text('#password-status')).toMatch(/^403 .*wrong_password/);
    expect(await demo.text('#password-explain')).toBe('Not changed: the current password is not right.');
    const still = await tokenRequest({ grant_type: 'refresh_token', refresh_token: renewed.refresh });
    expect(still.status).toBe(200);
    renewed.refresh = still.body.refresh_token;
    await demo.screenshot('wrong-current-password', PANEL);
  });

  it('signs out everywhere else: the other device is signed out, this page stays signed in', async () => {
    await demo.press('revoke-others');
    expect(await demo.text('#sessions-explain')).toBe('Signed out one other session: their tokens no longer work anywhere, and this session stays signed in.');
    expect((await rows()).map((r) => r.current)).toEqual([true]);
    await expectSignedOut(renewed);
    await demo.press('call-me');
    expect(await demo.text('#api-status')).toMatch(/^200 /);
    await demo.screenshot('signed-out-everywhere-else', PANEL);
  });

  it("signs the page's own session out from its row: its tokens stop working and the other steps say why", async () => {
    const tokens = await page().evaluate(() => {
      const { demoConsole } = globalThis as unknown as { demoConsole: { state: { tokens: Record<string, string> } } };
      return { access: demoConsole.state.tokens.access_token, refresh: demoConsole.state.tokens.refresh_token };
    });
    await page().click('#sessions-list li.current button');
    expect(await sentence('sessions-explain', 'This session is signed out')).toBe(
      'This session is signed out: its refresh ' + "token and its access token, this page's own, no longer work, so sign in again (step 2) to go on.",
    );
    expect(await rows()).toEqual([]);
    for (const id of ['call-me', 'refresh', 'revoke', 'list-sessions', 'revoke-others', 'change-password']) {
      expect(await page().isDisabled(`#${id}`)).toBe(true);
    }
    expect(await demo.text('#api-hint')).toBe('The login has ended: step 6 signed this session out. Sign in again (step 2) to call the API.');
    expect(await page().isVisible('#api-result')).toBe(false);
    await expectSignedOut({ ...tokens, sid: '' }, 'demo-cli');
    await demo.screenshot('this-session-signed-out');
  });

  it('at phone width (390 px) the panel fits: rows with a long User-Agent, their buttons, the password form', async () => {
    await page().setViewportSize(PHONE);
    await demo.open();
    await page().selectOption('#user', 'bob');
    await demo.press('signin');
    await signInElsewhere(BOB, LONG_UA);
    await demo.press('list-sessions');
    expect(await rows()).toHaveLength(2);
    expect((await rows()).find((r) => !r.current)?.text).toContain('x'.repeat(90));
    expect(await demo.overflows()).toEqual([]);
    await demo.screenshot('phone-two-sessions', PANEL);
    await page().fill('#current-password', 'not-bobs-password');
    await page().fill('#new-password', 'bobs-new-password');
    await demo.press('change-password');
    expect(await demo.text('#password-explain')).toBe('Not changed: the current password is not right.');
    expect(await demo.overflows()).toEqual([]);
    await demo.screenshot('phone-password-refused', PANEL);
  });

  it('ran with no page error, console error (such as a CSP violation) or alert', () => {
    expect(demo.problems).toEqual([]);
    expect(fs.readdirSync(demo.shots.dir)).toHaveLength(demo.shots.count);
  });
});

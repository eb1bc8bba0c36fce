// __tests__/grants/erase.test.ts
// docs/sessions.md, "A user erased (GDPR)", over HTTP on every store: after auth.revokeSessions (and auth.unlock) no
// entry the store holds (read directly: rows, keys, MemoryStore's tables) names the user's sub, username, IP or
// User-Agent, spent, reused and revoked refresh tokens included; none of the user's refresh tokens is accepted again;
// another user's records are untouched. Ending one session deletes that session's own records.

import { createHash } from 'node:crypto';
import request from 'supertest';
import { decodeJwt } from '../helpers/login';
import { basic, createServer, form, WEB_SECRET, type TestServer } from '../helpers/server';
import { SESSION_STORES, type SessionTokenStore } from '../helpers/session-stores';

const AGENT = 'EraseMe/1.0 (Tester)';
/** Bob's address, as a proxy the app trusts reports it (alice's requests come from 127.0.0.1). */
const BOBS_IP = '198.51.100.23';
const sidOf = (accessToken: string): string => decodeJwt(accessToken).payload.sid as string;

const login = (s: TestServer, clientId = 'cli') =>
  request(s.app)
    .post('/oauth2/token')
    .set('User-Agent', AGENT)
    .set('X-Forwarded-For', BOBS_IP)
    .type('form')
    .send(form({ grant_type: 'password', client_id: clientId, username: 'bob', password: 'hunter2', scope: 'orders' }));
const refresh = (s: TestServer, refreshToken: string) =>
  request(s.app)
    .post('/oauth2/token')
    .set('User-Agent', AGENT)
    .set('X-Forwarded-For', BOBS_IP)
    .type('form')
    .send(form({ grant_type: 'refresh_token', client_id: 'cli', refresh_token: refreshToken }));

async function server(store: SessionTokenStore): Promise<TestServer> {
  const s = await createServer({ store, sessionDetails: true });
  s.app.set('trust proxy', true);
  return s;
}

/** A login of bob as 'cli' refreshed `times` times: every refresh token it was handed, oldest (spent) first. */
async function rotatedLogin(s: TestServer, times: number): Promise<{ sid: string; tokens: string[] }> {
  const res = await login(s);
  expect(res.status).toBe(200);
  const tokens = [res.body.refresh_token as string];
  for (let i = 0; i < times; i++) {
    const next = await refresh(s, tokens[tokens.length - 1]);
    expect(next.status).toBe(200);
    tokens.push(next.body.refresh_token as string);
  }
  return { sid: sidOf(res.body.access_token as string), tokens };
}

/** Alice's login as 'web' and one refresh: her current refresh token. */
async function aliceRefreshed(s: TestServer): Promise<string> {
  const post = (params: Record<string, string>) =>
    request(s.app).post('/oauth2/token').set('Authorization', basic('web', WEB_SECRET)).type('form').send(form(params));
  const first = await post({ grant_type: 'password', username: 'alice', password: 'correct horse', scope: 'orders' });
  expect(first.status).toBe(200);
  const second = await post({ grant_type: 'refresh_token', refresh_token: first.body.refresh_token as string });
  expect(second.status).toBe(200);
  return second.body.refresh_token as string;
}

/** The entries that name bob: his sub, his username (as stored, a JSON string), the login's IP, the User-Agent. */
const bobs = (lines: string[]): string[] => lines.filter((l) => l.includes('u-bob') || l.includes('"bob"') || l.includes(AGENT) || l.includes(BOBS_IP));
const alices = (lines: string[]): string[] => lines.filter((l) => l.includes('u-alice'));

describe.each(SESSION_STORES)('erasing a user on %s', (_name, make) => {
  let store: SessionTokenStore;
  let contents: () => Promise<string[]>;
  let done: () => Promise<void>;

  beforeEach(async () => {
    ({ store, contents, done } = await make());
  });
  afterEach(() => done());

  it('revokeSessions and unlock leave no entry naming the user, spent, reused and revoked tokens included; none is accepted again', async () => {
    const s = await server(store);
    const phone = await rotatedLogin(s, 3);
    const laptop = await rotatedLogin(s, 1);
    // A session ended earlier by reuse of a spent token (RFC 9700 §4.14.2): hidden since, never listed.
    const leaked = await rotatedLogin(s, 1);
    expect((await refresh(s, leaked.tokens[0])).status).toBe(400);
    // A session ended earlier by the client at /revoke (RFC 7009).
    const signedOut = await rotatedLogin(s, 1);
    expect(
      (
        await request(s.app)
          .post('/oauth2/revoke')
          .type('form')
          .send(form({ client_id: 'cli', token: signedOut.tokens[1] }))
      ).status,
    ).toBe(200);
    // A login with no refresh token, and a failed attempt (counted by the throttle).
    expect((await login(s, 'norefresh')).status).toBe(200);
    await request(s.app)
      .post('/oauth2/token')
      .type('form')
      .send(form({ grant_type: 'password', client_id: 'cli', username: 'bob', password: 'wrong' }));
    const alice = await aliceRefreshed(s);
    const before = await contents();
    // Not vacuous: the store holds bob's sessions and refresh tokens, with his details, until the erasure.
    expect(bobs(before).length).toBeGreaterThanOrEqual(3 + 4 + 2);
    expect(bobs(before).some((l) => l.includes(AGENT) && l.includes(BOBS_IP))).toBe(true);

    expect(await s.auth.revokeSessions('u-bob', { reason: 'erased' })).toBe(3);
    await s.auth.unlock('bob');

    const after = await contents();
    expect(bobs(after)).toEqual([]);
    // What is keyed by a hash of his sub: the mark that refuses tokens older than session records, and nothing else
    // (RedisStore's index of his sessions, emptied, is gone).
    const hashed = createHash('sha256').update('u-bob').digest('base64url');
    const keyedByHash = after.filter((l) => l.includes(hashed));
    expect(keyedByHash).toHaveLength(1);
    expect(keyedByHash[0]).toContain(`fam:subject:${hashed}`);
    // Every refresh token bob was ever handed is refused: spent, current, reused, revoked.
    for (const token of [...phone.tokens, ...laptop.tokens, ...leaked.tokens, ...signedOut.tokens]) {
      const res = await refresh(s, token);
      expect([res.status, res.body.error]).toEqual([400, 'invalid_grant']);
    }
    expect(await s.auth.listSessions('u-bob')).toEqual([]);
    // Alice's entries are all still there, and her refresh token works.
    expect(alices(after)).toEqual(alices(before));
    const hers = await request(s.app)
      .post('/oauth2/token')
      .set('Authorization', basic('web', WEB_SECRET))
      .type('form')
      .send(form({ grant_type: 'refresh_token', refresh_token: alice }));
    expect(hers.status).toBe(200);
  });

  it("revokeSession deletes that session and every refresh token of it, and nothing of the user's other sessions", async () => {
    const s = await server(store);
    const ended = await rotatedLogin(s, 3);
    const kept = await rotatedLogin(s, 2);
    // What names the session, but its revocation mark and the user's index of session ids (keyed by a hash of sub).
    const naming = (lines: string[], sid: string): string[] => lines.filter((l) => l.includes(sid) && !l.includes(`fam:${sid}`) && !/sub:\S+: /.test(l));
    const before = await contents();
    expect(naming(before, ended.sid).length).toBeGreaterThanOrEqual(5);
    expect(await s.auth.revokeSession('u-bob', ended.sid)).toBe(true);
    const after = await contents();
    // Only its revocation mark names it; every record of it, and every entry holding bob's data for it, is gone.
    expect(naming(after, ended.sid)).toEqual([]);
    expect(bobs(after).length).toBe(bobs(before).length - bobs(naming(before, ended.sid)).length);
    for (const token of ended.tokens) expect((await refresh(s, token)).status).toBe(400);
    expect((await refresh(s, kept.tokens[2])).status).toBe(200);
  });
});

describe('a session ended by reuse while the store fails to record the revocation', () => {
  it('is deleted first, so a failing revocation leaves no record behind that revokeSessions could not find', async () => {
    const { MemoryStore } = await import('../../lib');
    let failRevocation = false;
    class FlakyRevocations extends MemoryStore {
      override async revokeFamily(familyId: string, ttlSeconds: number): Promise<void> {
        if (failRevocation) throw new Error('revocations unavailable');
        return super.revokeFamily(familyId, ttlSeconds);
      }
    }
    const store = new FlakyRevocations();
    const s = await server(store);
    s.auth.on('error', () => undefined);
    const { sid, tokens } = await rotatedLogin(s, 1);
    failRevocation = true;
    // Reuse of the spent token: the session ends; the family's own revocation fails (a 503).
    expect((await refresh(s, tokens[0])).status).toBe(503);
    failRevocation = false;
    expect(await store.findSession(sid)).toBeUndefined();
    expect(await s.auth.listSessions('u-bob')).toEqual([]);
    // Its tokens stay refused: ending the session marked its family and deleted them.
    expect((await refresh(s, tokens[1])).body.error).toBe('invalid_grant');
  });
});

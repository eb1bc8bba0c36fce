// __tests__/dpop/replay-flood.test.ts
// Issue 19 item 5: a flood of DPoP proofs must not make an earlier proof replayable in a bounded MemoryStore.
//
// RFC 9449 §11.1: "the server MUST ensure that the same DPoP proof is not used more than once"; §8: a server that
// needs a fresher proof answers "use_dpop_nonce" with a DPoP-Nonce header, and the client retries with a new proof.
// The cheapest flood is a public client's: anyone can sign proofs with keys of their own, and each one verified is
// a marker the store must remember for the proof's acceptance window.

import request from 'supertest';
import { MemoryStore } from '../../lib';
import { dpopKey, proof, type DpopKey } from '../helpers/dpop';
import { TOKEN_URL } from '../helpers/jwt';
import { createServer, form, type TestServer } from '../helpers/server';

const legit = dpopKey('ES256');
const flooder = dpopKey('ES256');
const API = 'http://api.example.com/api/orders';
const SECRET = 'a nonce secret shared by every process, 32+ bytes';
const login = form({ grant_type: 'password', client_id: 'cli', username: 'alice', password: 'correct horse', scope: 'orders' });
// A flood request: its proof is verified and spent before the grant fails, without a password check.
const junk = form({ grant_type: 'refresh_token', client_id: 'cli', refresh_token: 'not-a-refresh-token' });

const token = (s: TestServer, dpop: string, body = login) => request(s.app).post('/oauth2/token').set('DPoP', dpop).type('form').send(body);

it('a flood of proofs from a public client does not make an earlier proof replayable', async () => {
  const store = new MemoryStore({ maxEntries: 16 });
  const s = await createServer({ store });
  const earlier = proof(legit, { htu: TOKEN_URL });
  expect((await token(s, earlier)).status).toBe(200);
  for (let i = 0; i < 200; i += 50) {
    const batch = await Promise.all(Array.from({ length: 50 }, () => token(s, proof(flooder, { htu: TOKEN_URL }), junk)));
    expect(batch.map((r) => r.body.error)).toEqual(Array(50).fill('invalid_grant')); // every flood proof was accepted
  }
  const replay = await token(s, earlier);
  expect(replay.status).toBe(400);
  expect(replay.body).toEqual({ error: 'invalid_dpop_proof', error_description: 'The DPoP proof is missing or invalid' });
  expect(replay.body.access_token).toBeUndefined();
  await store.close();
});

describe.each([
  ['nonces off', undefined],
  ['nonces on', { nonce: { secret: SECRET } }],
])('with the marker budget full of live proofs (%s)', (_name, dpop) => {
  const START = 1_700_000_000_000;
  let clock = START;
  let nonce: string | undefined;
  const fresh = (k: DpopKey, extra: { htm?: string; htu?: string; accessToken?: string } = {}) =>
    proof(k, { htu: TOKEN_URL, ...extra, claims: { iat: Math.floor(clock / 1000), nonce } });

  /** A server whose MemoryStore remembers 8 proofs, the legit client's proofs made at START, then a flood of 8. */
  async function flooded(): Promise<{ s: TestServer; store: MemoryStore; earlier: string; delayed: string; lastFlood: string }> {
    clock = START;
    nonce = undefined;
    const store = new MemoryStore({ maxMarkers: 8, now: () => clock });
    const s = await createServer({ store, now: () => clock, ...(dpop === undefined ? {} : { dpop }) });
    if (dpop !== undefined) nonce = (await token(s, fresh(legit))).headers['dpop-nonce'];
    const earlier = fresh(legit);
    const delayed = fresh(legit); // signed now, sent after the flood (a slow network, a queued request)
    expect((await token(s, earlier)).status).toBe(200);
    let lastFlood = '';
    for (let i = 0; i < 8; i++) {
      clock += 1000;
      lastFlood = fresh(flooder);
      expect((await token(s, lastFlood, junk)).body.error).toBe('invalid_grant');
    }
    return { s, store, earlier, delayed, lastFlood };
  }

  it('refuses a replay of a proof it had to forget, and gets a legitimate client through with use_dpop_nonce', async () => {
    const { s, store, earlier, delayed, lastFlood } = await flooded();
    // The earlier proof's marker was forgotten to make room: its replay is refused all the same.
    const replay = await token(s, earlier);
    expect(replay.status).toBe(400);
    expect(replay.body.error).toBe('use_dpop_nonce');
    expect(replay.body.access_token).toBeUndefined();
    // A genuine proof as old as the forgotten one cannot be told from a replay either: RFC 9449 §8, ask for a new one.
    const asked = await token(s, delayed);
    expect(asked.status).toBe(400);
    expect(asked.body).toEqual({ error: 'use_dpop_nonce', error_description: 'Authorization server requires nonce in DPoP proof' });
    expect(asked.headers['dpop-nonce']).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    nonce = asked.headers['dpop-nonce'];
    const retried = await token(s, fresh(legit));
    expect(retried.status).toBe(200);
    expect(retried.body.token_type).toBe('DPoP');
    // The flood's own newest proof is still remembered: its replay is refused as such.
    const again = await token(s, lastFlood, junk);
    expect(again.body).toEqual({ error: 'invalid_dpop_proof', error_description: 'The DPoP proof is missing or invalid' });
    await store.close();
  });

  it('at a protected resource: a delayed proof gets a 401 use_dpop_nonce challenge, the retry gets through', async () => {
    const { s, store } = await flooded();
    clock += 1000;
    const issued = await token(s, fresh(legit));
    expect(issued.status).toBe(200);
    if (issued.headers['dpop-nonce'] !== undefined) nonce = issued.headers['dpop-nonce'];
    const at = issued.body.access_token as string;
    const delayed = proof(legit, { htm: 'GET', htu: API, accessToken: at, claims: { iat: Math.floor(START / 1000), nonce } });
    const get = (p: string) => request(s.app).get('/api/orders').set('Host', 'api.example.com').set('Authorization', `DPoP ${at}`).set('DPoP', p);
    const refused = await get(delayed);
    expect(refused.status).toBe(401);
    expect(refused.headers['www-authenticate']).toMatch(/^DPoP .*error="use_dpop_nonce"/);
    nonce = refused.headers['dpop-nonce'];
    expect(nonce).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    const retried = await get(fresh(legit, { htm: 'GET', htu: API, accessToken: at }));
    expect(retried.status).toBe(200);
    await store.close();
  });
});

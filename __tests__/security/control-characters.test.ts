// __tests__/security/control-characters.test.ts
// Control characters (U+0000-U+001F, U+007F) in what the library hands to the app's callbacks: the username and
// password (verifyUser) and the client id (findClient) are refused with a JSON 4xx before the callback runs. An app
// whose lookup throws on a NUL, as a PostgreSQL query does, can no longer be made to answer strangers a 500.

import request from 'supertest';
import type { Express } from 'express';
import { JWT_BEARER, assertionClaims, unsigned } from '../helpers/jwt';
import { describeWithPostgres, testPool } from '../helpers/postgres';
import { basic, createServer, form, loadFixture, verifyUserFrom, WEB_SECRET } from '../helpers/server';

const CONTROLS = [
  ['NUL', '\u0000'],
  ['a line feed', '\n'],
  ['a carriage return', '\r'],
  ['a tab', '\t'],
  ['ESC', '\u001b'],
  ['U+001F', '\u001f'],
  ['DEL', '\u007f'],
] as const;

/** What a PostgreSQL-backed lookup does with a NUL (see the real one below). */
const PG_NUL = 'invalid byte sequence for encoding "UTF8": 0x00';

interface Watched {
  app: Express;
  events: Array<{ name: string; payload: unknown }>;
  /** Arguments verifyUser and findClient were called with. */
  usernames: string[];
  clientIds: string[];
}

/** A server whose callbacks record their arguments and throw on a control character, as a strict database would. */
async function watched(): Promise<Watched> {
  const f = await loadFixture();
  const verify = verifyUserFrom(f) as (u: string, p: string) => Promise<never>;
  const usernames: string[] = [];
  const clientIds: string[] = [];
  const { app, events } = await createServer({
    verifyUser: async (username: string, password: string) => {
      usernames.push(username);
      // eslint-disable-next-line no-control-regex -- throwing on a control character, as a strict database would, is the point
      if (/[\x00-\x1f\x7f]/.test(username + password)) throw new Error(PG_NUL);
      return verify(username, password);
    },
    findClient: (id: string) => {
      clientIds.push(id);
      // eslint-disable-next-line no-control-regex -- throwing on a control character, as a strict database would, is the point
      if (/[\x00-\x1f\x7f]/.test(id)) throw new Error(PG_NUL);
      return f.clients.get(id) ?? null;
    },
  });
  return { app, events, usernames, clientIds };
}

const post = (app: Express, path = '/oauth2/token') => request(app).post(path).type('form');

function expectRefused(res: request.Response, parameter: string): void {
  expect(res.status).toBe(400);
  expect(res.headers['cache-control']).toBe('no-store');
  // The parameter is named, the value never echoed (it may be a password).
  expect(res.body).toEqual({ error: 'invalid_request', error_description: `Parameter ${parameter} contains a control character` });
}

/** Every invalid_client carries the Basic challenge (RFC 9110 §11.6.1), whichever method was tried. */
function expectInvalidClient(res: request.Response): void {
  expect(res.status).toBe(401);
  expect(res.body.error).toBe('invalid_client');
  expect(res.headers['www-authenticate']).toMatch(/^Basic realm=/);
}

describe('the username and password (verifyUser)', () => {
  it.each(CONTROLS)('a username with %s is 400 invalid_request naming username, and verifyUser is never called', async (_, c) => {
    const { app, events, usernames } = await watched();
    const res = await post(app).send(form({ grant_type: 'password', client_id: 'cli', username: `alice${c}x`, password: 'correct horse' }));
    expectRefused(res, 'username');
    expect(res.text).not.toContain('alice');
    expect(usernames).toEqual([]);
    expect(events.map((e) => e.name)).toEqual([]); // no error event, no login.failed: nothing was judged
  });

  it.each(CONTROLS)('a password with %s is 400 invalid_request naming password, and verifyUser is never called', async (_, c) => {
    const { app, usernames } = await watched();
    const res = await post(app).send(form({ grant_type: 'password', client_id: 'cli', username: 'alice', password: `correct${c}horse` }));
    expectRefused(res, 'password');
    expect(res.text).not.toContain('correct');
    expect(usernames).toEqual([]);
  });

  it('spaces, symbols and non-ASCII letters still reach verifyUser', async () => {
    const { app, usernames } = await watched();
    const odd = await post(app).send(
      form({ grant_type: 'password', client_id: 'cli', username: ' José Ünïcødé ', password: 'pässwörd with "symbols" \\ ~ €' }),
    );
    expect(odd.status).toBe(400);
    expect(odd.body.error).toBe('invalid_grant');
    const alice = await post(app).send(form({ grant_type: 'password', client_id: 'cli', username: 'alice', password: 'correct horse' }));
    expect(alice.status).toBe(200);
    expect(usernames).toEqual([' José Ünïcødé ', 'alice']);
  });
});

describe('the client id (findClient)', () => {
  it.each(['/oauth2/token', '/oauth2/revoke', '/oauth2/introspect'])(
    'a client_id with a NUL at %s is 400 invalid_request naming client_id, before findClient',
    async (path) => {
      const { app, clientIds } = await watched();
      const res = await post(app, path).send(
        form({ grant_type: 'password', client_id: 'cli\u0000', username: 'alice', password: 'correct horse', token: 'x' }),
      );
      expectRefused(res, 'client_id');
      expect(clientIds).toEqual([]);
    },
  );

  it.each(CONTROLS)('a client id with %s in the Basic header is 401 invalid_client with a challenge, before findClient', async (_, c) => {
    const { app, events, clientIds } = await watched();
    const res = await post(app)
      .set('Authorization', basic(`web${c}`, WEB_SECRET))
      .send(form({ grant_type: 'password', username: 'alice', password: 'correct horse' }));
    expectInvalidClient(res);
    expect(clientIds).toEqual([]);
    expect(events.filter((e) => e.name === 'error')).toEqual([]);
  });

  it('a client assertion whose sub has a NUL is 401 invalid_client, before findClient', async () => {
    const { app, clientIds } = await watched();
    const assertion = unsigned(assertionClaims('pk-rsa\u0000'), { alg: 'RS256' });
    const res = await post(app).send(
      form({ grant_type: 'password', username: 'alice', password: 'correct horse', client_assertion_type: JWT_BEARER, client_assertion: assertion }),
    );
    expectInvalidClient(res);
    expect(clientIds).toEqual([]);
  });

  it('a client id beyond ASCII still reaches findClient (an unknown client, 401)', async () => {
    const { app, clientIds } = await watched();
    const res = await post(app).send(form({ grant_type: 'password', client_id: 'clïent', username: 'alice', password: 'correct horse' }));
    expectInvalidClient(res);
    expect(clientIds).toEqual(['clïent']);
  });
});

describeWithPostgres('an app that looks users up in PostgreSQL (real)', () => {
  const pool = testPool({ max: 2 });
  afterAll(() => pool.end());

  it('a NUL in the username is 400 before the query, where it used to be a 500 from PostgreSQL', async () => {
    const f = await loadFixture();
    const verify = verifyUserFrom(f) as (u: string, p: string) => Promise<never>;
    let queries = 0;
    const { app, events } = await createServer({
      verifyUser: async (username: string, password: string) => {
        queries += 1;
        const { rows } = await pool.query<{ name: string }>('SELECT name FROM (VALUES ($1::text)) AS u(name) WHERE name = $2::text', ['alice', username]);
        return rows.length === 0 ? null : verify(rows[0].name, password);
      },
    });
    const ok = await post(app).send(form({ grant_type: 'password', client_id: 'cli', username: 'alice', password: 'correct horse' }));
    expect(ok.status).toBe(200);
    const res = await post(app).send(form({ grant_type: 'password', client_id: 'cli', username: 'alice\u0000', password: 'correct horse' }));
    expectRefused(res, 'username');
    expect(queries).toBe(1);
    expect(events.filter((e) => e.name === 'error')).toEqual([]);
  });
});

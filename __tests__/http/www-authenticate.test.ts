// __tests__/http/www-authenticate.test.ts
// Challenge parameters are quoted strings (RFC 7235 §2.1, RFC 6750 §3): a quote or backslash in a value is escaped,
// a line break never reaches the header; and the same holds end to end for a realm the app configured.

import request from 'supertest';
import { wwwAuthenticate } from '../../lib/http/www-authenticate';
import { createServer, form, basic } from '../helpers/server';

describe('wwwAuthenticate', () => {
  it('is the bare scheme without parameters, and skips undefined ones', () => {
    expect(wwwAuthenticate('Bearer', {})).toBe('Bearer');
    expect(wwwAuthenticate('Bearer', { realm: 'r', error: undefined, scope: 'a b' })).toBe('Bearer realm="r", scope="a b"');
  });

  it('escapes a double quote and a backslash as quoted-pairs (RFC 7230 §3.2.6)', () => {
    expect(wwwAuthenticate('Bearer', { realm: 'say "hi" \\o/' })).toBe('Bearer realm="say \\"hi\\" \\\\o/"');
  });

  it('turns CR and LF into spaces, so a value can never start a new header line', () => {
    expect(wwwAuthenticate('DPoP', { error_description: 'a\r\nSet-Cookie: x=1' })).toBe('DPoP error_description="a  Set-Cookie: x=1"');
  });

  it('round-trips: unescaping each quoted value gives the original back', () => {
    const values = { realm: 'a"b', error: 'invalid_token', error_description: 'c\\"d' };
    const header = wwwAuthenticate('Bearer', values);
    const parsed = Object.fromEntries([...header.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2].replace(/\\(.)/g, '$1')]));
    expect(parsed).toEqual(values);
  });
});

describe('challenges on the wire', () => {
  const realm = 'Example "API" \\ v2';
  const escaped = 'Example \\"API\\" \\\\ v2';

  it('escape a configured realm in the Bearer challenge of requireToken', async () => {
    const { app } = await createServer({ realm });
    const res = await request(app).get('/api/me');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe(`Bearer realm="${escaped}"`);
  });

  it('escape a configured realm in the Basic challenge of invalid_client', async () => {
    const { app } = await createServer({ realm });
    const res = await request(app)
      .post('/oauth2/token')
      .set('Authorization', basic('web', 'wrong'))
      .type('form')
      .send(form({ grant_type: 'password', username: 'alice', password: 'x' }));
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe(`Basic realm="${escaped}"`);
  });
});

// __tests__/security/no-secrets.test.ts
// Secrets never leak: with every event, console line, warning and error response captured while known secrets
// (passwords, client secrets, refresh and access tokens, Authorization headers) are sent, none of them shows up.

import { inspect } from 'node:util';
import request from 'supertest';
import { basic, createServer, form, WEB_SECRET, type TestServer } from '../helpers/server';

const GOOD_PASSWORD = 'correct horse';
const BAD_PASSWORD = 'Sup3r-S3cret-Guess!';
const BAD_SECRET = 'client-secret-guess-9f8e7d';
const BOOM_PASSWORD = 'password-given-to-a-failing-verifyUser';

interface Capture {
  readonly text: string[];
  readonly errorResponses: string[];
}

function captureEverything(s: TestServer): Capture & { restore(): void } {
  const text: string[] = [];
  const errorResponses: string[] = [];
  const originalEmit = s.auth.emit.bind(s.auth);
  // Every event, whatever its name, deeply (Errors with their stack, cause chain and own properties).
  s.auth.emit = ((name: string, ...args: unknown[]) => {
    text.push(name + ' ' + inspect(args, { depth: 20, showHidden: true }));
    return originalEmit(name, ...args);
  }) as typeof s.auth.emit;
  const spies = (['log', 'info', 'warn', 'error', 'debug', 'trace'] as const).map((m) =>
    jest.spyOn(console, m).mockImplementation((...args: unknown[]) => void text.push(inspect(args, { depth: 20 }))),
  );
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => (text.push(String(chunk)), true));
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: unknown) => (text.push(String(chunk)), true));
  const onWarning = (w: Error): void => void text.push(inspect(w));
  process.on('warning', onWarning);
  return {
    text,
    errorResponses,
    restore() {
      for (const spy of [...spies, stdout, stderr]) spy.mockRestore();
      process.off('warning', onWarning);
    },
  };
}

it('no password, client secret, token or Authorization header appears in events, logs or error responses', async () => {
  const s = await createServer({
    verifyUser: async (username, password) => {
      if (username === 'boom') throw new Error('database connection refused');
      if (username === 'alice' && password === GOOD_PASSWORD) return { id: 'u-alice' };
      return false;
    },
  });
  const cap = captureEverything(s);
  const record = (res: request.Response): request.Response => {
    if (res.status >= 400) cap.errorResponses.push(JSON.stringify(res.headers) + res.text);
    return res;
  };
  const token = (auth: string | undefined, params: Record<string, string>) => {
    const r = request(s.app).post('/oauth2/token').type('form');
    if (auth !== undefined) r.set('Authorization', auth);
    return r.send(form(params)).then(record);
  };
  try {
    const webAuth = basic('web', WEB_SECRET);
    const ok = await token(webAuth, { grant_type: 'password', username: 'alice', password: GOOD_PASSWORD, scope: 'orders profile' });
    expect(ok.status).toBe(200);
    const accessToken: string = ok.body.access_token;
    const refreshToken: string = ok.body.refresh_token;

    await token(webAuth, { grant_type: 'password', username: 'alice', password: BAD_PASSWORD });
    await token(webAuth, { grant_type: 'password', username: 'boom', password: BOOM_PASSWORD });
    await token(basic('web', BAD_SECRET), { grant_type: 'password', username: 'alice', password: GOOD_PASSWORD });
    await token(undefined, { grant_type: 'password', client_id: 'web', client_secret: BAD_SECRET, username: 'alice', password: GOOD_PASSWORD });
    await token(basic('nobody', BAD_SECRET), { grant_type: 'password', username: 'alice', password: GOOD_PASSWORD });
    await token(webAuth, { grant_type: 'password', username: 'alice', password: GOOD_PASSWORD, client_secret: WEB_SECRET });
    // Password in the URL, repeated, and in a body of the wrong type: refused without echoing it.
    record(
      await request(s.app)
        .post(`/oauth2/token?password=${encodeURIComponent(BAD_PASSWORD)}`)
        .set('Authorization', webAuth)
        .type('form')
        .send('grant_type=password'),
    );
    record(
      await request(s.app)
        .post('/oauth2/token')
        .set('Authorization', webAuth)
        .type('form')
        .send(`grant_type=password&username=alice&password=${encodeURIComponent(BAD_PASSWORD)}&password=${encodeURIComponent(BAD_PASSWORD)}`),
    );
    record(
      await request(s.app)
        .post('/oauth2/token')
        .set('Authorization', webAuth)
        .set('Content-Type', 'application/json')
        .send(JSON.stringify({ password: BAD_PASSWORD })),
    );

    const refreshed = await token(webAuth, { grant_type: 'refresh_token', refresh_token: refreshToken });
    expect(refreshed.status).toBe(200);
    const reused = await token(webAuth, { grant_type: 'refresh_token', refresh_token: refreshToken });
    expect(reused.body.error).toBe('invalid_grant');
    await token(basic('web', BAD_SECRET), { grant_type: 'refresh_token', refresh_token: refreshed.body.refresh_token });

    for (let i = 0; i < 6; i++) await token(webAuth, { grant_type: 'password', username: 'alice', password: BAD_PASSWORD });

    // The (now revoked) access token, a tampered one, and one in a malformed header, at the bearer middleware.
    record(await request(s.app).get('/api/me').set('Authorization', `Bearer ${accessToken}`));
    record(
      await request(s.app)
        .get('/api/me')
        .set('Authorization', `Bearer ${accessToken.slice(0, -4)}AAAA`),
    );
    record(await request(s.app).get('/api/me').set('Authorization', `Bearer ${accessToken} extra`));
    record(await request(s.app).get('/api/me').set('Authorization', `Bearer ${refreshed.body.access_token}`)); // family revoked

    const secrets = {
      GOOD_PASSWORD,
      BAD_PASSWORD,
      BOOM_PASSWORD,
      WEB_SECRET,
      BAD_SECRET,
      accessToken,
      accessTokenSignature: accessToken.split('.')[2],
      refreshToken,
      newRefreshToken: refreshed.body.refresh_token as string,
      newAccessToken: refreshed.body.access_token as string,
      basicHeader: webAuth,
      basicCredentials: webAuth.slice('Basic '.length),
      badBasicCredentials: basic('web', BAD_SECRET).slice('Basic '.length),
    };
    // Sanity: we captured what we think we captured.
    const names = cap.text.map((t) => t.split(' ', 1)[0]);
    for (const name of [
      'login.succeeded',
      'login.failed',
      'token.issued',
      'token.refreshed',
      'refresh.reused',
      'session.revoked',
      'throttled',
      'client.failed',
      'token.rejected',
      'error',
    ]) {
      expect(names).toContain(name);
    }
    expect(cap.errorResponses.length).toBeGreaterThan(15);
    const everything = [...cap.text, ...cap.errorResponses].join('\n');
    const encoded = (v: string): string[] => [v, encodeURIComponent(v), encodeURIComponent(v).replace(/%20/g, '+'), Buffer.from(v).toString('base64')];
    for (const [name, secret] of Object.entries(secrets)) {
      for (const form of encoded(secret)) {
        if (everything.includes(form)) throw new Error(`${name} leaked`);
      }
    }
  } finally {
    cap.restore();
  }
});

// __tests__/security/callback-failures.test.ts
// Every callback of the app that throws gets the same answer, wherever it is called: 500 server_error with the
// generic description and no-store, an `error` event whose `detail` names the callback and whose `cause` is what it
// threw, and, when nothing listens to `error`, one stderr line saying so. findUser is the one lookup of a user
// directory made after the login: it is 503 temporarily_unavailable with Retry-After, as a failing store is
// (issue 21: "a findUser that throws is a 503 that spends nothing"), at a refresh and at /userinfo alike. A deliberate
// OAuthError thrown by verifyUser, verifyMfa or enrichToken is the app's answer and passes through.

import express from 'express';
import request from 'supertest';
import { loginError, MFA_GRANT_TYPE, OAuthError, type Client, type PasswordGrantOptions } from '../../lib';
import { basic, createServer, fixtureGrant, form, loadFixture, verifyUserFrom, WEB_SECRET } from '../helpers/server';

const GENERIC_500 = { error: 'server_error', error_description: 'The server encountered an unexpected condition' };
const GENERIC_503 = { error: 'temporarily_unavailable', error_description: 'The service is temporarily unavailable; try again shortly' };
const login = { grant_type: 'password', username: 'alice', password: 'correct horse', scope: 'openid orders' };

/** A callback failing as a directory that went away, only once `down` is set (a case may need it working first). */
class Outage {
  down = false;
  readonly thrown = new Error('directory down');
  check(): void {
    if (this.down) throw this.thrown;
  }
}

type App = express.Express;
const token = (app: App, params: Record<string, string>) =>
  request(app).post('/oauth2/token').set('Authorization', basic('web', WEB_SECRET)).type('form').send(form(params));

interface Case {
  /** The options that make one callback fail while `outage.down`. */
  readonly options: (outage: Outage) => Promise<Partial<PasswordGrantOptions>>;
  /** What runs while the callback still works; its result feeds `request`. */
  readonly before?: (app: App) => Promise<Record<string, string>>;
  readonly request: (app: App, earlier: Record<string, string>) => request.Test;
  readonly detail: string;
  /** 503 temporarily_unavailable instead of 500 server_error (findUser). */
  readonly unavailable?: boolean;
}

const loggedIn = async (app: App): Promise<Record<string, string>> => (await token(app, login)).body as Record<string, string>;

const CASES: ReadonlyArray<readonly [string, Case]> = [
  [
    'verifyUser at a login',
    {
      options: async (o) => {
        const verify = verifyUserFrom(await loadFixture()) as (u: string, p: string) => unknown;
        return { verifyUser: async (u, p) => (o.check(), verify(u, p)) as never };
      },
      request: (app) => token(app, login),
      detail: 'verifyUser failed',
    },
  ],
  [
    'findClient at a login',
    {
      options: async (o) => {
        const f = await loadFixture();
        return { findClient: (id) => (o.check(), f.clients.get(id) ?? null) };
      },
      request: (app) => token(app, login),
      detail: 'findClient threw',
    },
  ],
  [
    'canonicalUsername at a login',
    {
      options: async (o) => ({ canonicalUsername: (u) => (o.check(), u.toLowerCase()) }),
      request: (app) => token(app, login),
      detail: 'options.canonicalUsername threw',
    },
  ],
  [
    'enrichToken at a login',
    { options: async (o) => ({ enrichToken: () => (o.check(), {}) }), request: (app) => token(app, login), detail: 'enrichToken threw' },
  ],
  [
    'enrichToken at a refresh',
    {
      options: async (o) => ({ enrichToken: () => (o.check(), {}) }),
      before: loggedIn,
      request: (app, t) => token(app, { grant_type: 'refresh_token', refresh_token: t.refresh_token }),
      detail: 'enrichToken threw',
    },
  ],
  [
    'findUser at a refresh',
    {
      options: async (o) => ({ findUser: (sub) => (o.check(), { id: sub }) }),
      before: loggedIn,
      request: (app, t) => token(app, { grant_type: 'refresh_token', refresh_token: t.refresh_token }),
      detail: 'findUser threw',
      unavailable: true,
    },
  ],
  [
    'findUser at /userinfo',
    {
      options: async (o) => ({ findUser: (sub) => (o.check(), { id: sub }) }),
      before: loggedIn,
      request: (app, t) => request(app).get('/oauth2/userinfo').set('Authorization', `Bearer ${t.access_token}`),
      detail: 'findUser threw',
      unavailable: true,
    },
  ],
  [
    'verifyMfa at the MFA step',
    {
      options: async (o) => {
        const f = await loadFixture();
        const web: Client = { ...(f.clients.get('web') as Client), grants: ['password', MFA_GRANT_TYPE] };
        return {
          findClient: (id) => (id === 'web' ? web : null),
          verifyUser: async () => {
            throw loginError('mfa_required', { user: { id: 'u-alice' } });
          },
          verifyMfa: () => (o.check(), true),
        };
      },
      before: async (app) => ({ mfa_token: (await token(app, login)).body.mfa_token as string }),
      request: (app, t) => token(app, { grant_type: MFA_GRANT_TYPE, mfa_token: t.mfa_token, otp: '123456' }),
      detail: 'verifyMfa failed',
    },
  ],
];

describe.each(CASES)('%s, throwing', (_name, c) => {
  const [status, body, error] = c.unavailable ? [503, GENERIC_503, 'temporarily_unavailable'] : [500, GENERIC_500, 'server_error'];
  it(`answers ${c.unavailable ? '503 temporarily_unavailable' : '500 server_error'} with no-store, and an error event naming it with what it threw as the cause`, async () => {
    const outage = new Outage();
    const s = await createServer(await c.options(outage));
    const earlier = (await c.before?.(s.app)) ?? {};
    outage.down = true;
    const res = await c.request(s.app, earlier);
    expect(res.status).toBe(status);
    expect(res.body).toEqual(body);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['retry-after']).toBe(c.unavailable ? '1' : undefined);
    const errors = s.events.filter((e) => e.name === 'error').map((e) => e.payload as OAuthError);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ error, detail: c.detail, cause: outage.thrown });
  });

  it('writes one stderr line naming it when nothing listens to error', async () => {
    const outage = new Outage();
    const { auth } = await fixtureGrant(await c.options(outage));
    const app = express();
    app.use('/oauth2', auth.router);
    const earlier = (await c.before?.(app)) ?? {};
    const lines: string[] = [];
    const spy = jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
      lines.push(args.map(String).join(' '));
    });
    try {
      outage.down = true;
      expect((await c.request(app, earlier)).status).toBe(status);
    } finally {
      spy.mockRestore();
    }
    expect(lines).toEqual([expect.stringContaining(`internal error ${error}: ${c.detail}; caused by Error: directory down`)]);
  });
});

describe('a deliberate OAuthError from enrichToken (docs/endpoints.md: access_denied is yours to throw)', () => {
  const refuse = (grantType: string) => ({
    enrichToken: (context: { grantType: string }) => {
      if (context.grantType === grantType) throw new OAuthError('access_denied', 'Not from this client', { detail: 'app policy' });
    },
  });

  it.each([
    ['a login', 'password', async (app: App) => token(app, login)],
    ['a refresh', 'refresh_token', async (app: App) => token(app, { grant_type: 'refresh_token', refresh_token: (await loggedIn(app)).refresh_token })],
  ] as const)('is the answer at %s, not a server_error', async (_name, grantType, send) => {
    const s = await createServer(refuse(grantType));
    const res = await send(s.app);
    expect(res.status).toBe(403);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({ error: 'access_denied', error_description: 'Not from this client' });
    expect(s.events.filter((e) => e.name === 'error')).toEqual([]);
  });
});

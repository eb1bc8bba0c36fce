// __tests__/endpoints/check-discovery.test.ts
// Issuing tokens with auth.discovery nowhere in the app gives EPG_NO_DISCOVERY once; mounted in any way Express allows,
// or `discovery: false`, gives none.

import express from 'express';
import request from 'supertest';
import type { PasswordGrant, PasswordGrantOptions, Warning } from '../../lib';
import { postAsWeb } from '../helpers/login';
import { fixtureGrant } from '../helpers/server';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const express4 = require('express4') as typeof express;

async function build(mount: (app: express.Express, auth: PasswordGrant) => void, overrides: Partial<PasswordGrantOptions> = {}, impl = express) {
  const { auth } = await fixtureGrant(overrides);
  const warnings: Warning[] = [];
  auth.on('warning', (w) => warnings.push(w));
  const app = impl();
  mount(app, auth);
  return { app, auth, warnings };
}

const token = (app: express.Express, password = 'correct horse') => postAsWeb(app, '/token', { grant_type: 'password', username: 'alice', password });

describe.each([
  ['Express 5', express],
  ['Express 4', express4],
])('EPG_NO_DISCOVERY (%s)', (_name, impl) => {
  it('is given once, at the first token, when auth.discovery was never mounted', async () => {
    const { app, warnings } = await build((a, auth) => a.use('/oauth2', auth.router), {}, impl);
    expect(warnings).toEqual([]);
    expect((await token(app)).status).toBe(200);
    expect((await token(app)).status).toBe(200);
    expect(warnings.map((w) => w.code)).toEqual(['EPG_NO_DISCOVERY']);
    expect(warnings[0].message).toContain('Mount it at the root of the app: app.use(auth.discovery).');
  });

  it('is not given when the app mounts auth.discovery at the root, as the Quick start does', async () => {
    const { app, warnings } = await build((a, auth) => a.use(auth.discovery).use('/oauth2', auth.router), {}, impl);
    expect((await token(app)).status).toBe(200);
    expect(warnings).toEqual([]);
  });

  it('is not given when auth.discovery is mounted through a plain Router (Express tells it nothing then)', async () => {
    const { app, warnings } = await build(
      (a, auth) => {
        const wellKnown = impl.Router();
        wellKnown.use(auth.discovery);
        a.use(wellKnown).use('/oauth2', auth.router);
      },
      {},
      impl,
    );
    expect((await token(app)).status).toBe(200);
    expect(warnings).toEqual([]);
    expect((await request(app).get('/.well-known/openid-configuration')).status).toBe(200);
  });

  it('is not given with discovery: false, and auth.discovery then serves nothing', async () => {
    const { app, warnings } = await build((a, auth) => a.use('/oauth2', auth.router).use(auth.discovery), { discovery: false }, impl);
    expect((await token(app)).status).toBe(200);
    expect(warnings).toEqual([]);
    expect((await request(app).get('/.well-known/openid-configuration')).status).toBe(404);
    expect((await request(app).get('/.well-known/oauth-authorization-server')).status).toBe(404);
  });

  it('is not given for a token request that failed', async () => {
    const { app, warnings } = await build((a, auth) => a.use('/oauth2', auth.router), {}, impl);
    expect((await token(app, 'wrong')).status).toBe(400);
    expect(warnings).toEqual([]);
  });
});

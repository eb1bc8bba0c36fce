// bench/fixtures.js
// What every bench server shares: bcrypt cost 10, one user, one RSA key, and the listen-and-announce helper.

// @ts-check
'use strict';

const { createPrivateKey, generateKeyPairSync, randomBytes, sign } = require('node:crypto');
const bcrypt = require('bcrypt');

/** bcrypt cost of the user's password hash and of the confidential client's secret hash (the library's default). */
const COST = 10;
const USERNAME = 'alice';
// A second user whose password check answers at once: the refresh-grant bench logs it in to start (and replace)
// rotating chains without a bcrypt each. It is never on a measured path: the refresh grant does not check passwords.
const SEED_USERNAME = 'seed';
// A user of its own (sub u-probe) for the event-loop probe's token, also without a bcrypt: the token load logs alice
// in past maxSessionsPerUser (100), which ends her least recently used sessions and refuses their access tokens.
const PROBE_USERNAME = 'probe';
const PASSWORD = 'correct horse battery staple';
const CLIENT_ID = 'web';
const CLIENT_SECRET = 'a-long-random-client-secret-for-the-bench';
const PUBLIC_CLIENT_ID = 'cli';
const ISSUER = 'http://127.0.0.1';
const AUDIENCE = 'https://api.example.com';

/** A fresh 2048-bit RSA key pair, as PEM strings (how most apps keep keys in config). */
function rsaPem() {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** @param {object} value */
const b64 = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * What the ceilings' refresh answers (bench/servers/ceiling.js, pg-ceiling.js): one RS256 access token signed with a
 * KeyObject from a fresh key, the least a refresh grant signs, and the response around it.
 * @returns {(sub: string, clientId: string, refreshToken: string, now: number) => object}
 */
function ceilingRefreshBody() {
  const key = createPrivateKey(rsaPem().privatePem);
  const header = b64({ alg: 'RS256', typ: 'at+jwt', kid: 'k1' });
  return (sub, clientId, refreshToken, now) => {
    const payload = b64({
      iss: ISSUER,
      aud: AUDIENCE,
      sub,
      client_id: clientId,
      scope: 'profile',
      iat: now,
      exp: now + 3600,
      jti: randomBytes(16).toString('base64url'),
    });
    const signature = sign('sha256', Buffer.from(`${header}.${payload}`), key).toString('base64url');
    return { access_token: `${header}.${payload}.${signature}`, token_type: 'Bearer', expires_in: 3600, refresh_token: refreshToken, scope: 'profile' };
  };
}

/** The user's bcrypt hash at COST. */
function passwordHash() {
  return bcrypt.hash(PASSWORD, COST);
}

/**
 * Adds GET /bench/cpu, listens on a spare loopback port and tells the parent which one (first stdout line, JSON);
 * on SIGTERM runs `cleanUp` (bounded by the caller), then exits.
 * @param {import('express').Express} app
 * @param {() => Promise<unknown>} [cleanUp]
 */
function announce(app, cleanUp = async () => undefined) {
  // CPU time of this server process (all threads, bcrypt's included), read by the runner around each window: CPU per
  // request is far less disturbed by other load on the machine than requests per second.
  app.get('/bench/cpu', (_req, res) => res.json(process.cpuUsage()));
  const server = app.listen(0, '127.0.0.1', () => {
    process.stdout.write(JSON.stringify({ port: /** @type {import('node:net').AddressInfo} */ (server.address()).port }) + '\n');
  });
  server.keepAliveTimeout = 60_000;
  process.on('SIGTERM', () => {
    cleanUp().finally(() => process.exit(0));
  });
  return server;
}

module.exports = {
  COST,
  USERNAME,
  SEED_USERNAME,
  PROBE_USERNAME,
  PASSWORD,
  CLIENT_ID,
  CLIENT_SECRET,
  PUBLIC_CLIENT_ID,
  ISSUER,
  AUDIENCE,
  rsaPem,
  passwordHash,
  announce,
  ceilingRefreshBody,
};

// example-app/quick-start.ts
// The README's Quick start as a real file: the smallest complete app (quick-start-server.ts listens). A test runs it.

import crypto from 'node:crypto';
import bcrypt from 'bcrypt';
import express from 'express';
import { passwordGrant, dummyVerify, MemoryStore } from 'express-password-grant';
import type { Client } from 'express-password-grant';

// Your users, with bcrypt password hashes (a real app reads them from its database).
const users = [{ id: 'u1', username: 'alice', passwordHash: bcrypt.hashSync('wonderland', 10), claims: { name: 'Alice' } }];

// Your clients. A public client has no secretHash (a CLI or mobile app cannot keep a secret); a confidential one
// has `secretHash: await hashSecret(secret)`.
const clients: Client[] = [{ id: 'my-cli', grants: ['password', 'refresh_token'], scopes: ['openid', 'profile'] }];

// A development key, new at each start, so tokens die with the process. In production load a persistent one:
// `key: fs.readFileSync('signing-key.pem')` (npm start's example-app/keys.ts shows one way).
const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });

export const auth = passwordGrant({
  issuer: 'http://localhost:3000', // the `iss` of every token; https in production (http only for localhost)
  signingKeys: { kid: 'dev-1', alg: 'RS256', key: privateKey },
  findClient: (clientId) => clients.find((client) => client.id === clientId) ?? null,
  verifyUser: async (username, password) => {
    const user = users.find((u) => u.username === username);
    // An unknown username costs one bcrypt compare too, so response times do not reveal which usernames exist.
    if (!user) return dummyVerify(password);
    if (!(await bcrypt.compare(password, user.passwordHash))) return null;
    return { id: user.id, username: user.username, claims: user.claims };
  },
  store: new MemoryStore(), // the default; RedisStore (or your own TokenStore) when several processes share tokens
});

export const app = express();
app.use(auth.discovery); // /.well-known/openid-configuration and /.well-known/oauth-authorization-server
app.use('/oauth2', auth.router); // POST /oauth2/token, /oauth2/revoke, /oauth2/introspect, GET /oauth2/jwks
app.get('/api/me', auth.requireToken({ scope: 'profile' }), (req, res) => {
  res.json(req.auth); // { sub, clientId, scope, claims, token }
});

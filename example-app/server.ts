// example-app/server.ts
// Starts the example app on $PORT (default 3000) and prints the demo console's address and the curl commands to try.

import { createApp } from './app';
import { tryCommands } from './commands';
import { resolveDataDir } from './db';
import { DEMO_CLIENTS, DEMO_USERS } from './seed';

const port = Number(process.env.PORT) || 3000;
const host = process.env.HOST || '127.0.0.1';
const base = `http://localhost:${port}`;
const { app, db, store } = createApp({ port });

const server = app.listen(port, host, () => {
  console.log(`\nexpress-password-grant example app: ${base}  (issuer ${base}, data in ${resolveDataDir()})`);
  console.log(`Demo console (developer demo, in a browser): ${base}/`);
  console.log(`Token endpoint: POST ${base}/oauth2/token   Protected: GET ${base}/api/me, GET ${base}/api/orders`);
  console.log(`Discovery: ${base}/.well-known/openid-configuration`);
  console.log(`Demo users: ${DEMO_USERS.map((u) => `${u.email} / ${u.password}`).join(', ')}`);
  console.log(`Demo clients: ${DEMO_CLIENTS.map((c) => (c.secret ? `${c.id} / ${c.secret} (confidential)` : `${c.id} (public)`)).join(', ')}`);
  console.log(`Add a user: npm run add-user -- <email> [--name "<name>"]  (it asks for the password)\n\nTry:${tryCommands(base)}`);
});
server.on('error', (err) => {
  console.error(`Cannot listen on ${host}:${port}: ${err.message}`);
  process.exit(1);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    server.close(() => {
      void Promise.resolve(store.close?.()).finally(() => {
        db.close();
        process.exit(0);
      });
    });
    server.closeAllConnections?.();
  });
}

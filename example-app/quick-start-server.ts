// example-app/quick-start-server.ts
// Starts the Quick start app: `node quick-start-server.js` (its own file, so a test imports the app without a port).

import { app } from './quick-start.js';

const port = Number(process.env.PORT ?? 3000);
app.listen(port, '127.0.0.1', (err) => {
  if (err) throw err; // e.g. EADDRINUSE: Express 5 hands a listen error to this callback
  console.log(`Quick start on http://localhost:${port}: POST /oauth2/token`);
});

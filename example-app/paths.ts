// example-app/paths.ts
// Where the example's own files live, whether it runs compiled (example-app/dist/*.js) or from source (ts-jest).

import path from 'node:path';

/** The example-app/ folder: `npm start` runs the tsc output in example-app/dist/, tests import the .ts files. */
export const EXAMPLE_DIR = path.basename(__dirname) === 'dist' ? path.dirname(__dirname) : __dirname;

/** The demo console's static files (HTML, JS, CSS), served at `/`. */
export const PUBLIC_DIR = path.join(EXAMPLE_DIR, 'public');

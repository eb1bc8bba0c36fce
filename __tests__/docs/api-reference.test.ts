// __tests__/docs/api-reference.test.ts
// `npm run docs` (typedoc over the public entry points, typedoc.json) runs without an error or a warning.

import path from 'node:path';
import { runCommand } from '../helpers/cli';
import { ROOT } from './markdown';

describe('npm run docs', () => {
  it('generates the API reference from lib/index.ts and lib/testing without errors or warnings', async () => {
    const typedoc = path.join(ROOT, 'node_modules/typedoc/bin/typedoc');
    // --emit none: the same conversion and validation, without writing docs/api/.
    const run = await runCommand([process.execPath, typedoc], ['--emit', 'none', '--treatWarningsAsErrors'], ROOT);
    expect({ code: run.code, output: run.stdout + run.stderr }).toMatchObject({ code: 0 });
  }, 120_000);
});

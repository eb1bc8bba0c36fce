// lib/cli/keys-command.ts
// `keys`: writes a new private signing key (mode 0600, never over an existing file), prints its config and public JWK.

import fs from 'node:fs';
import path from 'node:path';
import { generateSigningKey, type GeneratedKeyAlgorithm } from '../tokens/generate-signing-key';
import { CommandError, UsageError, type CliIo } from './io';
import type { CliValues } from './parse-args';

export const KEYS_OPTIONS = {
  alg: { type: 'string' },
  kid: { type: 'string' },
  out: { type: 'string' },
} as const;

const ALGORITHMS: readonly string[] = ['RS256', 'PS256', 'ES256'];

export async function keysCommand(values: CliValues, io: CliIo): Promise<void> {
  const alg = (values.alg ?? 'RS256') as string;
  if (!ALGORITHMS.includes(alg)) throw new UsageError(`--alg must be one of ${ALGORITHMS.join(', ')}`);
  const kid = values.kid as string | undefined;
  if (kid !== undefined && kid.length === 0) throw new UsageError('--kid must not be empty');
  const out = (values.out as string | undefined) ?? 'signing-key.pem';
  if (out.length === 0) throw new UsageError('--out must not be empty');

  const key = generateSigningKey({ alg: alg as GeneratedKeyAlgorithm, kid });
  const file = path.resolve(io.cwd, out);
  try {
    // 'wx': fail if the file exists, so a key in use is never replaced; 0600: readable by its owner only.
    await fs.promises.writeFile(file, key.privateKeyPem, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new CommandError(`${out} already exists; not overwriting it (choose another --out)`);
    throw new CommandError(`cannot write ${out}: ${code ?? String(err)}`);
  }
  io.stderr.write(`Wrote the ${key.alg} private key to ${out} (mode 0600). Keep it secret; do not commit it.\n`);
  io.stdout.write(
    [
      '// passwordGrant() options, with fs from node:fs (the first key signs; older keys follow it while their tokens live):',
      `signingKeys: [{ kid: ${JSON.stringify(key.kid)}, alg: ${JSON.stringify(key.alg)}, key: fs.readFileSync(${JSON.stringify(out)}, "utf8") }],`,
      '',
      '// The public JWK that GET /jwks will publish for it:',
      JSON.stringify(key.publicJwk, null, 2),
      '',
    ].join('\n'),
  );
}

// lib/cli/hash-secret-command.ts
// `hash-secret`: a client secret read from stdin (never argv) -> its bcrypt hash, for Client.secretHash.

import { randomBytes } from 'node:crypto';
import { hashSecret } from '../client-auth/hash-secret';
import { CommandError, UsageError, type CliIo } from './io';
import type { CliValues } from './parse-args';

export const HASH_SECRET_OPTIONS = {
  generate: { type: 'boolean' },
  cost: { type: 'string' },
} as const;

/** What a refused argument's message ends with: the secret may just have been typed as one. */
export const HASH_SECRET_HINT = [
  'hash-secret never takes the secret from the command line: pipe it on stdin,',
  '  printf %s "$SECRET" | npx express-password-grant hash-secret',
  'or use --generate for a new one.',
].join('\n');

// bcrypt reads only the first 72 bytes of its input: a longer secret would be checked on its prefix alone.
const BCRYPT_MAX_BYTES = 72;
// More than any sane secret; stops `hash-secret < /dev/urandom` from reading forever.
const STDIN_LIMIT = 4096;

export async function hashSecretCommand(values: CliValues, io: CliIo): Promise<void> {
  const cost = values.cost === undefined ? 10 : Number(values.cost);
  if (!Number.isInteger(cost) || cost < 4 || cost > 15) throw new UsageError('--cost must be an integer from 4 to 15');
  if (values.generate === true) {
    // 32 random bytes (256 bits), base64url: 43 characters, well under bcrypt's 72-byte limit.
    const secret = randomBytes(32).toString('base64url');
    io.stdout.write(`secret:     ${secret}\nsecretHash: ${await hashSecret(secret, cost)}\n`);
    io.stderr.write('Give the secret to the client once; store only secretHash in its Client record.\n');
    return;
  }
  if (io.stdin.isTTY === true) {
    throw new UsageError('hash-secret reads the secret from stdin: pipe it in, or use --generate');
  }
  const secret = withoutFinalNewline(await readAll(io.stdin));
  if (secret.length === 0) throw new CommandError('the secret read from stdin is empty');
  if (Buffer.byteLength(secret, 'utf8') > BCRYPT_MAX_BYTES) {
    throw new CommandError(`the secret is longer than ${BCRYPT_MAX_BYTES} bytes, and bcrypt ignores everything past that`);
  }
  io.stdout.write(`${await hashSecret(secret, cost)}\n`);
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    size += buffer.length;
    if (size > STDIN_LIMIT) throw new CommandError(`stdin holds more than ${STDIN_LIMIT} bytes; expected one secret`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** `echo secret |` adds a newline that is not part of the secret; anything else is kept as typed. */
function withoutFinalNewline(text: string): string {
  return text.replace(/\r?\n$/, '');
}

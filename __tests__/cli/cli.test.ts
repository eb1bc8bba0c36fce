// The `express-password-grant` command as built (dist/cli.js), run in a child node in an empty directory:
// `keys` and `hash-secret`, their outputs used for real (a server signs with the key; bcrypt checks the hash).
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import bcrypt from 'bcrypt';
import request from 'supertest';
import { runCli } from '../../lib/cli/run';
import { publicJwkFrom, runCommand, signingKeysFrom } from '../helpers/cli';
import { loginWeb } from '../helpers/login';
import { createServer } from '../helpers/server';

const CLI = path.join(__dirname, '../../dist/cli.js');
const cli = (args: string[], cwd: string, input = '') => runCommand([process.execPath, CLI], args, cwd, input);

let dir: string;
beforeAll(() => {
  if (!fs.existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npm run build` first');
});
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'epg-cli-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('express-password-grant keys', () => {
  it('writes signing-key.pem (mode 0600) and prints a signingKeys snippet a server signs with, and the JWK it publishes', async () => {
    const run = await cli(['keys'], dir);
    expect(run.code).toBe(0);
    const file = path.join(dir, 'signing-key.pem');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(file, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(run.stderr).toContain('signing-key.pem');
    // The private key goes to the file only.
    expect(run.stdout).not.toContain('PRIVATE KEY');

    const signingKeys = signingKeysFrom(run.stdout, dir);
    expect(signingKeys).toEqual([{ kid: expect.any(String), alg: 'RS256', key: fs.readFileSync(file, 'utf8') }]);
    const { app } = await createServer({ signingKeys });
    expect((await request(app).get('/oauth2/jwks')).body).toEqual({ keys: [publicJwkFrom(run.stdout)] });
    const tokens = await loginWeb(app, 'orders'); // throws unless 200
    expect(JSON.parse(Buffer.from(tokens.access_token.split('.')[0], 'base64url').toString())).toMatchObject({ alg: 'RS256', kid: signingKeys[0].kid });
  });

  it('takes --alg, --kid and --out', async () => {
    fs.mkdirSync(path.join(dir, 'keys'));
    const run = await cli(['keys', '--alg', 'ES256', '--kid', '2026-01', '--out', 'keys/current.pem'], dir);
    expect(run.code).toBe(0);
    expect(fs.statSync(path.join(dir, 'keys/current.pem')).mode & 0o777).toBe(0o600);
    expect(signingKeysFrom(run.stdout, dir)).toEqual([{ kid: '2026-01', alg: 'ES256', key: fs.readFileSync(path.join(dir, 'keys/current.pem'), 'utf8') }]);
    expect(publicJwkFrom(run.stdout)).toMatchObject({ kty: 'EC', crv: 'P-256', kid: '2026-01', alg: 'ES256', use: 'sig' });
  });

  it('never overwrites an existing file: exit 1, the file unchanged', async () => {
    fs.writeFileSync(path.join(dir, 'signing-key.pem'), 'the key in use');
    const run = await cli(['keys'], dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('signing-key.pem already exists');
    expect(run.stdout).toBe('');
    expect(fs.readFileSync(path.join(dir, 'signing-key.pem'), 'utf8')).toBe('the key in use');
  });

  it.each([
    [['keys', '--alg', 'HS256'], '--alg must be one of RS256, PS256, ES256'],
    [['keys', '--kid', ''], '--kid must not be empty'],
    [['keys', '--kid'], '--kid needs a value'],
    [['keys', '--kid', '--out', 'x.pem'], '--kid needs a value (write --kid=<value> for one starting with "-")'],
    [
      ['keys', '--size', '4096'],
      'argument 1 after keys is refused (not shown, in case it is a secret): it is not an option of keys; it takes --alg, --kid, --out, --help',
    ],
    [['keys', 'extra'], 'argument 1 after keys is refused (not shown, in case it is a secret): keys takes no arguments'],
  ])('%j is a usage error: exit 2, usage on stderr, no file written', async (args, message) => {
    const run = await cli(args, dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stderr).toContain('Usage: npx express-password-grant');
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});

describe('express-password-grant hash-secret', () => {
  it.each([
    ['without a newline', 's3cr:et with colon ✓', 's3cr:et with colon ✓'],
    ['with the newline echo adds', 'correct horse battery\n', 'correct horse battery'],
    ['with a CRLF', 'abc def\r\n', 'abc def'],
  ])('reads the secret from stdin (%s) and prints a bcrypt hash that verifies it', async (_name, input, secret) => {
    const run = await cli(['hash-secret', '--cost', '4'], dir, input);
    expect(run.code).toBe(0);
    const hash = run.stdout.trim();
    expect(hash).toMatch(/^\$2b\$04\$/);
    expect(await bcrypt.compare(secret, hash)).toBe(true);
    expect(await bcrypt.compare(`${secret}x`, hash)).toBe(false);
    expect(run.stdout + run.stderr).not.toContain(secret);
  });

  it('uses cost 10 by default, like hashSecret()', async () => {
    const run = await cli(['hash-secret'], dir, 'secret');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^\$2b\$10\$.{53}\n$/);
  });

  it('--generate prints a fresh 256-bit secret and its hash', async () => {
    const run = await cli(['hash-secret', '--generate', '--cost', '4'], dir);
    expect(run.code).toBe(0);
    const secret = /^secret: +(\S+)$/m.exec(run.stdout)?.[1] ?? '';
    const hash = /^secretHash: +(\S+)$/m.exec(run.stdout)?.[1] ?? '';
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await bcrypt.compare(secret, hash)).toBe(true);
  });

  it.each([
    ['an empty stdin', '', 1, 'the secret read from stdin is empty'],
    ['a lone newline', '\n', 1, 'the secret read from stdin is empty'],
    ["a secret past bcrypt's 72 bytes", 'x'.repeat(73), 1, 'longer than 72 bytes'],
    ['more than 4096 bytes', 'x'.repeat(5000), 1, 'more than 4096 bytes'],
  ])('refuses %s with exit 1', async (_name, input, code, message) => {
    const run = await cli(['hash-secret'], dir, input);
    expect(run.code).toBe(code);
    expect(run.stderr).toContain(message);
    expect(run.stdout).toBe('');
  });

  it.each([
    [['hash-secret', 'my-secret'], 'argument 1 after hash-secret is refused (not shown, in case it is a secret): hash-secret takes no arguments'],
    [
      ['hash-secret', '--secret', 'my-secret'],
      'argument 1 after hash-secret is refused (not shown, in case it is a secret): it is not an option of hash-secret',
    ],
    [['hash-secret', '--cost', '3'], '--cost must be an integer from 4 to 15'],
  ])('never takes the secret from argv: %j is a usage error (exit 2)', async (args, message) => {
    const run = await cli(args, dir, 'piped');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stdout).toBe('');
  });

  it('on a terminal, asks for the secret to be piped instead of reading it with echo (exit 2)', async () => {
    const stdin = Object.assign(Readable.from([]), { isTTY: true });
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(['hash-secret'], {
      stdin,
      stdout: { write: (t: string) => out.push(t) },
      stderr: { write: (t: string) => err.push(t) },
      cwd: dir,
    });
    expect(code).toBe(2);
    expect(out).toEqual([]);
    expect(err.join('')).toContain('hash-secret reads the secret from stdin: pipe it in, or use --generate');
  });
});

describe('usage', () => {
  it.each([[['--help']], [['-h']], [['help']], [['keys', '--help']]])('%j prints the usage on stdout, exit 0', async (args) => {
    const run = await cli(args, dir);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: npx express-password-grant <command> [options]');
    expect(run.stdout).toContain('hash-secret');
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it.each([[[]], [['bogus']], [['--version']], [['keys', '--help', 'extra']]])('%j: usage on stderr, exit 2', async (args) => {
    const run = await cli(args, dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Usage: npx express-password-grant <command> [options]');
    expect(run.stdout).toBe('');
  });
});

// A secret typed in the wrong place (`hash-secret "$SECRET"`) must not be written back: a CI job's log keeps stderr.
describe('an argument a command refuses is never printed: it may be a secret', () => {
  const secret = `s3cr3t-Value-${randomBytes(12).toString('base64url')}`;
  const PIPE_IT = 'printf %s "$SECRET" | npx express-password-grant hash-secret';
  it.each([
    ['hash-secret with the secret as its argument', ['hash-secret', secret], PIPE_IT],
    ['hash-secret with the secret after its options', ['hash-secret', '--cost', '4', secret], PIPE_IT],
    ['hash-secret with the secret after --', ['hash-secret', '--', secret], PIPE_IT],
    ['hash-secret with the secret as an option name', ['hash-secret', `--${secret}`], PIPE_IT],
    ['hash-secret with the secret as an option and value', ['hash-secret', `--password=${secret}`], PIPE_IT],
    ['hash-secret with the secret as short options', ['hash-secret', `-${secret}`], PIPE_IT],
    ['hash-secret with the secret as the value of --generate', ['hash-secret', `--generate=${secret}`], PIPE_IT],
    ['hash-secret with the secret as the value of --cost', ['hash-secret', '--cost', secret], '--cost must be an integer from 4 to 15'],
    ['keys with the secret as its argument', ['keys', secret], 'keys takes no arguments'],
    ['keys with the secret as an option name', ['keys', `--${secret}`], 'it takes --alg, --kid, --out, --help'],
    ['keys with the secret as the value of --alg', ['keys', '--alg', secret], '--alg must be one of RS256, PS256, ES256'],
    ['help with the secret as its argument', ['help', secret], 'help takes no arguments'],
    ['--help with the secret as its argument', ['--help', secret], '--help takes no arguments'],
    ['the secret where the command goes', [secret], 'unknown command (not shown, in case it is a secret)'],
    ['the secret as an option where the command goes', [`--${secret}`], 'unknown command (not shown, in case it is a secret)'],
  ])('%s: exit 2, says how to do it right, and prints no part of it', async (_name, args, how) => {
    const run = await cli(args, dir, 'piped');
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(how);
    expect(run.stderr).toContain('Usage: npx express-password-grant');
    for (const part of [secret, secret.slice(13), secret.slice(2, 20)]) expect(run.stdout + run.stderr).not.toContain(part);
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});

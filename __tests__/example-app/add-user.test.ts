// __tests__/example-app/add-user.test.ts
// `npm run add-user` (example-app/add-user.ts, built): the password comes from a hidden prompt or stdin, never argv,
// and an argument it refuses is never printed. Requires the built package and example (`npm test` builds both).

import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import bcrypt from 'bcrypt';
import { openDatabase, type ExampleDb } from '../../example-app/db';
import { readPassword } from '../../example-app/read-password';
import { runCommand, runOnTerminal } from '../helpers/cli';

const ROOT = path.join(__dirname, '../..');
const ADD_USER = path.join(ROOT, 'example-app/dist/add-user.js');
const HOW = 'type it at the prompt, or pipe it on stdin: printf %s "$PASSWORD" | npm run add-user -- <email>';

let dataDir: string;
let db: ExampleDb;
const addUser = (args: string[], input = '') => runCommand([process.execPath, ADD_USER], args, dataDir, input, { DATA_DIR: dataDir });

beforeAll(() => {
  if (!fs.existsSync(ADD_USER)) throw new Error('example-app/dist/ is missing: run `npm run build && npm run build:example` first');
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'epg-add-user-'));
  // Seeded once here at a low bcrypt cost; add-user then opens the same database.
  db = openDatabase(dataDir, { log: () => undefined, bcryptCost: 4 });
});

afterAll(() => {
  db?.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

/** The stored hash verifies `password` (real bcrypt), and nothing else. */
async function expectPassword(email: string, password: string): Promise<void> {
  const hash = db.findUserByEmail(email)?.password_hash ?? '';
  expect(await bcrypt.compare(password, hash)).toBe(true);
  expect(await bcrypt.compare(`${password}x`, hash)).toBe(false);
}

describe('add-user reads the password from stdin when it is not a terminal', () => {
  it('adds the user with the piped password (one final newline dropped) and never prints it', async () => {
    const run = await addUser(['carol@example.com', '--name', 'Carol Danvers'], 'carol pass: 123\n');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Added user \d+: carol@example\.com \(Carol Danvers\)\n$/);
    expect(run.stdout + run.stderr).not.toContain('carol pass');
    await expectPassword('carol@example.com', 'carol pass: 123');
  });

  it('refuses an empty stdin with exit 1, and says how to give the password', async () => {
    const run = await addUser(['dave@example.com'], '');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('stdin is empty: pipe the password on it, or run add-user on a terminal to type it at a prompt');
    expect(db.findUserByEmail('dave@example.com')).toBeUndefined();
  });

  it("refuses a password past bcrypt's 72 bytes with exit 1 (bcrypt would ignore the rest), and never prints it", async () => {
    const long = 'dé'.repeat(25); // 50 characters, 75 bytes
    const run = await addUser(['dave@example.com'], long);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('password must have at most 72 bytes (bcrypt would ignore the rest)');
    expect(run.stdout + run.stderr).not.toContain('dédé');
    expect(db.findUserByEmail('dave@example.com')).toBeUndefined();
  });
});

// The old `add-user <email> <password>` took it from argv: ps, the shell history and a CI job's log kept it.
describe('add-user never takes the password from the command line, and never prints an argument it refuses', () => {
  const secret = `s3cr3t-Value-${randomBytes(12).toString('base64url')}`;
  it.each([
    [
      'the password after the email (the old usage)',
      ['erin@example.com', secret],
      'argument 2 is refused (not shown, in case it is the password): add-user takes one argument, the email',
    ],
    ['the password and a name after the email', ['erin@example.com', secret, 'Erin'], 'add-user takes one argument, the email'],
    ['the password after --', ['erin@example.com', '--', secret], 'add-user takes one argument, the email'],
    [
      'the password as an option',
      ['erin@example.com', '--password', secret],
      'argument 2 is refused (not shown, in case it is the password): the only option is --name',
    ],
    ['the password as an option with =', ['erin@example.com', `--password=${secret}`], 'the only option is --name'],
    [
      'the password as an option name',
      [`--${secret}`, 'erin@example.com'],
      'argument 1 is refused (not shown, in case it is the password): the only option is --name',
    ],
    ['--name without a value', ['erin@example.com', '--name'], '--name needs a value'],
  ])('%s: exit 2, says how to give it, prints no part of it, adds no one', async (_name, args, message) => {
    const run = await addUser(args, 'erin-pass-123');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stderr).toContain(HOW);
    expect(run.stdout).toBe('');
    for (const part of [secret, secret.slice(13), secret.slice(2, 20)]) expect(run.stdout + run.stderr).not.toContain(part);
    expect(db.findUserByEmail('erin@example.com')).toBeUndefined();
  });

  it('a password given where the email goes is refused as an email, and not printed either', async () => {
    const run = await addUser([secret], 'erin-pass-123');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('email must look like name@domain');
    expect(run.stdout + run.stderr).not.toContain(secret.slice(13));
  });
});

describe('add-user on a terminal', () => {
  it('asks twice at a prompt that does not echo, and adds the user with what was typed', async () => {
    const password = `frank-${randomBytes(6).toString('hex')}`;
    const run = await runOnTerminal([process.execPath, ADD_USER, 'frank@example.com'], { DATA_DIR: dataDir }, 'Password', [password, password]);
    expect(run.code).toBe(0);
    expect(run.output).toContain('Password: ');
    expect(run.output).toContain('Password (again): ');
    expect(run.output).toContain('Added user');
    expect(run.output).not.toContain(password);
    await expectPassword('frank@example.com', password);
  });

  it('refuses two different passwords with exit 1, and adds no one', async () => {
    const run = await runOnTerminal([process.execPath, ADD_USER, 'grace@example.com'], { DATA_DIR: dataDir }, 'Password', ['grace-pass-1', 'grace-pass-2']);
    expect(run.code).toBe(1);
    expect(run.output).toContain('the two passwords differ');
    expect(run.output).not.toContain('grace-pass');
    expect(db.findUserByEmail('grace@example.com')).toBeUndefined();
  });
});

/** A terminal for readPassword: a stream with isTTY and setRawMode, recording the raw mode and the prompts. */
function fakeTerminal() {
  const input = Object.assign(new PassThrough(), { isTTY: true, raw: [] as boolean[], setRawMode: (raw: boolean) => input.raw.push(raw) });
  const shown: string[] = [];
  // What is typed arrives only once the prompt is shown, in raw mode.
  const typeAfterPrompt = (chunks: readonly string[]) => {
    const out = {
      write: (text: string) => {
        shown.push(text);
        if (shown.length === 1) {
          expect(input.raw).toEqual([true]);
          for (const chunk of chunks) input.write(chunk);
        }
      },
    };
    return readPassword(input, out);
  };
  return { input, shown, typeAfterPrompt };
}

describe('readPassword on a terminal', () => {
  it('edits with Backspace and Ctrl-U, drops arrow keys, takes a pasted pair of lines, and leaves raw mode', async () => {
    const t = fakeTerminal();
    await expect(t.typeAfterPrompt(['xx\u0015ab', 'x\u007fc\u001b[D', 'dé\r', 'abcdé\r\n'])).resolves.toBe('abcdé');
    expect(t.input.raw).toEqual([true, false]);
    expect(t.shown.join('')).toBe('Password: \nPassword (again): \n');
  });

  it('Ctrl-C cancels, and leaves raw mode', async () => {
    const t = fakeTerminal();
    await expect(t.typeAfterPrompt(['abc\u0003'])).rejects.toThrow('cancelled');
    expect(t.input.raw).toEqual([true, false]);
  });

  it('Ctrl-D on an empty line cancels; within a line it is ignored', async () => {
    await expect(fakeTerminal().typeAfterPrompt(['ab\u0004c\r', 'abc\r'])).resolves.toBe('abc');
    await expect(fakeTerminal().typeAfterPrompt(['abc\r', '\u0004'])).rejects.toThrow('cancelled');
  });
});

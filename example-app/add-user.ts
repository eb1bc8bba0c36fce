// example-app/add-user.ts
// npm run add-user -- <email> [--name <name>]: adds a user to the example app's database (in $DATA_DIR).

import { parseArgs } from 'node:util';
import { openDatabase, resolveDataDir } from './db';
import { readPassword, type PasswordInput, type PromptOutput } from './read-password';

const HOW = [
  'usage: npm run add-user -- <email> [--name "<name>"]',
  'The password is never taken from the command line (ps, shell history and CI logs would keep it):',
  'type it at the prompt, or pipe it on stdin: printf %s "$PASSWORD" | npm run add-user -- <email>',
].join('\n');

export interface AddUserIo {
  readonly stdin: PasswordInput;
  readonly stdout: PromptOutput;
  readonly stderr: PromptOutput;
}

/** Adds the user and resolves with the exit code: 0, 1 (refused by the database, or no password), 2 (usage). */
export async function main(argv: readonly string[], io: AddUserIo = process): Promise<number> {
  const args = parseAddUserArgs(argv);
  if (typeof args === 'string') {
    io.stderr.write(`add-user: ${args}\n${HOW}\n`);
    return 2;
  }
  let password: string;
  try {
    password = await readPassword(io.stdin, io.stderr);
  } catch (err) {
    io.stderr.write(`add-user: ${(err as Error).message}\n`);
    return 1;
  }
  const db = openDatabase(resolveDataDir(), { log: (line) => io.stdout.write(`${line}\n`) });
  try {
    const user = db.addUser({ email: args.email, password, name: args.name });
    io.stdout.write(`Added user ${user.id}: ${user.email}${user.name ? ` (${user.name})` : ''}\n`);
    return 0;
  } catch (err) {
    io.stderr.write(`add-user: ${(err as Error).message}\n`);
    return 1;
  } finally {
    db.close();
  }
}

/**
 * The email and --name, or why not. A refused argument is named by its position only: it may be the password,
 * typed where the old `add-user <email> <password>` took it.
 */
function parseAddUserArgs(argv: readonly string[]): { email: string; name?: string } | string {
  const { tokens } = parseArgs({ args: [...argv], options: { name: { type: 'string' } }, strict: false, allowPositionals: true, tokens: true });
  let email: string | undefined;
  let name: string | undefined;
  for (const token of tokens) {
    if (token.kind === 'option-terminator') continue;
    const refused = `argument ${token.index + 1} is refused (not shown, in case it is the password)`;
    if (token.kind === 'positional') {
      if (email !== undefined) return `${refused}: add-user takes one argument, the email`;
      email = token.value;
    } else if (token.name !== 'name') {
      return `${refused}: the only option is --name`;
    } else if (token.value === undefined || token.value === '' || (!token.inlineValue && token.value.startsWith('-'))) {
      return '--name needs a value (write --name=<name> for one starting with "-")';
    } else {
      name = token.value;
    }
  }
  return email === undefined ? 'an email is required' : { email, name };
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}

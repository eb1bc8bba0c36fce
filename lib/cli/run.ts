// lib/cli/run.ts
// Parses `express-password-grant <command> [options]`, runs the command, and maps failures to exit codes.

import { CommandError, EXIT, UsageError, type CliIo } from './io';
import { hashSecretCommand, HASH_SECRET_HINT, HASH_SECRET_OPTIONS } from './hash-secret-command';
import { keysCommand, KEYS_OPTIONS } from './keys-command';
import { parseCommandArgs, type CliOptions, type CliValues } from './parse-args';

export const USAGE = `Usage: npx express-password-grant <command> [options]

Commands:
  keys          Generate a signing key: writes the private key (PEM, mode 0600) and prints
                the signingKeys snippet for passwordGrant() and the public JWK.
                --alg RS256|PS256|ES256   algorithm (default RS256)
                --kid <kid>               key id (default: the key's RFC 7638 thumbprint)
                --out <file>              where to write the private key (default signing-key.pem);
                                          an existing file is never overwritten
  hash-secret   Read a client secret from stdin and print its bcrypt hash, for Client.secretHash.
                The secret is never taken from the command line (it would show in ps and shell history).
                  printf %s "$CLIENT_SECRET" | npx express-password-grant hash-secret
                --generate                generate a strong secret instead, and print it with its hash
                --cost <4-15>             bcrypt cost (default 10)
  help          Show this text (also --help, -h).
`;

interface Command {
  readonly options: CliOptions;
  /** Printed after a refused argument: how to do it right. */
  readonly hint: string;
  run(values: CliValues, io: CliIo): Promise<void>;
}

const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const;

const HELP: Command = { options: {}, hint: '', run: printUsage };

const COMMANDS: Readonly<Record<string, Command>> = {
  keys: { options: { ...KEYS_OPTIONS, ...HELP_OPTION }, hint: '', run: keysCommand },
  'hash-secret': { options: { ...HASH_SECRET_OPTIONS, ...HELP_OPTION }, hint: HASH_SECRET_HINT, run: hashSecretCommand },
  help: HELP,
  '--help': HELP,
  '-h': HELP,
};

/** Runs the CLI with `argv` (without node and the script) and resolves with the exit code; rejects only on a bug. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (name === undefined) throw new UsageError('a command is required');
    // An unknown command is not named either: it may be the secret, typed where the command goes.
    if (!Object.hasOwn(COMMANDS, name)) throw new UsageError('unknown command (not shown, in case it is a secret)');
    const command = COMMANDS[name];
    const values = parseCommandArgs(name, rest, command.options, command.hint);
    await (values.help === true ? printUsage(values, io) : command.run(values, io));
    return EXIT.ok;
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`express-password-grant: ${err.message}\n\n${USAGE}`);
      return EXIT.usage;
    }
    if (err instanceof CommandError) {
      io.stderr.write(`express-password-grant: ${err.message}\n`);
      return EXIT.failed;
    }
    throw err;
  }
}

async function printUsage(_values: CliValues, io: CliIo): Promise<void> {
  io.stdout.write(USAGE);
}

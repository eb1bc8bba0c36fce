// lib/cli/run.ts
// Parses `express-password-grant <command> [options]`, runs the command, and maps failures to exit codes.

import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CommandError, EXIT, UsageError, type CliIo } from './io';
import { hashSecretCommand, HASH_SECRET_OPTIONS } from './hash-secret-command';
import { keysCommand, KEYS_OPTIONS } from './keys-command';

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
  readonly options: NonNullable<ParseArgsConfig['options']>;
  run(values: Record<string, string | boolean | undefined>, io: CliIo): Promise<void>;
}

const COMMANDS: Readonly<Record<string, Command>> = {
  keys: { options: KEYS_OPTIONS, run: keysCommand },
  'hash-secret': { options: HASH_SECRET_OPTIONS, run: hashSecretCommand },
};

/** Runs the CLI with `argv` (without node and the script) and resolves with the exit code; rejects only on a bug. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === 'help' || name === '--help' || name === '-h') {
    io.stdout.write(USAGE);
    return EXIT.ok;
  }
  try {
    const command = name === undefined ? undefined : COMMANDS[name];
    if (command === undefined) throw new UsageError(name === undefined ? 'a command is required' : `unknown command "${name}"`);
    if (rest.includes('--help') || rest.includes('-h')) {
      io.stdout.write(USAGE);
      return EXIT.ok;
    }
    await command.run(parse(rest, command.options), io);
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

function parse(args: string[], options: NonNullable<ParseArgsConfig['options']>): Record<string, string | boolean | undefined> {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values as Record<string, string | boolean | undefined>;
  } catch (err) {
    // parseArgs names the unknown option or the missing value (ERR_PARSE_ARGS_*).
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

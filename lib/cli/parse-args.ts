// lib/cli/parse-args.ts
// Strict option parsing that never repeats what it refuses: a stray argument may be a secret typed in the wrong place.

import { parseArgs } from 'node:util';
import { UsageError } from './io';

/** A command's options, as node:util parseArgs takes them. */
export type CliOptions = Readonly<Record<string, { readonly type: 'string' | 'boolean'; readonly short?: string }>>;
export type CliValues = Record<string, string | boolean | undefined>;

/** Said after every refused argument, instead of the argument itself. */
const NOT_SHOWN = '(not shown, in case it is a secret)';

/**
 * The options after `command`, or a UsageError. Refuses positional arguments, unknown options, a string option
 * without a value and a boolean option with one. A message names the argument's position, and its name only when
 * the name is one of `options`: never a value, nor an unknown option's name (`--hunter2` may be the password).
 * node:util's strict mode would quote both ("Unexpected argument 'hunter2'"), into a CI job's stored log.
 * `hint` follows the message: how to do it right.
 */
export function parseCommandArgs(command: string, args: readonly string[], options: CliOptions, hint: string): CliValues {
  // Not strict: node's own errors quote the argument. Every token is checked below instead.
  const { tokens } = parseArgs({ args: [...args], options, strict: false, allowPositionals: true, tokens: true });
  const names = Object.keys(options).map((name) => `--${name}`);
  const takes = names.length === 0 ? 'it takes none' : `it takes ${names.join(', ')}`;
  const values: CliValues = {};
  for (const token of tokens) {
    if (token.kind === 'option-terminator') continue;
    const where = `argument ${token.index + 1} after ${command} is refused ${NOT_SHOWN}`;
    if (token.kind === 'positional') throw refused(`${where}: ${command} takes no arguments`, hint);
    const option = Object.hasOwn(options, token.name) ? options[token.name] : undefined;
    if (option === undefined) throw refused(`${where}: it is not an option of ${command}; ${takes}`, hint);
    const name = `--${token.name}`;
    if (option.type === 'boolean') {
      if (token.value !== undefined) throw refused(`${name} takes no value; the one given is not shown, in case it is a secret`, hint);
      values[token.name] = true;
    } else {
      // As in node's strict mode, `--kid --out x` is refused rather than read as the kid "--out".
      if (token.value === undefined || (!token.inlineValue && token.value.startsWith('-'))) {
        throw refused(`${name} needs a value (write ${name}=<value> for one starting with "-")`, hint);
      }
      values[token.name] = token.value;
    }
  }
  return values;
}

function refused(message: string, hint: string): UsageError {
  return new UsageError(hint === '' ? message : `${message}\n${hint}`);
}

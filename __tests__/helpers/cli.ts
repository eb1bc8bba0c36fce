// __tests__/helpers/cli.ts
// Runs a command in a child process (on pipes or on a terminal), and reads what `keys` prints as the app would.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { SigningKeyOption } from '../../lib';

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `command` (an executable, or [node, script]) with `args` in `cwd`, writing `input` to stdin and closing it.
 * `env` is added to this process's environment.
 */
export function runCommand(command: readonly string[], args: readonly string[], cwd: string, input = '', env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command[0], [...command.slice(1), ...args], { cwd, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    // The CLI may exit before reading all of a too-long input.
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}

export interface TerminalRun {
  readonly code: number | null;
  /** Everything the terminal showed: stdout and stderr, and whatever the terminal itself echoed. */
  readonly output: string;
}

const SCRIPT = '/usr/bin/script';
const shellQuote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;

/**
 * Runs `command` with `args` on a pseudo-terminal (util-linux `script`), and types `answers[i]` (then Enter) once the
 * output shows `prompt` for the (i+1)th time. Typing only after the prompt matters: the terminal itself echoes what
 * is typed before the program turns echo off.
 */
export function runOnTerminal(command: readonly string[], env: NodeJS.ProcessEnv, prompt: string, answers: readonly string[]): Promise<TerminalRun> {
  if (!fs.existsSync(SCRIPT)) throw new Error(`${SCRIPT} is missing: install util-linux (apt-get install -y util-linux)`);
  return new Promise((resolve, reject) => {
    const child = spawn(SCRIPT, ['--quiet', '--return', '--command', command.map(shellQuote).join(' '), '/dev/null'], {
      env: { ...process.env, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    let typed = 0;
    const onOutput = (d: Buffer) => {
      output += d.toString();
      const prompts = output.split(prompt).length - 1;
      while (typed < answers.length && typed < prompts) child.stdin.write(`${answers[typed++]}\r`);
    };
    child.stdout.on('data', onOutput);
    child.stderr.on('data', onOutput);
    child.stdin.on('error', () => undefined);
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** The `signingKeys: [...]` line `keys` prints, evaluated as the app would, with fs reading relative to `dir`. */
export function signingKeysFrom(stdout: string, dir: string): SigningKeyOption[] {
  const line = stdout.split('\n').find((l) => l.startsWith('signingKeys: '));
  if (line === undefined) throw new Error(`no signingKeys line in:\n${stdout}`);
  const expression = line.slice('signingKeys: '.length).replace(/,$/, '');
  const scopedFs = { readFileSync: (file: string, encoding: BufferEncoding) => fs.readFileSync(path.resolve(dir, file), encoding) };
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- evaluating the printed line as the app's code would is what this checks
  const evaluate = new Function('fs', `return ${expression};`) as (fs: typeof scopedFs) => SigningKeyOption[];
  return evaluate(scopedFs);
}

/** The public JWK `keys` prints after its snippet (a JSON object starting on its own line). */
export function publicJwkFrom(stdout: string): Record<string, string> {
  return JSON.parse(stdout.slice(stdout.indexOf('\n{\n') + 1)) as Record<string, string>;
}

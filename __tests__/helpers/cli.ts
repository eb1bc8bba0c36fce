// __tests__/helpers/cli.ts
// Runs the express-password-grant command in a child process, and reads what `keys` prints as the app would.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { SigningKeyOption } from '../../lib';

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `command` (an executable, or [node, script]) with `args` in `cwd`, writing `input` to stdin and closing it. */
export function runCommand(command: readonly string[], args: readonly string[], cwd: string, input = ''): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command[0], [...command.slice(1), ...args], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
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

/** The `signingKeys: [...]` line `keys` prints, evaluated as the app would, with fs reading relative to `dir`. */
export function signingKeysFrom(stdout: string, dir: string): SigningKeyOption[] {
  const line = stdout.split('\n').find((l) => l.startsWith('signingKeys: '));
  if (line === undefined) throw new Error(`no signingKeys line in:\n${stdout}`);
  const expression = line.slice('signingKeys: '.length).replace(/,$/, '');
  const scopedFs = { readFileSync: (file: string, encoding: BufferEncoding) => fs.readFileSync(path.resolve(dir, file), encoding) };
  return new Function('fs', `return ${expression};`)(scopedFs) as SigningKeyOption[];
}

/** The public JWK `keys` prints after its snippet (a JSON object starting on its own line). */
export function publicJwkFrom(stdout: string): Record<string, string> {
  return JSON.parse(stdout.slice(stdout.indexOf('\n{\n') + 1)) as Record<string, string>;
}

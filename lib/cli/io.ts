// lib/cli/io.ts
// What a CLI command talks to: the standard streams and the working directory (injected, so tests can drive it).

export interface CliIo {
  readonly stdin: NodeJS.ReadableStream & { readonly isTTY?: boolean };
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  /** Relative paths given on the command line resolve against it. */
  readonly cwd: string;
}

/** Exit codes: success, a failure of the command itself, and a usage error (as in most Unix tools). */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** A usage error: the message is printed with the usage text, and the exit code is 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A failure the user can fix (a file exists, an empty secret): printed as is, exit code 1. */
export class CommandError extends Error {
  override name = 'CommandError';
}

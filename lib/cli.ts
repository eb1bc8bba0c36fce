#!/usr/bin/env node
// lib/cli.ts
// The `express-password-grant` command (package.json "bin"): `keys` and `hash-secret`; see cli/run.ts.

import { runCli } from './cli/run';

runCli(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() }).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`express-password-grant: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);

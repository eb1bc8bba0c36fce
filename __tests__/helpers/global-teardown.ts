// __tests__/helpers/global-teardown.ts
// Jest globalTeardown: a watchdog that turns a Jest which never exits (a handle left open) into a prompt, explained failure.

import { spawn } from 'node:child_process';
import type { Socket } from 'node:net';

/**
 * How long Jest may take to exit after its last suite (JEST_EXIT_WITHIN_MS overrides it): well under a second when every
 * suite closed what it opened.
 */
const EXIT_WITHIN_MS = 60_000;

/**
 * Runs in a detached process: waits for Jest to exit (its end of the pipe on our stdin closes). If Jest is still alive
 * after the limit, prints why that matters and how to find the cause, then kills it, so that CI fails in a minute
 * instead of hanging until its time limit.
 */
const WATCHDOG = `
const [pid, limit] = process.argv.slice(1).map(Number);
process.stdin.on('data', () => {});
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
setTimeout(() => {
  process.stderr.write('\\nJest did not exit ' + limit / 1000 + ' s after its last suite: something keeps it alive (a server,' +
    ' client, child process or timer a suite did not close; run that suite with --detectOpenHandles). Killing it.\\n');
  try { process.kill(pid, 'SIGKILL'); } catch {}
  process.exit(0);
}, limit);
`;

export default function globalTeardown(globalConfig: { readonly watch: boolean; readonly watchAll: boolean }): void {
  // In watch mode Jest stays up on purpose.
  if (globalConfig.watch || globalConfig.watchAll) return;
  const limit = Number(process.env.JEST_EXIT_WITHIN_MS ?? EXIT_WITHIN_MS);
  const watchdog = spawn(process.execPath, ['-e', WATCHDOG, String(process.pid), String(limit)], {
    detached: true,
    stdio: ['pipe', 'ignore', 'inherit'],
  });
  // Neither the watchdog nor the pipe to it may keep Jest alive: they are what tells whether something else does.
  watchdog.unref();
  (watchdog.stdin as Socket).unref();
}

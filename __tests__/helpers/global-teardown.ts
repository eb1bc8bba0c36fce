// __tests__/helpers/global-teardown.ts
// Jest globalTeardown: a watchdog that turns a Jest which never exits into a prompt failure that says why.

import { spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import path from 'node:path';

/**
 * How long Jest may take to exit after its last suite (JEST_EXIT_WITHIN_MS overrides it): well under a second when
 * every suite closed what it opened.
 */
const EXIT_WITHIN_MS = 60_000;

export default function globalTeardown(globalConfig: { readonly watch: boolean; readonly watchAll: boolean }): void {
  // In watch mode Jest stays up on purpose.
  if (globalConfig.watch || globalConfig.watchAll) return;
  const limit = Number(process.env.JEST_EXIT_WITHIN_MS ?? EXIT_WITHIN_MS);
  const watchdog = spawn(process.execPath, [path.join(__dirname, 'exit-watchdog.js'), String(process.pid), String(limit)], {
    detached: true,
    stdio: ['pipe', 'ignore', 'inherit'],
  });
  const pipe = watchdog.stdin as Socket;
  // Neither the watchdog nor the pipe to it may keep Jest alive: they are what tells whether something else does.
  watchdog.unref();
  pipe.unref();
  // First of the 'exit' listeners: the watchdog learns that the event loop drained even if a later one never returns.
  process.prependOnceListener('exit', () => pipe.write('exit\n'));
}

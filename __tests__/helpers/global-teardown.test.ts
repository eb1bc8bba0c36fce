// __tests__/helpers/global-teardown.test.ts
// Jest exits by itself after suites that close what they open; a leaked handle or a stuck exit fails the run at once.

import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
const CONFIG = path.join(__dirname, 'fixtures', 'exit', 'jest.config.js');

const children: ChildProcess[] = [];
// A Jest that the watchdog failed to kill (the failure under test) must not outlive its test.
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/** Runs the project's Jest config on one fixture suite in a child process; resolves with how that Jest ended. */
function jest(suite: string): Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [require.resolve('jest/bin/jest'), '-c', CONFIG, '--ci', suite], {
      cwd: ROOT,
      // Short enough for a test, long enough for a loaded machine to exit after suites that closed everything.
      env: { ...process.env, JEST_EXIT_WITHIN_MS: '10000' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.once('close', (code, signal) => resolve({ code, signal, output }));
  });
}

it('exits by itself, without forceExit, once the suites have closed what they opened', async () => {
  const run = await jest('closes-server');
  expect(run.output).toContain('1 passed');
  expect({ code: run.code, signal: run.signal }).toEqual({ code: 0, signal: null });
  expect(run.output).not.toMatch(/Force exiting|did not exit/);
}, 60_000);

it('is killed with a message naming the cause when a suite leaves a server open, instead of hanging', async () => {
  const run = await jest('leaves-server-open');
  expect(run.output).toContain('1 passed');
  expect(run.signal).toBe('SIGKILL');
  expect(run.output).toContain('Jest did not exit 10 s after its last suite: something keeps it alive');
  expect(run.output).toContain('--detectOpenHandles');
}, 60_000);

it('tells a process stuck after its event loop drained (in exit, not on a handle) from a leak, and kills it too', async () => {
  const run = await jest('stuck-at-exit');
  expect(run.output).toContain('1 passed');
  expect(run.signal).toBe('SIGKILL');
  expect(run.output).toContain("Jest ran its 'exit' event but its process did not end 10 s later: not an open handle");
  expect(run.output).not.toContain('something keeps it alive');
}, 90_000);

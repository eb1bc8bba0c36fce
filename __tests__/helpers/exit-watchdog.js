// __tests__/helpers/exit-watchdog.js
// Run detached by the Jest globalTeardown: kills a Jest that has not exited in time, and says whether a handle kept it.

// Usage: node exit-watchdog.js <jest pid> <limit ms>, with a pipe from Jest on stdin. Jest writes "exit" on it from
// its 'exit' event (its event loop drained: nothing open kept it alive); the pipe ends when Jest's process ends.
const { execFileSync } = require('node:child_process');
const { existsSync } = require('node:fs');

const [pid, limit] = process.argv.slice(2).map(Number);
let exiting = false;

process.stdin.on('data', (chunk) => (exiting ||= String(chunk).includes('exit')));
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));

setTimeout(() => {
  const seconds = limit / 1000;
  if (exiting) {
    process.stderr.write(
      `\nJest ran its 'exit' event but its process did not end ${seconds} s later: not an open handle (its event loop had ` +
        "drained), but an exit listener or Node's own teardown that does not return (seen once on Node 20, spinning in " +
        'node::Environment::CleanupHandles). Where its threads are:\n',
    );
    backtrace();
  } else {
    process.stderr.write(
      `\nJest did not exit ${seconds} s after its last suite: something keeps it alive (a server, client, child process ` +
        'or timer a suite did not close; run the suites with --detectOpenHandles, or one folder at a time, to find it).\n',
    );
  }
  process.stderr.write(`Killing Jest (pid ${pid}) so the run fails now instead of hanging.\n`);
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
  process.exit(0);
}, limit);

/** Every thread's stack, when gdb is installed: what a hang at exit needs to be explained. */
function backtrace() {
  if (!existsSync('/usr/bin/gdb')) return;
  try {
    const out = execFileSync('/usr/bin/gdb', ['-p', String(pid), '-batch', '-ex', 'thread apply all bt 15'], {
      timeout: 60_000,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    process.stderr.write(out);
  } catch {
    process.stderr.write('(gdb could not attach)\n');
  }
}

// __tests__/testing/node-test-runner.test.ts
// The store test kit runs under node:test, whose describe/it/afterEach are imports, not globals (options.runner).

import { execFile } from 'node:child_process';
import path from 'node:path';

const root = path.join(__dirname, '..', '..');

it('passes every contract case on MemoryStore and SqliteStore when run by `node --test` with options.runner', async () => {
  const fixture = path.join(__dirname, 'fixtures', 'node-test-kit.mjs');
  const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
    const child = execFile(process.execPath, ['--test', '--test-reporter=tap', fixture], { cwd: root, maxBuffer: 10 * 1024 * 1024 }, (_err, out) =>
      resolve({ code: child.exitCode, stdout: out }),
    );
  });
  const count = (label: string): number => Number(new RegExp(`^# ${label} (\\d+)$`, 'm').exec(stdout)?.[1]);
  expect({ code, fail: count('fail'), pass: count('pass') > 0 ? 'some' : stdout }).toEqual({ code: 0, fail: 0, pass: 'some' });
  // 31 cases per store (no peers; the capped-counter cases of hitBelow/release, the revocation-mark case and the
  // replay-cache flood case included): both stores' suites ran in full, none skipped.
  expect(count('pass')).toBe(62);
  expect(count('skipped')).toBe(0);
}, 120_000);

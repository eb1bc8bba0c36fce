// __tests__/testing/kit.test.ts
// The conformance kit catches broken stores: run on a racy store in a child jest, the right cases fail.

import { execFile } from 'node:child_process';
import path from 'node:path';

const root = path.join(__dirname, '..', '..');

interface JestJson {
  readonly numFailedTests: number;
  readonly testResults: ReadonlyArray<{ readonly assertionResults: ReadonlyArray<{ readonly title: string; readonly status: string }> }>;
}

function runKitOnRacyStore(): Promise<JestJson> {
  const jest = require.resolve('jest/bin/jest');
  const args = [jest, '--ci', '--json', '--testMatch', '**/fixtures/racy-store.kit.ts', '--testPathIgnorePatterns', '/node_modules/', '--', 'racy-store'];
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { cwd: root, maxBuffer: 10 * 1024 * 1024 }, (_err, stdout) => {
      // jest exits non-zero when tests fail, which is the point; the JSON report is what we read.
      try {
        resolve(JSON.parse(stdout) as JestJson);
      } catch (parseError) {
        reject(parseError);
      }
    });
  });
}

it('fails a store whose rotation, claims, replay cache, counter windows and counter batches are not what the contract demands', async () => {
  const report = await runKitOnRacyStore();
  const results = report.testResults.flatMap((r) => r.assertionResults);
  const failed = results.filter((r) => r.status === 'failed').map((r) => r.title);
  expect(failed.sort()).toEqual(
    [
      'gives exactly one winner among 50 concurrent rotations of one token',
      'gives exactly one of 50 concurrent claims of one key',
      'never grants a live key twice, however many keys were claimed since (a bounded store may say StoreFullError)',
      'counts hits from one and reports when the counter resets',
      'extends the window to the longest asked for, and never shortens it',
      'hitBelowMany makes each hitBelow in order, then each peek, and answers in the order asked',
      'hitBelowMany grants exactly max per key among 60 concurrent batches naming the keys in opposite orders',
      'concurrent reservations and releases of overlapping keys in opposite orders keep at most max held, and end at 0',
    ].sort(),
  );
  expect(results.filter((r) => r.status === 'passed').length).toBeGreaterThan(10);
}, 120_000);

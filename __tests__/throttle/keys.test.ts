// __tests__/throttle/keys.test.ts
// How buckets name usernames and addresses, and how lock times grow.

import { ipBucket, normalizeUsername } from '../../lib/throttle/keys';
import { lockSeconds } from '../../lib/throttle/limiter';

it.each([
  ['203.0.113.9', '203.0.113.9'],
  ['::ffff:203.0.113.9', '203.0.113.9'],
  ['2001:db8:1:2::1', '2001:db8:1:2::/64'],
  ['2001:0DB8:0001:0002:aaaa:bbbb:cccc:dddd', '2001:db8:1:2::/64'],
  ['::1', '0:0:0:0::/64'],
  ['fe80::1%eth0', 'fe80:0:0:0::/64'],
  ['::ffff:1.2.3.4:5', '::ffff:1.2.3.4:5'],
  [undefined, 'unknown'],
])('ipBucket(%j) is %j', (ip, bucket) => {
  expect(ipBucket(ip)).toBe(bucket);
});

it('normalises usernames by NFKC, trimming and case', () => {
  expect(normalizeUsername(' ＡLICE@Example.com ')).toBe('alice@example.com');
});

it('locks for lockSeconds at max failures, doubling after, capped at the window', () => {
  const rule = { max: 5, windowSeconds: 900, lockSeconds: 30 };
  expect([5, 6, 7, 8, 9, 10, 1000].map((n) => lockSeconds(rule, n))).toEqual([30, 60, 120, 240, 480, 900, 900]);
});

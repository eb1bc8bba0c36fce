// __tests__/throttle/keys.test.ts
// How buckets name usernames and addresses, and how lock times grow.

import { createHash } from 'node:crypto';
import request from 'supertest';
import { MemoryStore } from '../../lib';
import { foldUsername, ipBucket } from '../../lib/throttle/keys';
import { basic, createServer, form, WEB_SECRET } from '../helpers/server';
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

// Issue 19 item 1: MySQL 8 and MariaDB match usernames case- and accent-insensitively, so every spelling such a
// table treats as one account must fold to one key (ICU's root collation at primary strength stands in for it).
// Folding further than a table only merges buckets, never lets a spelling escape one.
const baseCollation = new Intl.Collator('en', { sensitivity: 'base' });
const SAME = 'as a case- and accent-insensitive table does';
const STRICTER = 'stricter than such a table (whitespace, dotless i)';
it.each([
  ['àlice', 'alice', SAME],
  ['ÀLÎÇË', 'alice', SAME],
  ['ａｌｉｃｅ', 'alice', SAME],
  ['al\u00ADice', 'alice', SAME], // soft hyphen, ignored by the collation
  ['al\u200Bi\u200Dce', 'alice', SAME], // zero-width space and joiner
  ['a\u0301lice', 'alice', SAME], // a combining accent
  ['Straße', 'strasse', SAME],
  ['STRAẞE', 'strasse', SAME],
  ['ﬁona', 'fiona', SAME],
  ['İlker', 'ilker', SAME],
  ['Ørsted', 'orsted', SAME],
  ['Łódź', 'lodz', SAME],
  ['Æsir', 'aesir', SAME],
  ['ΣΊΣΥΦΟΣ', 'σισυφος', SAME],
  ['한국어', '한국어', SAME],
  [' Alice ', 'alice', STRICTER],
  [' ＡLICE@Example.com ', 'alice@example.com', STRICTER],
  ['john \u00A0\u3000 doe', 'john doe', STRICTER],
  ['ılker', 'ilker', STRICTER],
])('folds %j to %j, %s', (spelling, key, how) => {
  expect(foldUsername(spelling)).toBe(key);
  expect(foldUsername(key)).toBe(key); // idempotent
  if (how === SAME) expect(baseCollation.compare(spelling, key)).toBe(0);
});

it('locks for lockSeconds in the first lock period, doubling per period, capped at the window', () => {
  const rule = { max: 5, windowSeconds: 900, lockSeconds: 30 };
  expect([1, 2, 3, 4, 5, 6, 1000].map((n) => lockSeconds(rule, n))).toEqual([30, 60, 120, 240, 480, 900, 900]);
});

describe('store keys of the throttle', () => {
  /** A real MemoryStore that remembers every counter key it was asked about. */
  class KeyRecordingStore extends MemoryStore {
    readonly keys = new Set<string>();
    override hit(key: string, windowSeconds: number) {
      this.keys.add(key);
      return super.hit(key, windowSeconds);
    }
    override hitBelow(key: string, max: number, windowSeconds: number) {
      this.keys.add(key);
      return super.hitBelow(key, max, windowSeconds);
    }
    override release(key: string) {
      this.keys.add(key);
      return super.release(key);
    }
    override peek(key: string) {
      this.keys.add(key);
      return super.peek(key);
    }
    override reset(key: string) {
      this.keys.add(key);
      return super.reset(key);
    }
  }

  it('hold no username, IP or client id, only a bounded hash of them (stable across releases)', async () => {
    const store = new KeyRecordingStore();
    const s = await createServer({ store });
    s.app.set('trust proxy', true);
    const long = `${'mallory'.repeat(200)}@example.com`;
    for (const [username, password] of [
      ['alice', 'wrong'],
      ['alice', 'correct horse'],
      [long, 'x'],
    ]) {
      await request(s.app)
        .post('/oauth2/token')
        .set('X-Forwarded-For', '203.0.113.9')
        .set('Authorization', basic('web', WEB_SECRET))
        .type('form')
        .send(form({ grant_type: 'password', username, password }));
    }
    const keys = [...store.keys].filter((k) => k.startsWith('thr:'));
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      expect(key).toMatch(/^thr:([flnk]:|kc:|t:(username|client):[A-Za-z0-9_-]{43}:)(usernameIp|username|ip|clientIp|client|account):[A-Za-z0-9_-]{43}$/);
      expect(key).not.toMatch(/alice|mallory|203\.0\.113|web/);
    }
    // Existing deployments' counters (e.g. in Redis) keep their meaning: the key of a bucket is a fixed formula.
    const sha = createHash('sha256').update('alice').digest('base64url');
    expect(keys).toContain(`thr:f:username:${sha}`);
  });
});

// __tests__/stores/shared/session-list.test.ts
// Where a page of listSessions ends (sessionPageLength) and the order within a second (newestFirst), as every store
// applies them; the stores themselves are checked by runSessionStoreContract.

import { newestFirst, sessionPageLength } from '../../../lib/stores/shared/session-list';

describe('sessionPageLength: a page never ends inside a group of equal lastUsedAt', () => {
  it.each([
    ['fewer than limit: all of them', [9, 8], 3, 2],
    ['exactly limit: all of them', [9, 8, 7], 3, 3],
    ['a cut between two seconds: limit', [9, 8, 7, 6], 3, 3],
    ['a cut inside a group below a newer one: before the group', [9, 8, 8, 8, 7], 2, 1],
    ['a cut inside a group below two newer ones: before the group', [9, 8, 7, 7], 3, 2],
    ['a group that starts the page: all of it, more than limit', [9, 9, 9, 8], 1, 3],
    ['a group that is the whole list: all of it', [9, 9, 9, 9], 2, 4],
    ['nothing', [], 1, 0],
  ])('%s', (_name, used, limit, length) => {
    expect(sessionPageLength(used, limit)).toBe(length);
  });

  it("pages through any list without skipping or repeating: each next page is below the last one's second", () => {
    const used = [5, 5, 5, 4, 3, 3, 2, 2, 2, 2, 1];
    for (const limit of [1, 2, 3, 4, 5]) {
      const seen: number[] = [];
      let rest = used;
      while (rest.length > 0) {
        const page = rest.slice(0, sessionPageLength(rest, limit));
        expect(page.length).toBeGreaterThan(0);
        seen.push(...page);
        rest = rest.filter((at) => at < page[page.length - 1]);
      }
      expect(seen).toEqual(used);
    }
  });
});

describe('newestFirst', () => {
  it('orders by lastUsedAt descending, then id descending by its UTF-8 bytes (not UTF-16 code units)', () => {
    const at = (id: string, lastUsedAt: number) => ({ id, lastUsedAt });
    const list = [at('a', 1), at('\uff21', 2), at('B', 2), at('\u{1f600}', 2), at('z', 0)];
    expect(list.sort(newestFirst).map((s) => s.id)).toEqual(['\u{1f600}', '\uff21', 'B', 'a', 'z']);
  });
});

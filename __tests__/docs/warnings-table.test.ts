// __tests__/docs/warnings-table.test.ts
// docs/events.md lists every warning code with its fix, and nothing that is not one (read from WARNING_CODES).

import { WARNING_CODES } from '../../lib/options/warnings';
import { read } from './markdown';

it('docs/events.md has one row for each warning code, and no other', () => {
  const text = read('docs/events.md');
  const section = text.slice(text.indexOf('## Warnings'));
  const documented = [...section.matchAll(/^\| `(EPG_\w+)` \|/gm)].map((m) => m[1]);
  expect(documented.sort()).toEqual(Object.keys(WARNING_CODES).sort());
});

// __tests__/docs/options.test.ts
// docs/options.md lists exactly the options passwordGrant() accepts, read from the compiler-checked KNOWN_OPTIONS.

import { KNOWN_OPTIONS } from '../../lib/options/password-grant-options';
import { read } from './markdown';

/** The option names in the first column of the table under "## All options". */
function documentedOptions(): string[] {
  const text = read('docs/options.md');
  const start = text.indexOf('## All options');
  expect(start).toBeGreaterThan(-1);
  const section = text.slice(start).split('\n## ')[0];
  return [...section.matchAll(/^\| `(\w+)` \|/gm)].map((m) => m[1]);
}

describe('docs/options.md', () => {
  it('has a row for every option of PasswordGrantOptions and StandardsOptions, and for nothing else', () => {
    const documented = documentedOptions();
    const known = Object.keys(KNOWN_OPTIONS);
    expect(known.filter((name) => !documented.includes(name))).toEqual([]);
    expect(documented.filter((name) => !known.includes(name))).toEqual([]);
  });

  it('lists each option once', () => {
    const documented = documentedOptions();
    expect(documented.filter((name, i) => documented.indexOf(name) !== i)).toEqual([]);
  });
});

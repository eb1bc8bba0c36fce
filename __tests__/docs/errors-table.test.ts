// __tests__/docs/errors-table.test.ts
// docs/endpoints.md's errors table has a row for every OAuthErrorCode, with the status the library sends by default.

import { OAuthError } from '../../lib/errors/oauth-error';
import type { OAuthErrorCode } from '../../lib/errors/oauth-error';
import { read } from './markdown';

/** Every error code, as a value: the compiler keeps it complete (a code added to OAuthErrorCode fails to type-check). */
const CODES: Record<OAuthErrorCode, true> = {
  invalid_request: true,
  invalid_client: true,
  invalid_grant: true,
  unauthorized_client: true,
  unsupported_grant_type: true,
  invalid_scope: true,
  invalid_token: true,
  insufficient_scope: true,
  unsupported_token_type: true,
  invalid_dpop_proof: true,
  use_dpop_nonce: true,
  mfa_required: true,
  access_denied: true,
  slow_down: true,
  server_error: true,
  temporarily_unavailable: true,
};

/** code -> the Status cell of its row, from the table under "### Errors". */
function documentedStatuses(): Map<string, string> {
  const text = read('docs/endpoints.md');
  const section = text.slice(text.indexOf('### Errors')).split('\n#')[0];
  const rows = new Map<string, string>();
  for (const line of section.split('\n').filter((l) => /^\| `/.test(l))) {
    const [codes, status] = line.split(' | ');
    if (status === 'Status') continue; // the header row
    for (const m of codes.matchAll(/`(\w+)`/g)) rows.set(m[1], status);
  }
  return rows;
}

describe('the errors table of docs/endpoints.md', () => {
  it('has a row for every error code, and none for a code that does not exist', () => {
    const rows = documentedStatuses();
    expect(Object.keys(CODES).filter((code) => !rows.has(code))).toEqual([]);
    expect([...rows.keys()].filter((code) => !(code in CODES))).toEqual([]);
  });

  it.each(Object.keys(CODES) as OAuthErrorCode[])('gives %s the status the library sends', (code) => {
    expect(documentedStatuses().get(code)).toMatch(new RegExp(`^${new OAuthError(code).status}\\b`));
  });
});

// lib/stores/shared/sql-session-details.ts
// The SQL stores' rotation sets a session's ip and userAgent in its `data` column (named JSON) in place: one
// expression of standard string functions, no JSON parsing, inside the rotation's own statement.

/** What differs between the SQL dialects here: the position of a substring (1-based, 0 when absent), min and max. */
export interface SqlTextFunctions {
  position(haystack: string, needle: string): string;
  readonly least: string;
  readonly greatest: string;
}

export const POSTGRES_TEXT: SqlTextFunctions = { position: (h, n) => `strpos(${h}, ${n})`, least: 'LEAST', greatest: 'GREATEST' };
export const SQLITE_TEXT: SqlTextFunctions = { position: (h, n) => `instr(${h}, ${n})`, least: 'min', greatest: 'max' };

/**
 * The value of `data` (a session's named JSON object, `{"scope":…[,"ip":…][,"ua":…][,"x":{…}]}`) with its `ip` and
 * `ua` members replaced by `members` (sessionDetailsMembers, record-v1.ts): the members before the first `"ip":`,
 * `"ua":` or `"x":` that opens a member (after `{` or `,`), then `members`, then the `x` member, joined by commas, in
 * braces. The same bytes encodeNamed
 * writes for the session with those details.
 */
export function dataWithDetails(data: string, members: string, sql: SqlTextFunctions): string {
  const end = `length(${data})`;
  // Searched with the opening brace read as a comma, so that a first member is found like any other.
  const members1 = `(',' || substr(${data}, 2))`;
  const at = (needle: string): string => `COALESCE(NULLIF(${sql.position(members1, `'${needle}'`)}, 0), ${end})`;
  // A length never below 0: SQLite reads a negative one backwards, PostgreSQL refuses it.
  const inner = `substr(${data}, 2, ${sql.greatest}(${sql.least}(${at(',"ip":')}, ${at(',"ua":')}, ${at(',"x":')}) - 2, 0))`;
  const x = sql.position(members1, `',"x":'`);
  const extra = `CASE WHEN ${x} = 0 THEN '' ELSE substr(${data}, ${x} + 1, ${end} - ${x} - 1) END`;
  return `'{' || ${inner} || CASE WHEN ${inner} <> '' AND ${members} <> '' THEN ',' ELSE '' END || ${members}
      || CASE WHEN ${extra} <> '' AND (${inner} <> '' OR ${members} <> '') THEN ',' ELSE '' END || ${extra} || '}'`;
}

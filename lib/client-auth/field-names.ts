// lib/client-auth/field-names.ts
// Fields of a client record the library does not read, yet must not ignore: a secret it cannot use, a field misspelt.

import type { Client } from '../types';

/** A name compared loosely: case, `_`, `-` and a final `s` ignored (`client_secret`, `ClientSecret`, `secrets`). */
export const looseName = (name: string): string =>
  name
    .toLowerCase()
    .replace(/[_\-\s]/g, '')
    .replace(/s$/, '');

/** Fields that hold a client secret in a form the library cannot use (plaintext, or a hash under another name). */
const SECRET_LIKE: ReadonlySet<string> = new Set(
  [
    'secret',
    'clientSecret',
    'secretHash',
    'clientSecretHash',
    'hashedSecret',
    'hashedClientSecret',
    'secretDigest',
    'password',
    'passwordHash',
    'clientPassword',
    'hashedPassword',
    'passwd',
  ].map(looseName),
);

/** The names a client record may use for the fields the library reads, and each loose spelling's field. */
export interface FieldNames {
  readonly known: ReadonlySet<string>;
  readonly spellings: ReadonlyMap<string, keyof Client>;
}

/** From `[name, field]` pairs: each Client field under its own name and its RFC 7591 name; `alsoKnown` are read too. */
export function fieldNames(names: ReadonlyArray<readonly [string, keyof Client]>, alsoKnown: readonly string[]): FieldNames {
  const spellings = new Map<string, keyof Client>();
  for (const [name, field] of names) spellings.set(looseName(name), field);
  return { known: new Set([...names.map(([name]) => name), ...alsoKnown]), spellings };
}

/**
 * The first field of `record` that must not be ignored, as the end of "a client ...", else undefined. `client` is what
 * the library read from it. Empty values (undefined, null, '') carry nothing and pass. Other unknown fields are the
 * app's own (`name`, `created_at`, `owner_id`) and pass unread.
 * - A secret-like field when the client has no credential the library uses: ignoring it would make the client public.
 *   Beside a credential it is the registry's own column (a row with both `secretHash` and `client_secret`).
 * - Another spelling of a field the library reads (`default_scopes`, `accessTokenTtl`, `public_key`) while that
 *   field is absent: the client would silently lose what the app meant (DPoP binding, a key, a narrower default).
 */
export function misreadField(record: Readonly<Record<string, unknown>>, client: Partial<Client>, names: FieldNames): string | undefined {
  const hasCredential = client.secretHash !== undefined || client.jwks !== undefined || client.publicKey !== undefined || client.jwtSecret !== undefined;
  for (const field of Object.keys(record)) {
    const value = record[field];
    if (names.known.has(field) || value === undefined || value === null || value === '') continue;
    const loose = looseName(field);
    if (!hasCredential && SECRET_LIKE.has(loose)) {
      return `with a secret in ${shown(field)} and no credential the library reads: store the output of hashSecret(secret) in secretHash (else the client is public)`;
    }
    const meant = names.spellings.get(loose);
    if (meant !== undefined && client[meant] === undefined) return `with the field ${shown(field)}: the library reads ${meant} (rename it)`;
  }
  return undefined;
}

/** A name safe to put in a log line: short, printable ASCII. */
export function shown(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?').slice(0, 64);
}

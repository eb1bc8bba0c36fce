// lib/client-auth/validate-client.ts
// Reads the Client a findClient record describes: strict on the fields the library reads, blind to the app's own.

import type { Context } from '../context';
import { serverError, type OAuthError } from '../errors/oauth-error';
import type { Client } from '../types';
import { firstWarning } from '../util/warn-once';
import { FIELD_NAMES, FIELDS } from './client-fields';
import { fieldNames, misreadField, shown } from './field-names';
import { isGrantTypeName } from './grant-types';
import { METADATA_NAMES, UNSUPPORTED_NAMES, type MetadataName } from './rfc7591-names';
import { sameAsSnapshot, snapshot } from './record-snapshot';

const REQUIRED: ReadonlyArray<keyof Client> = ['id', 'grants'];
const NAMES = fieldNames(
  FIELD_NAMES.flatMap((field) => {
    const alias = METADATA_NAMES[field];
    return alias === undefined ? [[field, field] as const] : [[field, field] as const, [alias.name, field] as const];
  }),
  UNSUPPORTED_NAMES.map((u) => u.name),
);

/** Every name the library reads a record under: the Client fields, their RFC 7591 names, and the names it refuses. */
const READ_NAMES: readonly string[] = [
  ...new Set([...FIELD_NAMES, ...FIELD_NAMES.flatMap((field) => METADATA_NAMES[field]?.name ?? []), ...UNSUPPORTED_NAMES.map((u) => u.name)]),
];

/**
 * The Client that `record` describes for the requested `clientId`, or undefined when its id is another one (a lookup
 * that ignores its argument must not let one client act as another). Throws server_error, its `detail` naming the
 * field for the `error` event, when a field the library reads is invalid. What is checked and used is a frozen copy
 * of the fields the library reads, kept per record object: an app returning the same objects from a Map pays for the
 * check once, and each request compares the record's fields with the copy (no more than reading them), so a record
 * changed in place, a rotated secretHash or a key removed from `jwks` alike, is checked again and takes effect, and an
 * invalid change is a server_error, never used. The app's own fields are read at the check only.
 */
export function readClient(ctx: Context, clientId: string, record: Readonly<Record<string, unknown>>): Client | undefined {
  const { id, client_id: rfcId } = record;
  if (id !== undefined && rfcId !== undefined && id !== rfcId) throw invalidRecord(clientId, 'whose id and client_id differ: keep one (the client id)');
  const ownId = id ?? rfcId;
  if (typeof ownId === 'string' && ownId !== clientId) return undefined;
  const checked = ctx.checkedClients.get(record);
  if (checked !== undefined && READ_NAMES.every((name, i) => sameAsSnapshot(record[name], checked.read[i]))) return checked.client;
  const read = READ_NAMES.map((name) => snapshot(record[name]));
  const fields: Record<string, unknown> = {};
  READ_NAMES.forEach((name, i) => {
    if (read[i] !== undefined) fields[name] = read[i];
  });
  const client = clientOf(fields);
  const problem = firstProblem(record, fields, client);
  if (problem !== undefined) throw invalidRecord(clientId, problem);
  reportStrayGrants(ctx, clientId, fields, client);
  // Its values are frozen copies already (a list read from an RFC 7591 `scope` string is frozen by valueOf).
  const used = Object.freeze(client) as Client;
  ctx.checkedClients.set(record, { read, client: used });
  return used;
}

/** The fields the library reads, under their own name or their RFC 7591 one; nothing else is copied. */
function clientOf(record: Readonly<Record<string, unknown>>): Partial<Client> {
  const client: Record<string, unknown> = {};
  for (const field of FIELD_NAMES) {
    const value = valueOf(record, field);
    if (value !== undefined) client[field] = value;
  }
  return client;
}

function valueOf(record: Readonly<Record<string, unknown>>, field: keyof Client): unknown {
  const own = record[field];
  const alias = METADATA_NAMES[field];
  if (own !== undefined || alias === undefined) return own;
  const theirs = record[alias.name];
  return theirs === undefined || theirs === null || alias.check?.(theirs) !== undefined ? theirs : snapshot(read(alias, theirs));
}

const read = (alias: MetadataName, value: unknown): unknown => (alias.read === undefined ? value : alias.read(value));

/** The first problem of a record: among its own fields, then among `fields`, the copy of those the library reads. */
function firstProblem(record: Readonly<Record<string, unknown>>, fields: Readonly<Record<string, unknown>>, client: Partial<Client>): string | undefined {
  const misread = misreadField(record, client, NAMES);
  if (misread !== undefined) return misread;
  for (const field of FIELD_NAMES) {
    const problem = fieldProblem(fields, field);
    if (problem !== undefined) return problem;
  }
  return UNSUPPORTED_NAMES.find(({ name, refuses }) => {
    const value = fields[name];
    return value !== undefined && value !== null && value !== '' && refuses(value, client);
  })?.problem;
}

/** A Client field under its own name, its RFC 7591 name, or both (then meaning the same). */
function fieldProblem(record: Readonly<Record<string, unknown>>, field: keyof Client): string | undefined {
  const alias = METADATA_NAMES[field];
  const own = record[field];
  const theirs = alias === undefined ? undefined : record[alias.name];
  for (const [name, value] of [
    [field, own],
    [alias?.name, theirs],
  ] as const) {
    if (value === null) return `whose ${name} is null (leave the field out instead)`;
  }
  if (own === undefined && theirs === undefined) {
    return REQUIRED.includes(field) ? `without ${field}${alias === undefined ? '' : ` (or ${alias.name})`}` : undefined;
  }
  if (own !== undefined) {
    const problem = FIELDS[field](own, field);
    if (problem !== undefined) return `whose ${problem}`;
  }
  if (alias === undefined || theirs === undefined) return undefined;
  const problem = alias.check?.(theirs) ?? FIELDS[field](read(alias, theirs), alias.name);
  if (problem !== undefined) return `whose ${problem}`;
  if (own !== undefined && !sameValue(own, read(alias, theirs))) return `whose ${field} and ${alias.name} differ: keep one`;
  return undefined;
}

/** Equal values; lists as sets (grants in another order are the same grants). */
function sameValue(a: unknown, b: unknown): boolean {
  if (!Array.isArray(a) || !Array.isArray(b)) return a === b;
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((item) => right.has(item));
}

// At most this many distinct stray grant words are reported per instance: records may come from a shared registry.
const MAX_REPORTED_GRANTS = 32;

/**
 * A grant type that is neither an RFC word nor an absolute URI (`pasword`) is the app's mistake, but no reason to
 * refuse the client the grants it does have: one `error` event per instance and word says so, never one per request.
 */
function reportStrayGrants(ctx: Context, clientId: string, record: Readonly<Record<string, unknown>>, client: Partial<Client>): void {
  const name = record.grants === undefined ? 'grant_types' : 'grants';
  client.grants?.forEach((grant, i) => {
    if (isGrantTypeName(grant) || !firstWarning(ctx.warned, `grant_type ${shown(grant)}`, MAX_REPORTED_GRANTS)) return;
    const problem = `whose ${name}[${i}] '${shown(grant)}' is neither a grant type of RFC 6749 nor an absolute URI: a typo? It is ignored`;
    ctx.emit('error', invalidRecord(clientId, problem));
  });
}

function invalidRecord(clientId: string, problem: string): OAuthError {
  // The sentence is the detail; no cause that would only say it again (with a stack inside this library).
  return serverError(undefined, `findClient('${shown(clientId)}') returned a client ${problem}`);
}

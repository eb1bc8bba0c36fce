// lib/http/www-authenticate.ts
// Builds a WWW-Authenticate challenge with quoted, escaped parameters (RFC 7235 §2.1, RFC 6750 §3).

export function wwwAuthenticate(scheme: string, params: Readonly<Record<string, string | undefined>>): string {
  const parts = Object.entries(params)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([name, value]) => `${name}="${value.replace(/[\\"]/g, '\\$&').replace(/[\r\n]/g, ' ')}"`);
  return parts.length === 0 ? scheme : `${scheme} ${parts.join(', ')}`;
}

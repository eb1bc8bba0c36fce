// lib/jose/crit.ts
// The `crit` header (RFC 7515 §4.1.11): we understand no extension, so any JWS that carries it is rejected.

/** Header parameters RFC 7515 §4.1 and RFC 7518 §4.1 register; §4.1.11 forbids naming them in `crit`. */
const REGISTERED = new Set([
  'alg',
  'jku',
  'jwk',
  'kid',
  'x5u',
  'x5c',
  'x5t',
  'x5t#S256',
  'typ',
  'cty',
  'crit',
  'enc',
  'zip',
  'epk',
  'apu',
  'apv',
  'iv',
  'tag',
  'p2s',
  'p2c',
]);

/**
 * Why `header.crit` makes the JWS unacceptable, or undefined when there is no `crit`. RFC 7515 §4.1.11: "If any of
 * the listed extension Header Parameters are not understood and supported by the recipient, then the JWS is
 * invalid"; the value is an array of names, "MUST NOT" be empty nor name a registered parameter. This library
 * supports no extension, so a well-formed `crit` is refused as well as a malformed one; the reason says which.
 * @example const why = critProblem(jws.header); if (why !== undefined) throw invalidClient(`assertion ${why}`)
 */
export function critProblem(header: Readonly<Record<string, unknown>>): string | undefined {
  const crit = header.crit;
  if (crit === undefined) return undefined;
  if (!Array.isArray(crit) || crit.length === 0 || !crit.every((name) => typeof name === 'string' && name !== '')) {
    return 'crit is malformed (not a non-empty list of names)';
  }
  if (crit.some((name: string) => REGISTERED.has(name))) return 'crit is malformed (names a registered header parameter)';
  return 'crit names an extension this server does not understand';
}

// __tests__/interop/steps.mjs
// Shared by the client scripts: run named steps, record each value or error, print one JSON line at the end.

export const input = JSON.parse(process.env.INTEROP_INPUT ?? '{}');

export const results = {};

/** Runs `fn`, records { ok, value } or { ok: false, error } under `name`, and returns the value (undefined on error). */
export async function step(name, fn) {
  try {
    const value = await fn();
    results[name] = { ok: true, value: value === undefined ? null : value };
    return value;
  } catch (e) {
    const error = { name: e?.name, code: e?.code, message: String(e?.message), error: e?.error, status: e?.status ?? e?.response?.status };
    // A 401 with WWW-Authenticate makes these libraries throw a challenge error carrying the parsed challenges
    // (cause) and the response; the JSON error body is still readable from it.
    if (Array.isArray(e?.cause)) error.challenges = e.cause;
    if (e?.response && typeof e.response.clone === 'function') {
      error.contentType = e.response.headers.get('content-type');
      if (!e.response.bodyUsed) error.body = await e.response.json().catch(() => undefined);
    }
    results[name] = { ok: false, error };
    return undefined;
  }
}

export function finish() {
  process.stdout.write(JSON.stringify(results) + '\n');
}

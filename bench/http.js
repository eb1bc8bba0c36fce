// bench/http.js
// The requests the runner sends outside the measured windows: logins that set scenarios up, and the servers' GET
// /bench/* read-outs taken around each window (CPU time, GC time, bcrypt compares).

// @ts-check
'use strict';

/** @typedef {import('./types/wire').TokenResponse} TokenResponse */

/**
 * @param {string} url
 * @returns {Promise<unknown>}
 */
async function getJson(url) {
  const res = await fetch(url);
  return res.json();
}

/**
 * CPU time of a server process (GET /bench/cpu, bench/fixtures.js `announce`).
 * @param {string} origin
 * @returns {Promise<import('./types/wire').CpuUsage>}
 */
async function cpuUsage(origin) {
  const res = await fetch(`${origin}/bench/cpu`);
  return /** @type {import('./types/wire').CpuUsage} */ (await res.json());
}

/**
 * GC time of one of our servers started with GC_STATS=1 (GET /bench/gc).
 * @param {string} origin
 * @returns {Promise<import('./types/wire').GcTotals>}
 */
async function gcTotals(origin) {
  return /** @type {import('./types/wire').GcTotals} */ (await getJson(`${origin}/bench/gc`));
}

/**
 * bcrypt compares one of our servers made since it started (GET /bench/bcrypt-compares).
 * @param {string} baseUrl
 * @returns {Promise<number>}
 */
async function bcryptCompares(baseUrl) {
  const res = await fetch(`${baseUrl}/bench/bcrypt-compares`);
  return /** @type {{ count: number }} */ (await res.json()).count;
}

/**
 * A form POST to a token endpoint; throws on an error response.
 * @param {string} url
 * @param {string} body
 * @param {Record<string, string>} [headers]
 * @returns {Promise<TokenResponse>}
 */
async function post(url, body, headers = {}) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body });
  const json = await res.json();
  if (!res.ok) throw new Error(`POST ${url}: ${res.status} ${JSON.stringify(json)}`);
  return /** @type {TokenResponse} */ (json);
}

/** @param {Record<string, string>} params */
const form = (params) => new URLSearchParams(params).toString();

/**
 * HTTP Basic client credentials, form-urlencoded first (RFC 6749 §2.3.1).
 * @param {string} id
 * @param {string} secret
 */
const basic = (id, secret) => {
  /** @param {string} s */
  const enc = (s) => encodeURIComponent(s).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${enc(id)}:${enc(secret)}`).toString('base64')}`;
};

module.exports = { getJson, cpuUsage, gcTotals, bcryptCompares, post, form, basic };

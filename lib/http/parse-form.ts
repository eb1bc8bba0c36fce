// lib/http/parse-form.ts
// Reads and parses an application/x-www-form-urlencoded body strictly: size, count, encoding and repeats.

import type { Request } from 'express';
import { invalidRequest, OAuthError } from '../errors/oauth-error';
import type { FormParams } from '../types';

export interface FormLimits {
  readonly bodyBytes: number;
  readonly parameters: number;
}

/**
 * The request's form parameters. Uses a body an app-level parser already read (req._body), else reads the stream.
 * RFC 6749 §3.2: "Request and response parameters MUST NOT be included more than once", and "Parameters sent
 * without a value MUST be treated as if they were omitted from the request": an empty value is left out here, once
 * for every endpoint, so `scope=` means "no scope requested" and a required one sent empty is simply missing.
 */
export async function readForm(req: Request, limits: FormLimits): Promise<FormParams> {
  if (!isForm(req)) {
    throw invalidRequest('Content-Type must be application/x-www-form-urlencoded', `content-type ${typeOf(req)}`);
  }
  // body-parser 1.x marks a parsed body with req._body; 2.x (Express 5) does not, but leaves the stream ended.
  // Reading an ended stream would wait forever, so an ended stream means "already parsed (or consumed)".
  if ((req as { _body?: boolean })._body === true || req.readableEnded) return fromParsedBody(req.body, limits);
  return parse(await readBody(req, limits.bodyBytes), limits);
}

function isForm(req: Request): boolean {
  const type = req.headers['content-type'];
  if (typeof type !== 'string') return false;
  return type.split(';', 1)[0].trim().toLowerCase() === 'application/x-www-form-urlencoded';
}

function typeOf(req: Request): string {
  return String(req.headers['content-type'] ?? 'missing').slice(0, 64);
}

function tooLarge(): OAuthError {
  return new OAuthError('invalid_request', 'Request body too large', { status: 413, detail: 'body over limit' });
}

function readBody(req: Request, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return Promise.reject(tooLarge());
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (err: Error | undefined, body?: string): void => {
      if (done) return;
      done = true;
      req.off('data', onData).off('end', onEnd).off('error', onError).off('aborted', onAborted);
      if (err) {
        req.resume();
        reject(err);
      } else resolve(body ?? '');
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) finish(tooLarge());
      else chunks.push(chunk);
    };
    const onEnd = (): void => {
      // decodeUtf8 throws on bad UTF-8; thrown inside an event listener it would crash the process, not reject.
      let text: string;
      try {
        text = decodeUtf8(Buffer.concat(chunks));
      } catch (err) {
        finish(err as Error);
        return;
      }
      finish(undefined, text);
    };
    const onError = (): void => finish(invalidRequest('The request body could not be read', 'stream error'));
    const onAborted = (): void => finish(invalidRequest('The request was aborted', 'aborted'));
    req.on('data', onData).on('end', onEnd).on('error', onError).on('aborted', onAborted);
  });
}

function decodeUtf8(body: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    throw invalidRequest('The request body is not valid UTF-8', 'invalid utf-8');
  }
}

function parse(body: string, limits: FormLimits): FormParams {
  const params = Object.create(null) as Record<string, string>;
  if (body === '') return params;
  const pairs = body.split('&');
  if (pairs.length > limits.parameters) throw invalidRequest('Too many parameters', `${pairs.length} parameters`);
  // An empty value still counts as an occurrence: `scope=&scope=x` is a repeat, not one scope.
  const seen = new Set<string>();
  for (const pair of pairs) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = decode(eq === -1 ? pair : pair.slice(0, eq));
    const value = eq === -1 ? '' : decode(pair.slice(eq + 1));
    if (seen.has(name)) throw repeated(name);
    seen.add(name);
    if (value !== '') params[name] = value;
  }
  return params;
}

// RFC 6749 Appendix B: application/x-www-form-urlencoded, '+' for space, UTF-8 percent-encoding.
function decode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    throw invalidRequest('The request body has invalid percent-encoding', 'bad percent-encoding');
  }
}

/** A parameter name safe to echo: short, printable ASCII. */
export function printable(name: string): string {
  return name.replace(/[^\x20-\x7e]/g, '?').slice(0, 40);
}

// No quotes around the name: RFC 6749 §5.2 leaves '"' and '\' out of error_description.
const repeated = (name: string): OAuthError => invalidRequest(`Parameter ${printable(name)} is repeated`, 'repeated parameter');

function fromParsedBody(body: unknown, limits: FormLimits): FormParams {
  const params = Object.create(null) as Record<string, string>;
  if (body === undefined || body === null) return params;
  if (typeof body !== 'object') throw invalidRequest('The request body could not be parsed', 'unparsed body');
  const entries = Object.entries(body as Record<string, unknown>);
  if (entries.length > limits.parameters) throw invalidRequest('Too many parameters', `${entries.length} parameters`);
  for (const [name, value] of entries) {
    if (Array.isArray(value)) throw repeated(name);
    if (typeof value !== 'string') throw invalidRequest(`Parameter ${printable(name)} must be a string`, 'nested parameter');
    if (value.length > limits.bodyBytes) throw tooLarge();
    if (value !== '') params[name] = value;
  }
  return params;
}

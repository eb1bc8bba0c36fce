// __tests__/http/parse-form.test.ts
// The strict form reader on its own, over real HTTP: what a body decodes to (RFC 6749 Appendix B), and each way a
// body is refused (RFC 6749 §3.2 repeats, size and count limits, encoding), read from the stream or pre-parsed.

import express from 'express';
import request from 'supertest';
import { isOAuthError } from '../../lib';
import { printable, readForm, type FormLimits } from '../../lib/http/parse-form';

const LIMITS: FormLimits = { bodyBytes: 256, parameters: 8 };

/** An app whose one route answers with what readForm returned, or with the OAuthError it threw. */
function app(parser?: express.RequestHandler): express.Express {
  const a = express();
  if (parser !== undefined) a.use(parser);
  a.post('/', (req, res) => {
    readForm(req, LIMITS).then(
      (params) => res.json({ params, prototype: Object.getPrototypeOf(params) === null }),
      (err: unknown) => (isOAuthError(err) ? res.status(err.status).json(err.toJSON()) : res.status(500).end()),
    );
  });
  return a;
}

// A Buffer goes out as its raw bytes (superagent would otherwise form-encode it as an object).
const post = (body: string | Buffer, type = 'application/x-www-form-urlencoded', a = app()) =>
  request(a)
    .post('/')
    .set('Content-Type', type)
    .serialize((b: string) => b)
    .send(body as string);

describe('readForm from the stream', () => {
  it('decodes + as space and percent-escapes as UTF-8, in names and values', async () => {
    const res = await post('user+name=J%C3%BCrgen+M&pass%20word=a%2Bb%26c%3Dd');
    expect(res.status).toBe(200);
    expect(res.body.params).toEqual({ 'user name': 'Jürgen M', 'pass word': 'a+b&c=d' });
  });

  it('treats a parameter without a value as omitted (RFC 6749 §3.2) and skips empty pairs', async () => {
    const res = await post('&a&&b=&c=1&');
    expect(res.body.params).toEqual({ c: '1' });
  });

  it('still counts an empty value as an occurrence: scope=&scope=x is a repeat', async () => {
    expect((await post('scope=&scope=x')).body).toEqual({ error: 'invalid_request', error_description: 'Parameter scope is repeated' });
  });

  it('returns a prototype-free record, so __proto__ and constructor are plain parameters', async () => {
    const res = await post('__proto__=x&constructor=y');
    expect(res.body).toEqual({ params: JSON.parse('{"__proto__":"x","constructor":"y"}'), prototype: true });
  });

  it('accepts a charset parameter and any case in the media type', async () => {
    expect((await post('a=1', 'Application/X-WWW-Form-Urlencoded; charset=UTF-8')).body.params).toEqual({ a: '1' });
  });

  it.each([
    ['a JSON body', '{"a":1}', 'application/json', 400, 'Content-Type must be application/x-www-form-urlencoded'],
    ['a repeated parameter', 'a=1&b=2&a=3', undefined, 400, 'Parameter a is repeated'],
    ['a parameter repeated under another spelling', 'a=1&%61=2', undefined, 400, 'Parameter a is repeated'],
    ['more parameters than the limit', 'a=1&b=2&c=3&d=4&e=5&f=6&g=7&h=8&i=9', undefined, 400, 'Too many parameters'],
    ['more pairs than the limit, empty ones included', 'a=1&&&&&&&&', undefined, 400, 'Too many parameters'],
    ['bad percent-encoding', 'a=%E0%A4%A', undefined, 400, 'The request body has invalid percent-encoding'],
    ['a body over the byte limit', `a=${'x'.repeat(300)}`, undefined, 413, 'Request body too large'],
  ])('refuses %s', async (_name, body, type, status, description) => {
    const res = await post(body, type);
    expect(res.status).toBe(status);
    expect(res.body).toEqual({ error: 'invalid_request', error_description: description });
  });

  it('refuses raw bytes that are not UTF-8', async () => {
    const res = await post(Buffer.from([0x61, 0x3d, 0xff, 0xfe]));
    expect(res.body).toEqual({ error: 'invalid_request', error_description: 'The request body is not valid UTF-8' });
  });

  it('echoes a repeated name only as short printable ASCII', async () => {
    const name = `%0D%0A${'n'.repeat(60)}`;
    const res = await post(`${name}=1&${name}=2`);
    expect(res.body.error_description).toBe(`Parameter ??${'n'.repeat(38)} is repeated`);
  });
});

describe('readForm after an app-level body parser', () => {
  it('reads the parsed body (Express urlencoded, extended: false) the same way', async () => {
    const res = await post('a=1&b=x+y', undefined, app(express.urlencoded({ extended: false })));
    expect(res.body.params).toEqual({ a: '1', b: 'x y' });
  });

  it('refuses a repeated parameter the parser turned into an array', async () => {
    const res = await post('a=1&a=2', undefined, app(express.urlencoded({ extended: false })));
    expect(res.body).toEqual({ error: 'invalid_request', error_description: 'Parameter a is repeated' });
  });

  it('refuses a nested parameter (extended: true), which no OAuth parameter is', async () => {
    const res = await post('a[b]=1', undefined, app(express.urlencoded({ extended: true })));
    expect(res.body).toEqual({ error: 'invalid_request', error_description: 'Parameter a must be a string' });
  });

  it('applies the parameter count and byte limits to a parsed body too', async () => {
    const parser = app(express.urlencoded({ extended: false, limit: '10kb' }));
    expect((await post('a=1&b=2&c=3&d=4&e=5&f=6&g=7&h=8&i=9', undefined, parser)).body.error_description).toBe('Too many parameters');
    expect((await post(`a=${'x'.repeat(300)}`, undefined, parser)).status).toBe(413);
  });
});

describe('printable', () => {
  it('replaces anything outside printable ASCII and keeps at most 40 characters', () => {
    expect(printable('grant_type')).toBe('grant_type');
    expect(printable('a\u0000b\u00e9c\r\n')).toBe('a?b?c??');
    expect(printable('x'.repeat(50))).toHaveLength(40);
  });
});

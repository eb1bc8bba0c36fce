// __tests__/compliance/error-descriptions.test.ts
// RFC 6749 §5.2: "Values for the "error_description" parameter MUST NOT include characters outside the set
// %x20-21 / %x23-5B / %x5D-7E." Every description the library can produce is enumerated three ways: a static scan
// of lib/ for every description it writes, the OAuthError constructor over every character, and the dynamic paths
// (echoed parameter names, an app's own loginError description) over HTTP, body and WWW-Authenticate alike.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import request from 'supertest';
import { loginError, OAuthError } from '../../lib';
import { basic, createServer, form, WEB_SECRET } from '../helpers/server';

const DESCRIPTION = /^[\x20\x21\x23-\x5b\x5d-\x7e]+$/;
const LIB = join(__dirname, '../../lib');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : name.endsWith('.ts') ? [path] : [];
  });
}

/** The literal text of a description expression: strings, template heads and tails, both sides of ?: and ??. */
function literalTexts(node: ts.Expression, file: ts.SourceFile, consts: Map<string, ts.Expression>): string[] {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return [node.text];
  if (ts.isTemplateExpression(node)) return [node.head.text, ...node.templateSpans.map((s) => s.literal.text)].filter((t) => t !== '');
  if (ts.isParenthesizedExpression(node)) return literalTexts(node.expression, file, consts);
  if (ts.isConditionalExpression(node)) return [...literalTexts(node.whenTrue, file, consts), ...literalTexts(node.whenFalse, file, consts)];
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken) {
    return [...literalTexts(node.left, file, consts), ...literalTexts(node.right, file, consts)];
  }
  if (ts.isIdentifier(node) && consts.has(node.text)) return literalTexts(consts.get(node.text)!, file, consts);
  if (ts.isElementAccessExpression(node) && ts.isIdentifier(node.expression) && consts.has(node.expression.text)) {
    const table = consts.get(node.expression.text)!;
    if (ts.isObjectLiteralExpression(table)) {
      return table.properties.flatMap((p) => (ts.isPropertyAssignment(p) ? literalTexts(p.initializer, file, consts) : []));
    }
  }
  return []; // a value passed along (err.description, a parameter): checked where it was first written
}

/** Every description literal in lib/: arguments of new OAuthError / invalidRequest and `error_description:` members. */
function scanDescriptions(): Array<{ where: string; text: string }> {
  const found: Array<{ where: string; text: string }> = [];
  for (const path of sourceFiles(LIB)) {
    const file = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
    const consts = new Map<string, ts.Expression>();
    const collectConsts = (node: ts.Node): void => {
      if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer !== undefined) {
        let init = node.initializer;
        while (ts.isAsExpression(init) || ts.isSatisfiesExpression(init)) init = init.expression;
        consts.set(node.name.text, init);
      }
      ts.forEachChild(node, collectConsts);
    };
    collectConsts(file);
    const where = (node: ts.Node) => `${path.slice(LIB.length + 1)}:${file.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
    const visit = (node: ts.Node): void => {
      let description: ts.Expression | undefined;
      if (ts.isNewExpression(node) && /OAuthError$/.test(node.expression.getText())) description = node.arguments?.[1];
      if (ts.isCallExpression(node) && node.expression.getText() === 'invalidRequest') description = node.arguments[0];
      if (ts.isCallExpression(node) && node.expression.getText() === 'super' && /errors\//.test(path)) description = node.arguments[1];
      if (ts.isPropertyAssignment(node) && node.name.getText() === 'error_description') description = node.initializer;
      if (description !== undefined) for (const text of literalTexts(description, file, consts)) found.push({ where: where(node), text });
      ts.forEachChild(node, visit);
    };
    visit(file);
  }
  return found;
}

describe('error_description charset (RFC 6749 §5.2)', () => {
  it('holds for every description written in lib/', () => {
    const found = scanDescriptions();
    // The scan must see the library's descriptions, or it proves nothing.
    expect(found.length).toBeGreaterThan(40);
    expect(found.map((d) => d.text)).toEqual(expect.arrayContaining(['Client authentication failed', 'The account is disabled', 'Parameter ', ' is repeated']));
    expect(found.filter((d) => !DESCRIPTION.test(d.text))).toEqual([]);
  });

  it('holds for any text given to OAuthError: every BMP character, and astral ones, are made safe', () => {
    const all = Array.from({ length: 0xd800 }, (_, i) => String.fromCharCode(i)).join('') + '😀𝄞' + '\u{10ffff}';
    for (let start = 0; start < all.length; start += 997) {
      const text = all.slice(start, start + 997);
      const error = new OAuthError('invalid_request', text);
      expect(error.description).toMatch(DESCRIPTION);
      expect(error.toJSON().error_description).toBe(error.description);
    }
    expect(new OAuthError('invalid_request', 'say "hi" \\ there ✓').description).toBe("say 'hi' / there ?");
    expect(new OAuthError('invalid_request', '').toJSON()).toEqual({ error: 'invalid_request' });
  });

  const cases: Array<[string, (s: Awaited<ReturnType<typeof createServer>>) => request.Test]> = [
    ['a repeated parameter', ({ app }) => request(app).post('/oauth2/token').type('form').send('grant_type=password&username=a&username=b')],
    [
      'a repeated parameter whose name has quotes, a backslash and non-ASCII',
      ({ app }) =>
        request(app)
          .post('/oauth2/token')
          .type('form')
          .send(`${encodeURIComponent('a"b\\c✓')}=1&${encodeURIComponent('a"b\\c✓')}=2`),
    ],
    [
      'a missing parameter',
      ({ app }) => request(app).post('/oauth2/token').set('Authorization', basic('web', WEB_SECRET)).type('form').send('grant_type=password'),
    ],
    [
      'an app description with quotes and non-ASCII',
      ({ app }) =>
        request(app)
          .post('/oauth2/token')
          .set('Authorization', basic('web', WEB_SECRET))
          .type('form')
          .send(form({ grant_type: 'password', username: 'alice', password: 'correct horse' })),
    ],
    ['a bad token at a protected route', ({ app }) => request(app).get('/api/orders').set('Authorization', 'Bearer a.b.c')],
    ['an unknown bearer token', ({ app }) => request(app).get('/api/orders').set('Authorization', 'Bearer x')],
  ];

  it.each(cases)('holds on the wire for %s, in the body and in WWW-Authenticate', async (_name, send) => {
    const s = await createServer({
      verifyUser: () => {
        throw loginError('account_disabled', { description: 'Konto "gesperrt" – bitte \\ Support anrufen' });
      },
    });
    const res = await send(s);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.body.error_description).toMatch(DESCRIPTION);
    const challenge = res.headers['www-authenticate'] as string | undefined;
    const quoted = challenge === undefined ? undefined : /error_description="((?:[^"\\]|\\.)*)"/.exec(challenge);
    if (quoted) expect(quoted[1]).toMatch(DESCRIPTION);
  });

  it('says which parameter is repeated without quotes', async () => {
    const { app } = await createServer();
    const res = await request(app).post('/oauth2/token').type('form').send('grant_type=password&username=a&username=b');
    expect(res.body).toEqual({ error: 'invalid_request', error_description: 'Parameter username is repeated' });
  });

  it("replaces an app's forbidden characters rather than dropping its description", async () => {
    const { app } = await createServer({
      verifyUser: () => {
        throw loginError('account_disabled', { description: 'Konto "gesperrt" – Support \\ anrufen' });
      },
    });
    const res = await request(app)
      .post('/oauth2/token')
      .set('Authorization', basic('web', WEB_SECRET))
      .type('form')
      .send(form({ grant_type: 'password', username: 'alice', password: 'x' }));
    expect(res.body).toEqual({ error: 'invalid_grant', error_description: "Konto 'gesperrt' ? Support / anrufen", reason: 'account_disabled' });
  });
});

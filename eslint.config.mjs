// eslint.config.mjs
// `npm run lint` (run by `npm test`): typescript-eslint's type-aware recommended rules on the TypeScript of lib/,
// __tests__/, example-app/ and bench/, @eslint/js's recommended rules on the JavaScript. Layout is Prettier's job
// (.prettierrc.json): neither rule set turns on a stylistic rule, so nothing here has to be turned off for it.

import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

// The globals of each place the JavaScript runs, written out because the `globals` package is not a dependency.
const readonly = (names) => Object.fromEntries(names.map((name) => [name, 'readonly']));
const NODE = readonly([
  ...['AbortController', 'AbortSignal', 'Blob', 'Buffer', 'DOMException', 'Event', 'EventTarget', 'FormData', 'Headers'],
  ...['MessageChannel', 'Request', 'Response', 'TextDecoder', 'TextEncoder', 'URL', 'URLSearchParams', 'atob', 'btoa'],
  ...['clearImmediate', 'clearInterval', 'clearTimeout', 'console', 'crypto', 'fetch', 'global', 'performance', 'process'],
  ...['queueMicrotask', 'setImmediate', 'setInterval', 'setTimeout', 'structuredClone'],
]);
// What `sourceType: 'commonjs'` does not declare (it declares require, module and exports).
const COMMONJS = readonly(['__dirname', '__filename']);
const BROWSER = readonly([
  ...['window', 'document', 'navigator', 'location', 'console', 'alert', 'fetch', 'Headers', 'Request', 'Response'],
  ...['URL', 'URLSearchParams', 'TextDecoder', 'TextEncoder', 'atob', 'btoa', 'crypto', 'getComputedStyle'],
  ...['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'requestAnimationFrame'],
]);
const JEST = readonly(['describe', 'it', 'test', 'expect', 'jest', 'beforeAll', 'afterAll', 'beforeEach', 'afterEach']);

export default defineConfig([
  globalIgnores(['dist/', 'example-app/dist/', 'example-app/data/', 'docs/api/', 'coverage/', 'artifacts/']),

  {
    files: ['**/*.ts'],
    extends: [js.configs.recommended, tseslint.configs.recommendedTypeChecked],
    // tsconfig.json covers every .ts file (lib, __tests__, bench, example-app), so the service finds it for each.
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // Off: `async` is how this code implements a Promise-returning interface (every MemoryStore method, close(),
      // test doubles of stores and callbacks), so that a synchronous throw becomes a rejection as the callers expect.
      // The rule's only fix is to drop `async`, which changes exactly that. A forgotten `await` on a promise is
      // no-floating-promises' and no-misused-promises' finding, and those are on.
      '@typescript-eslint/require-await': 'off',
      // The same conventions as tsc's noUnusedParameters and noUnusedLocals: a parameter named `_x` is there for its
      // position (Express tells an error handler by its 4 parameters), and `const { a: _a, ...rest } = o` leaves `a`
      // out of `rest`.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
      // Passing on an `unknown` that a callback gave or a catch caught, unchanged, is right (wrapping it would change
      // what the caller sees); only-throw-error allows the same by default. Rejecting with a value known not to be an
      // Error is still a finding.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true }],
    },
  },
  {
    // Off in the test files, not in their helpers: 85% of the ~860 findings are `res.body.x`, supertest's body being
    // `any` by design; most of the rest are Jest's asymmetric matchers (`expect.any(String)`, `expect.objectContaining`),
    // `any` by design too, JSON a child process printed, and passport's `authenticate()` (typed `any`). Each would
    // flag a test assertion, where a wrong type fails the test anyway; typing every body would add a cast per request
    // and find nothing. lib/, example-app/ and __tests__/helpers/ keep all five rules.
    files: ['__tests__/**/*.ts'],
    ignores: ['__tests__/helpers/**'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },

  {
    files: ['**/*.js', '**/*.mjs'],
    extends: [js.configs.recommended],
    languageOptions: { ecmaVersion: 'latest' },
  },
  { files: ['**/*.js', '**/*.mjs'], ignores: ['example-app/public/**'], languageOptions: { globals: NODE } },
  // package.json has no "type": .js files are CommonJS, except the page's script.
  { files: ['**/*.js'], ignores: ['example-app/public/**'], languageOptions: { sourceType: 'commonjs', globals: COMMONJS } },
  { files: ['**/*.mjs'], languageOptions: { sourceType: 'module' } },
  // The demo console's script, served to the browser as a classic script.
  { files: ['example-app/public/**/*.js'], languageOptions: { sourceType: 'script', globals: BROWSER } },
  // Suites that __tests__/helpers/global-teardown.test.ts runs in a child Jest.
  { files: ['__tests__/**/*.suite.js'], languageOptions: { globals: JEST } },
]);

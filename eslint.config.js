// Lint configuration: typescript-eslint's recommended rules over src/ and the tests.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'schema/**', 'coverage/**', 'reports/**', '.stryker-tmp*/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['bin/**/*.js', 'bench/**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', performance: 'readonly', setTimeout: 'readonly', Buffer: 'readonly', globalThis: 'readonly' } },
  },
  {
    // The workbench page runs in the browser: DOM globals, no Node.
    files: ['src/web/app/**/*.ts'],
    languageOptions: {
      globals: {
        window: 'readonly', document: 'readonly', navigator: 'readonly', location: 'readonly', history: 'readonly',
        sessionStorage: 'readonly', fetch: 'readonly', Headers: 'readonly', Request: 'readonly', Response: 'readonly',
        URL: 'readonly', URLSearchParams: 'readonly', Blob: 'readonly', File: 'readonly', FileReader: 'readonly',
        FormData: 'readonly', AbortController: 'readonly', Event: 'readonly', KeyboardEvent: 'readonly',
        HTMLElement: 'readonly', HTMLInputElement: 'readonly', HTMLDialogElement: 'readonly', SVGElement: 'readonly',
        setTimeout: 'readonly', clearTimeout: 'readonly', performance: 'readonly', console: 'readonly', DOMException: 'readonly',
        CSS: 'readonly', crypto: 'readonly',
      },
    },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'Time is an input: pass the date in.' }],
    },
  },
);

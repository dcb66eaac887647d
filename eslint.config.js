import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'out/', 'coverage/', '.tmp/', 'bench/.work/', 'samples/larkspur/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly', fetch: 'readonly', NodeJS: 'readonly', structuredClone: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // Controls are pure functions of evidence (STYLE.md §5): no AWS SDK, file system or browser.
    files: ['src/controls/**/*.ts', 'src/coverage/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@aws-sdk/*'], message: 'controls are pure: evaluate evidence, never call AWS' },
            { group: ['node:fs', 'node:fs/*', 'fs', 'fs/*'], message: 'controls are pure: no file system' },
            { group: ['puppeteer', 'puppeteer-core'], message: 'controls are pure: no browser' },
          ],
        },
      ],
    },
  },
  {
    // Only the CLI ends the process (STYLE.md §8).
    files: ['src/**/*.ts'],
    ignores: ['src/cli/**'],
    rules: {
      'no-restricted-syntax': ['error', { selector: "MemberExpression[object.name='process'][property.name='exit']", message: 'only src/cli/ calls process.exit' }],
    },
  },
);

// Type-aware lint at zero warnings (npm run lint passes --max-warnings 0).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', 'data/**', 'dist/**', 'test-output/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@disrupt/*/*', '**/packages/*/src/**'], message: 'Import a package by its name; its index.ts is its whole surface.' }] },
      ],
    },
  },
  {
    // The pure core: no Node, no DOM-only runtime, no other package's internals.
    files: ['packages/hashing/src/**/*.ts', 'packages/matching/src/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*', 'fs', 'path', 'crypto', 'os', 'child_process', 'worker_threads', 'stream', 'buffer'], message: 'The pure core imports nothing from Node.' },
            { group: ['@disrupt/media', '@disrupt/cli', '@disrupt/server', '@disrupt/web', '@disrupt/*/*'], message: 'The core may only import @disrupt/hashing.' },
          ],
        },
      ],
      'no-restricted-globals': ['error', 'window', 'document', 'Buffer', 'process', 'require'],
    },
  },
);

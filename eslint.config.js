// Lint, and the import boundaries of architecture.md enforced as rules rather than review.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const NATIVE_AND_ELECTRON = [
  { name: 'electron', message: 'Only src-main/shell and src-main/index.ts may import electron.' },
  { name: 'ws', message: 'Only src-main/adapters may touch the network; the core talks through RealtimeTransport.' },
  { name: 'naudiodon', message: 'Only src-main/adapters may load native audio.' },
];
const OUTER_LAYERS = ['**/adapters/**', '**/shell/**', '**/headless/**', '**/src-renderer/**', '**/src-preload/**'];

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
      'no-empty': ['error', { allowEmptyCatch: true }],
    },
  },
  {
    files: ['src-main/core/**/*.ts', 'src-shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: NATIVE_AND_ELECTRON,
          patterns: [{ group: OUTER_LAYERS, message: 'The core depends on nothing outside it; pass adapters in.' }],
        },
      ],
    },
  },
  {
    files: ['src-main/adapters/**/*.ts', 'src-main/headless/**/*.ts', 'src-main/app/**/*.ts', 'src-main/web-bridge/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [NATIVE_AND_ELECTRON[0]],
          patterns: [{ group: ['**/shell/**', '**/src-renderer/**'], message: 'Adapters, the app core, the web bridge and the headless command run without Electron.' }],
        },
      ],
    },
  },
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: NATIVE_AND_ELECTRON,
          patterns: [{ group: ['node:*', '**/src-main/**'], message: 'The renderer reaches main only through window.parley.' }],
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [NATIVE_AND_ELECTRON[0]] }],
    },
  },
);

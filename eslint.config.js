// Lint, and the import boundaries of architecture.md enforced as rules rather than review.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const NATIVE_AND_ELECTRON = [
  { name: 'electron', message: 'Only src-main/shell, src-main/index.ts and the preload may import electron.' },
  { name: 'ws', message: 'Only src-main/adapters may touch the network; the core talks through RealtimeTransport.' },
  { name: 'naudiodon', message: 'Only src-main/adapters may load native audio.' },
  { name: 'uiohook-napi', message: 'Only src-main/shell may load the native key hook.' },
];
const NATIVE_PACKAGES = ['@livekit/*', 'segfault-handler'];
const FILE_SYSTEM = ['fs', 'fs/*', 'node:fs', 'node:fs/*', 'child_process', 'node:child_process'];
/** Node's own modules by bare name: the renderer runs in a browser sandbox and has none of them. */
const NODE_BUILTINS = ['node:*', 'fs', 'fs/*', 'path', 'os', 'child_process', 'crypto', 'net', 'http', 'https', 'url', 'util', 'stream', 'events', 'buffer', 'process', 'module', 'worker_threads'];
const OUTER_LAYERS = ['**/adapters/**', '**/shell/**', '**/headless/**', '**/app/**', '**/web-bridge/**', '**/src-renderer/**', '**/src-preload/**', '**/index'];

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
    // The core: pure logic over injected ports. No app layer, no adapters, no files, no natives.
    files: ['src-main/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: NATIVE_AND_ELECTRON,
          patterns: [
            { group: OUTER_LAYERS, message: 'The core depends on nothing outside it; pass adapters in.' },
            { group: FILE_SYSTEM, message: 'The core does no file or process I/O; an adapter does and is passed in.' },
            { group: NATIVE_PACKAGES, message: 'Native modules belong in src-main/adapters.' },
          ],
        },
      ],
    },
  },
  {
    // Shared by main, preload and renderer: plain TypeScript that imports nothing from main or Node.
    files: ['src-shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: NATIVE_AND_ELECTRON,
          patterns: [
            { group: ['**/src-main/**', '**/src-renderer/**', '**/src-preload/**'], message: 'src-shared imports nothing from main, the renderer or the preload.' },
            { group: NODE_BUILTINS, message: 'src-shared runs in the renderer too: no Node modules.' },
            { group: NATIVE_PACKAGES, message: 'Native modules belong in src-main/adapters.' },
          ],
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
          paths: [NATIVE_AND_ELECTRON[0], NATIVE_AND_ELECTRON[3]],
          patterns: [{ group: ['**/shell/**', '**/src-renderer/**', '**/src-preload/**'], message: 'Adapters, the app core, the web bridge and the headless command run without Electron.' }],
        },
      ],
    },
  },
  {
    // The app core knows nothing of the ways it is shown (Electron shell, web bridge, headless).
    files: ['src-main/app/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [NATIVE_AND_ELECTRON[0], NATIVE_AND_ELECTRON[3]],
          patterns: [{ group: ['**/shell/**', '**/web-bridge/**', '**/headless/**', '**/src-renderer/**', '**/src-preload/**'], message: 'The app core is shown by the shell, the web bridge and headless; it imports none of them.' }],
        },
      ],
    },
  },
  {
    // The preload builds window.parley from the contract: electron and src-shared, nothing else.
    files: ['src-preload/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^(?!electron$|\\.\\./src-shared/)', message: 'The preload imports only electron and src-shared.' }] },
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
          patterns: [
            { group: ['**/src-main/**', '**/src-preload/**'], message: 'The renderer reaches main only through window.parley.' },
            { group: NODE_BUILTINS, message: 'The renderer runs sandboxed in a browser: no Node modules.' },
            { group: NATIVE_PACKAGES, message: 'Native modules belong in src-main/adapters.' },
          ],
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

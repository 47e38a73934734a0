// Lint rules, including the import boundaries between shared, core, electron and the renderer
// (docs/ARCHITECTURE.md explains them). src/main/core/lint-boundaries.test.ts proves they bite.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

const noNode = { paths: nodeBuiltins.map((name) => ({ name, message: 'No Node builtins here.' })) };
const electronPattern = {
  group: ['electron', 'electron/*'],
  message: "Only src/main/electron (and the preload) may import 'electron'.",
};

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'out/**',
      '.prof/**', // git-ignored scratch (profiling harnesses)
      'dist/**',
      'bench/results/**',
      'test-results/**',
      'playwright-report/**',
      'src/main/core/models/gbdt/assembly/**',
      'test/fixtures/lint/**',
      '**/*.wasm.js',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          ...noNode,
          patterns: [
            electronPattern,
            { group: ['react', 'react-dom', 'react/*'], message: 'src/shared holds no UI code.' },
            {
              group: ['**/main/**', '**/renderer/**', '**/preload/**'],
              message: 'src/shared imports nothing from main, renderer or preload.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/main/core/**/*.ts', 'src/main/cli/**/*.ts', 'src/main/server.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            electronPattern,
            { group: ['**/electron/**'], message: 'Core, CLI and server never import the Electron shell.' },
            { group: ['**/renderer/**'], message: 'Main code never imports the renderer.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          ...noNode,
          patterns: [
            electronPattern,
            {
              group: ['**/main/**', '**/preload/**'],
              message: 'The renderer imports only src/shared and itself.',
            },
          ],
        },
      ],
    },
  },
);

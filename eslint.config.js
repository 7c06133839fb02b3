import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'

const nodeBuiltins = [
  'node:*',
  'fs',
  'fs/*',
  'path',
  'os',
  'child_process',
  'crypto',
  'stream',
  'net',
  'http',
]

// The layer rules of docs/ARCHITECTURE.md, made mechanical: a wrong import fails CI instead of a review.
const forbid = (patterns, message) => ({
  'no-restricted-imports': ['error', { patterns: [{ group: patterns, message }] }],
})

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['src/shared/**'],
    rules: forbid(
      [...nodeBuiltins, 'electron', 'react', '**/core/**', '**/main/**', '**/renderer/**', '**/cli/**'],
      'src/shared is the pure contract: no Node, DOM, Electron or other layer.',
    ),
  },
  {
    files: ['src/core/**'],
    rules: forbid(
      ['electron', 'react', '**/main/**', '**/renderer/**', '**/preload/**', '**/cli/**'],
      'src/core is plain Node: never Electron, never a UI layer.',
    ),
  },
  {
    files: ['src/renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      ...forbid(
        [...nodeBuiltins, 'electron', '**/core/**', '**/main/**', '**/cli/**'],
        'The renderer talks only through the contract in src/shared.',
      ),
    },
  },
  {
    files: ['src/preload/**'],
    rules: forbid(
      ['**/core/**', '**/renderer/**', '**/cli/**'],
      'Preload exposes the contract, nothing more.',
    ),
  },
)

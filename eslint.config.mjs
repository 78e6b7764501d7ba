import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'coverage/**', 'libs/contracts/src/generated/**'] },
  js.configs.recommended,
  {
    files: ['**/*.ts'],
    extends: [...tseslint.configs.recommended],
    // Decorator metadata needs injected classes as values, not type-only imports.
    languageOptions: { parserOptions: { projectService: false, emitDecoratorMetadata: true, experimentalDecorators: true } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', disallowTypeAnnotations: false, fixStyle: 'inline-type-imports' }],
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration through @app/config.' }],
      'no-restricted-imports': ['error', { patterns: [{ group: ['@app/*/src/*', '**/libs/*/src/*'], message: 'Import a lib through its public index (@app/<lib>).' }] }],
    },
  },
  {
    // The one place allowed to read the environment; and the test helper that hands the
    // environment (PATH, HOME) on to a spawned server process, which is plumbing, not configuration.
    files: ['libs/config/src/**/*.ts', 'libs/testing/src/server-process.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: { ...globals.node }, sourceType: 'module', ecmaVersion: 2023 },
    rules: { 'no-unused-vars': ['error', { argsIgnorePattern: '^_' }] },
  },
);

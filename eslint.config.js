// Type-aware lint: the rules that catch bugs the compiler lets through. Style is Prettier's job.
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**'] },
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      // A promise nobody awaits loses its error and can outlive the request or transaction.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      // A new job status, error class or dialect must be handled everywhere it is switched on.
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  // The benchmark report walks loosely shaped JSON result files.
  { files: ['bench/**/*.ts'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
  // Tests read JSON answers the way inject's json() types them; flagged, not fatal.
  { files: ['test/**/*.ts'], rules: { '@typescript-eslint/no-explicit-any': 'warn' } },
)

// ESLint (flat config): typescript-eslint's recommended rules, React's rules of hooks (with exhaustive deps as
// an error: a stale closure is a bug), Next.js's own rules. Run by the test command (`npm run lint`).
// A rule turned off or relaxed here says why on its line.
import js from '@eslint/js';
import nextPlugin from '@next/eslint-plugin-next';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      '.next/',
      '.data/',
      'lib/db/generated/', // Prisma's generated client
      'next-env.d.ts', // written by Next.js
      'tests/fixtures/', // captured bpftrace output and the scripts that made it
      'bpftrace-tools/',
      'test-results/',
      'playwright-report/',
      '.test-summary/',
      'tests/bench/out/',
    ],
  },
  { linterOptions: { reportUnusedDisableDirectives: 'error' } }, // a disable comment that hides nothing goes
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx,mjs,js}'],
    rules: {
      // TypeScript checks undefined names itself (with the DOM and Node types), better than a globals list can.
      'no-undef': 'off',
      // Matching control characters is the point where it occurs: escaping or rejecting them in hostile host text.
      'no-control-regex': 'off',
      // `_`-prefixed names are unused on purpose (a parameter a signature needs, a rest sibling that drops a field).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
    },
  },
  {
    files: ['**/*.tsx', 'components/**/*.ts', 'app/**/*.ts'],
    plugins: { 'react-hooks': reactHooks, '@next/next': nextPlugin },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'react-hooks/exhaustive-deps': 'error',
      // Only says the React Compiler would skip a component using such a library (useVirtualizer); we do not use the compiler.
      'react-hooks/incompatible-library': 'off',
      ...nextPlugin.configs.recommended.rules,
      ...nextPlugin.configs['core-web-vitals'].rules,
    },
  },
);

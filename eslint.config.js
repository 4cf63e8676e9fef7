// ESLint for the whole workspace (flat config). Type-aware: typescript-eslint's
// recommended-type-checked set, with each file's own tsconfig found by the project service. Lit
// and web-component rules apply where custom elements live. No style rules: formatting is not
// linted here.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import lit from 'eslint-plugin-lit';
import wc from 'eslint-plugin-wc';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  {
    ignores: [
      '**/node_modules/',
      '**/dist/',
      'test-results/',
      'playwright-report/',
      'packages/*/api/',
      // Consumer projects are installed from the packed tarballs and type-checked there.
      'packaging/consumers/',
      '**/*.d.ts',
      '**/*.d.mts',
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node, ...globals.browser },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    rules: {
      // The code marks an index access it knows is present with `!`, as it would have to under
      // noUncheckedIndexedAccess; without that option this rule calls every such mark redundant.
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      // An `async` function that implements a promise-returning interface turns a throw into a
      // rejection; taking `async` away to please this rule would change that.
      '@typescript-eslint/require-await': 'off',
      // node:test's describe/it return promises the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] }] },
      ],
    },
  },
  // The element's Node-side files (tests, scripts, bench) have a tsconfig the root solution does
  // not reference, so the project service cannot find it: name it.
  {
    files: ['packages/element/{test,scripts,bench}/**/*.ts'],
    languageOptions: { parserOptions: { projectService: false, project: './packages/element/tsconfig.node.json' } },
  },
  // webdriverio's chainable elements are awaited as its documentation shows, but their types
  // declare no `then`.
  { files: ['e2e/webkit/**/*.ts'], rules: { '@typescript-eslint/await-thenable': 'off' } },
  // Plain JavaScript (configs, the bin shims) is in no tsconfig: lint it without types.
  { files: ['**/*.{js,mjs,cjs}'], extends: [tseslint.configs.disableTypeChecked] },
  {
    files: ['packages/element/src/**/*.ts', 'demo/src/**/*.ts'],
    extends: [lit.configs['flat/recommended'], wc.configs['flat/recommended']],
  },
);

import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Which folder may import which (docs/architecture.md, "The parts and their arrows"):
 * shared/ is imported by everything and imports none of the others; a Lambda module (functions/<m>/)
 * uses other modules only through shared/ (the registry and the docs module aggregate them); lib/ (the
 * CDK app) and functions/ never reach into the local runtime or the operator tools; the site is
 * built apart and imports no server code, except the pure modules of shared/contract/.
 */
const CONTRACT_MESSAGE = 'shared/contract/ is imported by the site: it imports nothing, not even other shared/ modules (docs/architecture.md)';
const SITE_MESSAGE = 'the site is built apart and imports no server code but shared/contract/ (docs/architecture.md)';

/**
 * `import { z } from 'zod'` is zod's whole namespace object, which no bundler can trim: every locale,
 * JSON-schema import and more, about 370 KB in each function bundle (docs/architecture.md, "Cold start
 * and bundles"). `import * as z from 'zod'` is the same API, trimmed to what is used.
 */
const ZOD_NAMESPACE = {
  selector: "ImportDeclaration[source.value='zod'] > ImportSpecifier[imported.name='z']",
  message: "import * as z from 'zod' (the named `z` export bundles all of zod, ≈ 370 KB more per function)",
};

const FOLDERS = { functions: 'functions', lib: 'lib', local: 'local', tools: 'tools', bin: 'bin', test: 'test', bench: 'bench', shared: 'shared' };

/** A rule set refusing imports whose specifier matches `regex`, static or dynamic. */
function restrictImports(regex, message, extraPatterns = []) {
  return {
    'no-restricted-imports': ['error', { patterns: [{ regex, message }, ...extraPatterns] }],
    'no-restricted-syntax': [
      'error',
      ZOD_NAMESPACE,
      { selector: `ImportExpression[source.value=/${regex.replace(/\//g, '\\/')}/]`, message },
      { selector: `ImportExpression > TemplateLiteral[quasis.0.value.raw=/${regex.replace(/\//g, '\\/')}/]`, message },
    ],
  };
}

/** A rule set refusing imports of the given folders, by subpath import (`#tools/…`) or relative path. */
function forbidFolders(folders, message, extraPatterns = []) {
  const names = folders.map((folder) => FOLDERS[folder]).join('|');
  return restrictImports(`^(#(${names})/|(\\.\\./)+(${names})(/|$))`, message, extraPatterns);
}

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', 'site/dist/', 'site/node_modules/', '.data/', 'coverage/', '.bench/', '.prof/', '.tmp/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
      'no-restricted-syntax': ['error', ZOD_NAMESPACE],
    },
  },
  {
    // The few plain CommonJS scripts run by Node directly (child processes).
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', process: 'readonly', module: 'writable', setTimeout: 'readonly', console: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Tests read loosely typed JSON answers.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    files: ['shared/**/*.ts'],
    rules: forbidFolders(['functions', 'lib', 'local', 'tools', 'bin', 'test', 'bench'], 'shared/ imports none of functions/, lib/, local/, tools/, bin/, test/ or bench/ (docs/architecture.md)'),
  },
  {
    files: ['functions/**/*.ts'],
    ignores: ['functions/registry.ts', 'functions/docs/**'],
    rules: forbidFolders(['lib', 'local', 'tools', 'bin', 'test', 'bench'], 'functions/ imports none of lib/, local/, tools/, bin/, test/ or bench/ (docs/architecture.md)', [
      {
        regex: '^(#functions/|\\.\\./)',
        message: 'a Lambda module uses other modules only through shared/ (docs/architecture.md)',
      },
    ]),
  },
  {
    files: ['functions/registry.ts', 'functions/docs/**/*.ts'],
    rules: forbidFolders(['lib', 'local', 'tools', 'bin', 'test', 'bench'], 'functions/ imports none of lib/, local/, tools/, bin/, test/ or bench/ (docs/architecture.md)'),
  },
  {
    files: ['lib/**/*.ts'],
    rules: forbidFolders(['local', 'tools', 'bin', 'test', 'bench'], 'lib/ (the CDK app) imports none of local/, tools/, bin/, test/ or bench/ (docs/architecture.md)'),
  },
  {
    files: ['local/**/*.ts'],
    rules: forbidFolders(['lib', 'tools', 'bin', 'test', 'bench'], 'local/ (the local runtime) imports none of lib/, tools/, bin/, test/ or bench/ (docs/architecture.md)'),
  },
  {
    files: ['tools/**/*.ts'],
    rules: forbidFolders(['lib', 'bin', 'test', 'bench'], 'tools/ imports none of lib/, bin/, test/ or bench/ (docs/architecture.md)'),
  },
  {
    // shared/contract/ holds what the site and the server must apply identically (how figures are
    // written, the phone and password rules). The site imports it, so it imports nothing itself.
    files: ['shared/contract/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: '^(?!\\./)', message: CONTRACT_MESSAGE }] }],
      'no-restricted-syntax': ['error', { selector: 'ImportExpression', message: CONTRACT_MESSAGE }],
    },
  },
  {
    // The one exception to "the site imports no server code": the pure modules of shared/contract/.
    files: ['site/**/*.ts'],
    rules: restrictImports(
      '^(#(shared|functions|lib|local|tools|bin|test|bench)/|(\\.\\./)+(functions|lib|local|tools|bin|test|bench)(/|$)|(\\.\\./)+shared(/(?!contract/)|$))',
      SITE_MESSAGE,
    ),
  },
);

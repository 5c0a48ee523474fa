import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * The dependency rule (docs/architecture.md): each layer imports only the layers before
 * it. Folders of one layer may import each other only where listed in the same entry's
 * order (a folder never imports one written after it).
 */
export const LAYERS = [
  'domain',
  'models',
  'i18n',
  'log.ts',
  'store',
  'metrics.ts',
  'staff',
  'contacts',
  'stats',
  'outbox',
  'reports',
  'campaigns',
  'knowledge',
  'flows',
  'bots',
  'api',
  'schedulers',
  'cli',
  'main.ts',
];

/** What a layer may not import: every layer after it (campaigns may use flows' button codec). */
const boundaryZones = LAYERS.flatMap((layer, i) =>
  LAYERS.slice(i + 1).map((above) => ({
    target: `./src/${layer}`,
    from: `./src/${above}`,
    ...(layer === 'campaigns' && above === 'flows' ? { except: ['./callbacks.ts'] } : {}),
    message: `${layer} is below ${above} in the layers (docs/architecture.md): pass what it needs in instead`,
  })),
);
/** Settings are read once, by the service's entry points, and passed down. */
const configZone = {
  target: LAYERS.filter((l) => l !== 'cli' && l !== 'main.ts').map((l) => `./src/${l}`),
  from: './src/config.ts',
  message: 'settings are read in main.ts and the CLIs and passed down',
};

export default tseslint.config(
  // the lint's own test fixtures break the rules on purpose (test/lint/boundaries.test.ts)
  {
    ignores: [
      'dist/',
      'node_modules/',
      'data/',
      'coverage/',
      'scratch/',
      '*.config.js',
      'test/lint/fixtures/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    files: ['src/**/*.ts', 'test/lint/fixtures/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': ['error', { zones: [...boundaryZones, configZone] }],
    },
  },
  { files: ['src/cli/**', 'bench/**', 'test/**'], rules: { 'no-console': 'off' } },
  // the dashboard's script runs in the browser, as plain script (no modules, no build)
  {
    files: ['src/api/dashboard/static/**/*.js'],
    languageOptions: { globals: globals.browser, sourceType: 'script' },
  },
);

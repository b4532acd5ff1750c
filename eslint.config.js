// Lint: correctness rules, no import cycles, and the layering drawn in src/README.md.
const js = require('@eslint/js');
const globals = require('globals');
const tseslint = require('typescript-eslint');
const importX = require('eslint-plugin-import-x');

// The layers of src/README.md, top to bottom: a folder imports only folders below it. `operators/`
// (top level, the task factories DAG files import) sits between the DAG-file processor and checks.
const LAYERS = [
  'cli',
  'web',
  'actions',
  'alerts',
  'executor',
  'scheduler',
  'dagfiles',
  'operators',
  'checks',
  'models',
  'ingest',
  'warehouse',
  'state',
  'dag',
  'db',
  'config',
  'lake',
  'secrets',
  'auth',
  'timetables',
  'process',
  'util',
  'errors',
];
const dirOf = (layer) => (layer === 'operators' ? './operators' : `./src/${layer}`);
const LAYER_ZONES = LAYERS.map((layer, i) => ({
  target: dirOf(layer),
  from: [...LAYERS.slice(0, i).map(dirOf), './src/index.ts', './test', './bench', './dags'],
  message: `${layer} sits below these in the layering of src/README.md; move the shared piece down instead.`,
}));

// A statement naming a table of the platform schema: FROM/JOIN/INTO/UPDATE/TABLE … sluice.<name>.
const PLATFORM_SQL = String.raw`/\b(from|join|into|update|table|exists|truncate)\s+sluice\.\w/i`;

module.exports = tseslint.config(
  { ignores: ['node_modules/', '.sluice/', 'bench/.work/', 'target/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: globals.node },
    plugins: { 'import-x': importX },
    settings: {
      'import-x/ignore': ['node_modules'],
      'import-x/resolver-next': [importX.createNodeResolver({ extensions: ['.ts', '.js', '.json'] })],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': ['error', { zones: LAYER_ZONES }],
      // CommonJS throughout; the CLI loads commands lazily with require() to start fast.
      '@typescript-eslint/no-require-imports': 'off',
      // Validation of text for NUL and control characters is the point of those patterns.
      'no-control-regex': 'off',
      // Flags the end-of-input assignments in the hand-tuned readers, which stay as measured.
      'no-useless-assignment': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
    },
  },
  {
    // Every statement on the platform schema lives in src/state/, one named function per operation.
    files: ['src/**/*.ts', 'operators/**/*.ts'],
    ignores: ['src/state/**', 'src/db/migrations/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...['Literal[value', 'TemplateElement[value.raw'].map((node) => ({
          selector: `${node}=${PLATFORM_SQL}]`,
          message: 'SQL on the sluice schema belongs in src/state/: call (or add) a named function there.',
        })),
      ],
    },
  },
  {
    files: ['test/**', 'bench/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // The web UI's script runs in the browser, as it is (no build step).
    files: ['src/web/static/**/*.js'],
    languageOptions: { globals: globals.browser, sourceType: 'script' },
  },
);

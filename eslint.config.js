// ESLint for the TypeScript sources, tests, benches and scripts; formatting is Prettier's (npm run lint runs both).
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Synchronous GPU reads stall or break on WebGPU: the page reads back with `await tensor.data()`. */
const noSyncReads = [
  'error',
  ...['dataSync', 'arraySync', 'bufferSync'].map((property) => ({
    property,
    message: 'Synchronous reads break on WebGPU; use `await tensor.data()` (or `.array()`).',
  })),
];
const noBrowserDraw = [
  'error',
  {
    selector: "MemberExpression[property.name='draw'][object.type='MemberExpression'][object.property.name='browser']",
    message: 'tf.browser.draw reads synchronously and breaks on WebGPU; draw from `await tensor.data()`.',
  },
];

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'node_modules/',
      'tmp/',
      '.bench-old/',
      'training/runs/',
      'training/data/',
      'public/',
      'tests/fixtures/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      globals: { ...globals.browser, ...globals.worker, ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false },
      ],
      'no-constant-condition': ['error', { checkLoops: false }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'prefer-const': 'error',
    },
  },
  {
    files: ['src/app/**/*.tsx', 'src/app/**/*.ts'],
    ...reactHooks.configs.flat.recommended,
  },
  {
    files: ['src/**/*.ts', 'src/**/*.tsx'],
    rules: {
      'no-restricted-properties': noSyncReads,
      'no-restricted-syntax': noBrowserDraw,
    },
  },
);

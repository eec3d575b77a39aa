// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Folders that must stay free of I/O and real timers (STYLE.md rules 1, 3-5). */
const SANS_IO = ['util', 'idl', 'cdr', 'rtps', 'stun', 'ice', 'turn', 'reliability', 'discovery', 'simnet', 'security'];
const IO_MODULES = ['node:dgram', 'dgram', 'node:net', 'net', 'node:fs', 'fs', 'node:fs/promises', 'dgram-as-promised'];

/** Which sibling folders each layer may import (STYLE.md rule 1); anything else is a layering error. */
const LAYERS = {
  util: [],
  idl: [],
  cdr: ['util', 'idl'],
  rtps: ['util', 'idl', 'cdr'],
  stun: ['util'],
  ice: ['util', 'stun', 'turn'],
  turn: ['util', 'stun'],
  security: ['util'],
  reliability: ['util', 'rtps'],
  discovery: ['util', 'idl', 'cdr', 'rtps', 'ice', 'reliability'],
  simnet: ['util'],
};
const ALL = ['util', 'idl', 'cdr', 'rtps', 'stun', 'ice', 'turn', 'security', 'reliability', 'discovery', 'transport', 'dds', 'relay', 'simnet', 'cli'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'eslint.config.js', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/strict-boolean-expressions': ['error', { allowNullableBoolean: true, allowNullableObject: true }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      'no-console': 'error',
    },
  },
  ...Object.entries(LAYERS).map(([layer, allowed]) => ({
    files: [`src/${layer}/**/*.ts`],
    rules: {
      'no-restricted-imports': ['error', {
        paths: SANS_IO.includes(layer) ? IO_MODULES.map((name) => ({ name, message: `${layer}/ is sans-I/O (STYLE.md rule 3)` })) : [],
        patterns: ALL.filter((other) => other !== layer && !allowed.includes(other)).map((other) => ({
          group: [`../${other}/*`, `../${other}`],
          message: `${layer}/ may not import ${other}/ (STYLE.md rule 1)`,
        })),
      }],
      'no-restricted-globals': SANS_IO.includes(layer)
        ? ['error', 'setTimeout', 'setInterval', 'setImmediate', { name: 'Buffer', message: 'codecs use Uint8Array (STYLE.md rule 6)' }]
        : 'off',
      'no-restricted-properties': SANS_IO.includes(layer)
        ? ['error', { object: 'Date', property: 'now', message: 'use the injected clock (STYLE.md rule 4)' },
                    { object: 'performance', property: 'now', message: 'use the injected clock (STYLE.md rule 4)' }]
        : 'off',
    },
  })),
  {
    // Tests and benches use chai expressions and non-null assertions on known fixtures.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-expressions': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-console': 'off',
    },
  },
  {
    files: ['src/cli/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
);

// Flat config. The workflows/ block is what keeps workflow code deterministic.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const nodeBuiltins = [
  'assert', 'async_hooks', 'buffer', 'child_process', 'cluster', 'crypto', 'dgram', 'dns', 'events', 'fs',
  'fs/promises', 'http', 'http2', 'https', 'module', 'net', 'os', 'path', 'perf_hooks', 'process',
  'readline', 'stream', 'timers', 'tls', 'url', 'util', 'v8', 'vm', 'worker_threads', 'zlib',
];

export const workflowRestrictedImports = {
  paths: [
    ...nodeBuiltins.map((name) => ({ name, message: 'Workflows only orchestrate: no Node built-ins.' })),
    { name: '@temporalio/client', message: 'Workflows cannot use the Temporal client.' },
    { name: '@temporalio/worker', message: 'Workflows cannot import the worker.' },
    { name: '@temporalio/activity', message: 'Workflows cannot import activity context.' },
    { name: 'zod', message: 'Validation belongs at trust boundaries; zod would be evaluated again for every workflow instance.', allowTypeImports: true },
    ...['pino', 'fastify', 'undici', 'axios', 'node-fetch', 'pg', 'ioredis', 'better-sqlite3', 'yaml'].map((name) => ({
      name,
      message: 'Workflows only orchestrate: no I/O modules.',
    })),
  ],
  patterns: [
    { group: ['node:*'], message: 'Workflows only orchestrate: no Node built-ins.' },
    { group: ['**/config', '**/config/*'], message: 'Workflows never read config; pass values in the input.' },
    {
      // The worker evaluates a workflow's imports again for every workflow instance it creates: zod schemas cost
      // milliseconds each time, so workflows take values only from domain's zod-free files.
      regex: '^(\\.\\.?/)+domain(/(index|channels|money|instant|order|events|policy|status))?$',
      message: 'Workflows import values from zod-free domain files (ids, decimal, allocation, pricing, routing, shipments, failures, search-attributes, policy-defaults); types from anywhere.',
      allowTypeImports: true,
    },
    {
      group: ['**/activities/**', '!**/activities/types', '**/clients/**', '**/workers/**', '**/simulators/**'],
      message: 'Workflows import activity types only (import type from activities/types).',
      allowTypeImports: true,
    },
  ],
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'coverage/**', '.data/**', '.scratch/**', 'test/fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Only config/ reads process.env.' }],
    },
  },
  {
    files: ['config/**', 'scripts/**', 'test/**', 'bench/**'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    files: ['workflows/**/*.ts'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': ['error', workflowRestrictedImports],
      'no-restricted-globals': ['error', 'process', 'require', 'setTimeout', 'setInterval', 'fetch', '__dirname'],
    },
  },
);

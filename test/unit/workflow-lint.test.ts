import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

// The determinism rules are enforced by lint; these prove they bite (and that clean workflow code passes).
const root = join(__dirname, '..', '..');

const cases: { file: string; source: string }[] = [];
let results: Record<string, { code: number; messages: string }> = {};

function lintAs(file: string, source: string): void {
  cases.push({ file, source });
}

// One ESLint run over every case (spawning ESLint per case is slow); files go to a scratch folder
// that mirrors the repo layout so the path-based rules apply.
beforeAll(() => {
  const scratchName = `lint-scratch-${process.pid}`;
  const created: string[] = [];
  try {
    const paths = cases.map(({ file, source }, i) => {
      const [top, ...rest] = file.split('/');
      const dir = join(root, top!, scratchName);
      mkdirSync(dir, { recursive: true });
      created.push(dir);
      const path = join(dir, rest.join('/').replace(/\.ts$/, `-${i}.ts`));
      writeFileSync(path, source);
      return path;
    });
    const run = spawnSync(join(root, 'node_modules', '.bin', 'eslint'), ['--format', 'json', ...paths], {
      cwd: root, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024,
    });
    const report = JSON.parse(run.stdout) as { filePath: string; errorCount: number; messages: { message: string }[] }[];
    results = Object.fromEntries(
      report.map((r) => [
        relative(root, r.filePath).replace(`${scratchName}/`, ''),
        { code: r.errorCount > 0 ? 1 : 0, messages: r.messages.map((m) => m.message).join('\n') },
      ]),
    );
  } finally {
    for (const dir of created) rmSync(dir, { recursive: true, force: true });
  }
});

function outcome(file: string, index: number) {
  const hit = results[file.replace(/\.ts$/, `-${index}.ts`)];
  if (!hit) throw new Error(`no lint result for ${file}`);
  return hit;
}

const FORBIDDEN: [string, string][] = [
  ["import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n", 'Node built-ins'],
  ["import { createHash } from 'crypto';\nexport const x = createHash;\n", 'Node built-ins'],
  ["import { Client } from '@temporalio/client';\nexport const x = Client;\n", 'Temporal client'],
  ["import { Worker } from '@temporalio/worker';\nexport const x = Worker;\n", 'worker'],
  ["import pino from 'pino';\nexport const x = pino;\n", 'I/O'],
  ["import { loadEnv } from '../config/env';\nexport const x = loadEnv;\n", 'config'],
  ["import { createOrderActivities } from '../activities/order-activities';\nexport const x = createOrderActivities;\n", 'activity types only'],
  ['export const x = process.env.HOME;\n', 'process'],
  ["import { z } from 'zod';\nexport const x = z.string();\n", 'evaluated again for every workflow instance'],
  ["import { orderWorkflowId } from '../domain';\nexport const x = orderWorkflowId;\n", 'zod-free domain files'],
  ["import { Money } from '../domain/money';\nexport const x = Money;\n", 'zod-free domain files'],
];
const ALLOWED =
  "import { proxyActivities } from '@temporalio/workflow';\n" +
  "import type { OrderActivities } from '../activities/order-activities';\n" +
  "import type { OrderKey } from '../domain';\n" +
  "import { orderWorkflowId } from '../domain/ids';\n" +
  "export const id = (key: OrderKey) => orderWorkflowId(key);\n" +
  "export const a = proxyActivities<OrderActivities>({ startToCloseTimeout: '1 minute' });\n";

FORBIDDEN.forEach(([source]) => lintAs('workflows/forbidden.ts', source));
lintAs('workflows/allowed.ts', ALLOWED);
lintAs('activities/sneaky.ts', 'export const x = process.env.SECRET;\n');

describe('workflow lint rules', () => {
  it.each(FORBIDDEN.map(([source, expected], i) => [source, expected, i] as const))('rejects %j', (_source, expected, i) => {
    const { code, messages } = outcome('workflows/forbidden.ts', i);
    expect(code).toBe(1);
    expect(messages).toContain(expected);
  });

  it('accepts type-only activity imports and the workflow SDK', () => {
    const { code, messages } = outcome('workflows/allowed.ts', FORBIDDEN.length);
    expect(messages).toBe('');
    expect(code).toBe(0);
  });

  it('keeps process.env out of everything but config/', () => {
    const { code, messages } = outcome('activities/sneaky.ts', FORBIDDEN.length + 1);
    expect(code).toBe(1);
    expect(messages).toContain('Only config/ reads process.env');
  });
});

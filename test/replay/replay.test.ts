import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { HISTORIES_DIR } from '../support/histories';

// Every committed history must replay against the current workflow code: a change that breaks
// determinism for runs already in flight fails the build here. The replayer runs in its own process
// (scripts/replay.ts, the same command operators use) because protobuf's JSON codec does not survive
// jest's module sandbox.
const root = join(__dirname, '..', '..');
const files = readdirSync(HISTORIES_DIR).filter((f) => f.endsWith('.json')).sort().map((f) => join(HISTORIES_DIR, f));

interface Outcome {
  file: string;
  ok: boolean;
  error?: { name: string; message: string };
}

function replay(extra: string[]): { code: number | null; outcomes: Outcome[]; stderr: string } {
  const run = spawnSync(join(root, 'node_modules', '.bin', 'tsx'), [join(root, 'scripts', 'replay.ts'), '--json', ...extra, ...files], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  const line = run.stdout.trim().split('\n').at(-1) ?? '[]';
  return { code: run.status, outcomes: JSON.parse(line.startsWith('[') ? line : '[]') as Outcome[], stderr: run.stderr };
}

describe('replay of committed histories', () => {
  it('replays every committed history deterministically', () => {
    expect(files.length).toBeGreaterThanOrEqual(3);
    const { code, outcomes, stderr } = replay([]);
    expect(outcomes.filter((o) => !o.ok)).toEqual([]);
    expect(outcomes).toHaveLength(files.length);
    expect(code).toBe(0);
    expect(stderr).not.toContain('Error');
  });

  it('fails a deliberately altered workflow', () => {
    const { code, outcomes } = replay(['--workflows', join(__dirname, 'altered')]);
    expect(code).toBe(1);
    expect(outcomes.length).toBe(files.length);
    const broken = outcomes.filter((o) => !o.ok);
    expect(broken.length).toBeGreaterThan(0);
    expect(broken.every((o) => o.error?.name === 'DeterminismViolationError')).toBe(true);
  });
});

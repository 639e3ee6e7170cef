import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findTemporalCli } from '../../scripts/lib/temporal-cli';
import { testAddress } from './temporal';

export const HISTORIES_DIR = join(__dirname, '..', 'replay', 'histories');

/**
 * With RECORD_HISTORIES=1 (`npm run record:histories`), workflow tests save the histories of their scenarios
 * here (through the CLI's JSON, which is the format the SDK replayer reads); the replay test replays every
 * committed one against the current workflow code.
 */
export async function recordHistory(name: string, workflowId: string): Promise<void> {
  if (process.env.RECORD_HISTORIES !== '1') return;
  const cli = findTemporalCli();
  if (!cli) throw new Error('recording histories needs the Temporal CLI (npm run setup:temporal)');
  const json = execFileSync(cli, ['workflow', 'show', '--address', testAddress(), '--workflow-id', workflowId, '--output', 'json'], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  mkdirSync(HISTORIES_DIR, { recursive: true });
  writeFileSync(join(HISTORIES_DIR, `${name}.json`), json.endsWith('\n') ? json : `${json}\n`);
}

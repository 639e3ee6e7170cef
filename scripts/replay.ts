// Replays workflow histories (JSON from `temporal workflow show --output json` or the Web UI's download)
// against the current workflow code: `npm run replay -- file.json [more.json] [--workflows <path>] [--json]`.
// Exit code 1 when any history no longer replays (a determinism break for runs in flight).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { workflowsPath } from '../workers/order-worker';

interface Outcome {
  file: string;
  ok: boolean;
  error?: { name: string; message: string };
}

async function main(): Promise<number> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const args = process.argv.slice(2);
  const asJson = args.includes('--json');
  const at = args.indexOf('--workflows');
  const path = at >= 0 ? require.resolve(resolve(args[at + 1]!)) : workflowsPath();
  const files = args.filter((a, i) => !a.startsWith('--') && (at < 0 || i !== at + 1));
  if (files.length === 0) {
    console.error('usage: npm run replay -- <history.json>... [--workflows <path>] [--json]');
    return 2;
  }
  const histories = files.map((file) => ({ workflowId: file, history: JSON.parse(readFileSync(file, 'utf8')) as unknown }));
  const outcomes: Outcome[] = [];
  for await (const result of Worker.runReplayHistories({ workflowsPath: path, replayName: 'channelsync-replay' }, histories)) {
    outcomes.push({
      file: result.workflowId,
      ok: !result.error,
      error: result.error ? { name: result.error.name, message: result.error.message } : undefined,
    });
  }
  if (asJson) console.log(JSON.stringify(outcomes));
  else for (const o of outcomes) console.log(`${o.ok ? 'ok  ' : 'FAIL'} ${o.file}${o.error ? `: ${o.error.name}: ${o.error.message}` : ''}`);
  return outcomes.every((o) => o.ok) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(err.stack ?? err.message);
    process.exit(1);
  },
);

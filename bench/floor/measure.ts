import { performance } from 'node:perf_hooks';
import { type Client } from '@temporalio/client';
import { type NativeConnection, Worker } from '@temporalio/worker';
import { eachLimited, FANOUT_CONCURRENCY } from '../../activities/inventory-activities';

export interface FloorResult {
  /** Per workflow: ms from the start of the signal burst to its local activity running. */
  times: number[];
  /** ms until every workflow ran its local activity. */
  total: number;
  /** ms the signal burst itself took. */
  signalled: number;
}

/**
 * The Temporal floor for N entities on this server and machine: N running workflows get one signal each
 * (signal-with-start through the same pool as the inventory fan-out) and each runs one local activity, with
 * the inventory worker's settings. The first round starts and warms them; the second is measured.
 */
export async function measureFloor(input: { client: Client; connection: NativeConnection; count: number; runId: string }): Promise<FloorResult> {
  const taskQueue = `bench-floor-${input.runId}`;
  const ids = Array.from({ length: input.count }, (_, i) => `bench-floor-${input.runId}-${i}`);
  let round = 0;
  let started = 0;
  const seen = new Map<string, number>();
  const worker = await Worker.create({
    connection: input.connection,
    taskQueue,
    workflowsPath: require.resolve('./workflows'),
    activities: {
      async handedOff({ id, round: r }: { id: string; round: number }) {
        if (r === round && !seen.has(id)) seen.set(id, performance.now() - started);
      },
    },
    maxConcurrentWorkflowTaskExecutions: 400,
    maxConcurrentWorkflowTaskPolls: 40,
    maxConcurrentLocalActivityExecutions: 400,
    maxCachedWorkflows: 2000,
  });
  const running = worker.run();
  try {
    let result: FloorResult | undefined;
    for (round = 1; round <= 2; round += 1) {
      seen.clear();
      started = performance.now();
      await eachLimited(ids, FANOUT_CONCURRENCY, async (id) => {
        await input.client.workflow.signalWithStart('floorWorkflow', {
          workflowId: id,
          taskQueue,
          args: [{ id }],
          signal: 'changed',
          signalArgs: [{ round }],
          workflowIdConflictPolicy: 'USE_EXISTING',
        });
      });
      const signalled = performance.now() - started;
      while (seen.size < ids.length) await new Promise((r) => setTimeout(r, 20));
      result = { times: [...seen.values()].sort((a, b) => a - b), total: performance.now() - started, signalled };
    }
    await Promise.all(ids.map((id) => input.client.workflow.getHandle(id).terminate('benchmark floor measured').catch(() => undefined)));
    return result!;
  } finally {
    worker.shutdown();
    await running;
  }
}

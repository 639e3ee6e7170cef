import { bundleWorkflowCode, type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { type InventoryActivities } from '../activities/inventory-activities';
import { CHANNEL_PUSH_TASK_QUEUE, INVENTORY_TASK_QUEUE } from '../domain';
import { workflowsPath } from './order-worker';

export interface InventoryWorkerDeps {
  connection: NativeConnection;
  namespace: string;
  /** createInventoryActivities(...); the channel pushes themselves run on the channel workers' catalog queues. */
  activities: InventoryActivities;
  taskQueue?: string;
  pushTaskQueue?: string;
  workflowBundle?: WorkerOptions['workflowBundle'];
}

/**
 * Two workers: InventoryWorkflow (and the scheduled inventory workflows) with the inventory activities, and
 * ChannelPushWorkflow on a queue of its own, so that a burst of thousands of SKU workflow tasks never delays
 * the few push workflows that every one of them feeds.
 */
export async function createInventoryWorkers(deps: InventoryWorkerDeps): Promise<Worker[]> {
  const workflowBundle = deps.workflowBundle ?? (await bundleWorkflowCode({ workflowsPath: workflowsPath() }));
  const common = { connection: deps.connection, namespace: deps.namespace, workflowBundle };
  return [
    await Worker.create({
      ...common,
      taskQueue: deps.taskQueue ?? INVENTORY_TASK_QUEUE,
      activities: deps.activities,
      // A SKU's workflow task mostly waits for its hand-off (a local activity): many may wait at once.
      maxConcurrentWorkflowTaskExecutions: 400,
      maxConcurrentWorkflowTaskPolls: 40,
      maxConcurrentActivityTaskExecutions: 100,
      maxConcurrentLocalActivityExecutions: 400,
      // Entity workflows stay open; keep plenty cached so a signal does not replay a whole history.
      maxCachedWorkflows: 2000,
    }),
    await Worker.create({
      ...common,
      taskQueue: deps.pushTaskQueue ?? CHANNEL_PUSH_TASK_QUEUE,
      maxConcurrentWorkflowTaskExecutions: 20,
      maxCachedWorkflows: 100,
    }),
  ];
}

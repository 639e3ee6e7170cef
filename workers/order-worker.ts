import { type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { TASK_QUEUES } from '../domain';

export interface OrderWorkerDeps {
  connection: NativeConnection;
  namespace: string;
  activities: object;
  taskQueue?: string;
  /** Pre-built bundle (tests and benchmarks share one); otherwise workflows/ is bundled at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  maxConcurrentActivityTaskExecutions?: number;
}

export function workflowsPath(): string {
  return require.resolve('../workflows');
}

export async function createOrderWorker(deps: OrderWorkerDeps): Promise<Worker> {
  return Worker.create({
    connection: deps.connection,
    namespace: deps.namespace,
    taskQueue: deps.taskQueue ?? TASK_QUEUES.orders,
    activities: deps.activities,
    ...(deps.workflowBundle ? { workflowBundle: deps.workflowBundle } : { workflowsPath: workflowsPath() }),
    maxConcurrentActivityTaskExecutions: deps.maxConcurrentActivityTaskExecutions ?? 50,
  });
}

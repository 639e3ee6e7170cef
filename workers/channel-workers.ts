import { type NativeConnection, Worker } from '@temporalio/worker';
import { type ChannelActivities } from '../activities/channel-activities';
import { type AdapterRegistry } from '../activities/marketplaces/registry';
import { marketplaceTaskQueue, type OperationClass } from '../domain';

const OPERATION_CLASSES: OperationClass[] = ['orders', 'fulfilment', 'catalog'];

/**
 * One activity worker per (channel account, operation class). `maxTaskQueueActivitiesPerSecond` is enforced
 * by the server for the queue as a whole, so the channel's quota holds across every worker process.
 */
export async function createChannelWorkers(deps: {
  connection: NativeConnection;
  namespace: string;
  adapters: AdapterRegistry;
  /** Channel activities (and the poll activities that run on the `orders` queues). */
  activities: ChannelActivities & object;
}): Promise<Worker[]> {
  const workers: Worker[] = [];
  for (const adapter of deps.adapters.all()) {
    for (const operation of OPERATION_CLASSES) {
      workers.push(
        await Worker.create({
          connection: deps.connection,
          namespace: deps.namespace,
          taskQueue: marketplaceTaskQueue(adapter.channel, adapter.account, operation),
          activities: deps.activities,
          maxTaskQueueActivitiesPerSecond: adapter.capabilities.rateClasses[operation].perSecond,
          maxConcurrentActivityTaskExecutions: 10,
        }),
      );
    }
  }
  return workers;
}

import { NativeConnection, type Worker, type WorkerOptions } from '@temporalio/worker';
import { createAlertSink } from '../activities/alerts';
import { createOdooClient, createOdooOrderOperations } from '../activities/odoo';
import { createOrderActivities } from '../activities/order-activities';
import { type ChannelsConfig } from '../config/channels';
import { type Env } from '../config/env';
import { type Logger } from '../config/logger';
import { TASK_QUEUES } from '../domain';
import { createOrderWorker } from './order-worker';
import { installTemporalLogger } from './runtime-logger';

export interface WorkerApp {
  worker: Worker;
  /** Settles when the worker has stopped. */
  done: Promise<void>;
  stop(): Promise<void>;
}

/** Wires the real dependencies (Odoo client, alert sink) into the order worker and starts it. */
export async function startWorkerApp(options: {
  env: Env;
  config: ChannelsConfig;
  logger: Logger;
  workflowBundle?: WorkerOptions['workflowBundle'];
}): Promise<WorkerApp> {
  const { env, config, logger } = options;
  installTemporalLogger(logger);
  const odoo = createOdooOrderOperations(createOdooClient(config.odoo));
  const activities = createOrderActivities({
    odoo,
    alerts: createAlertSink({ logger, webhookUrl: env.ALERT_WEBHOOK_URL }),
    logger,
    temporalUiUrl: env.TEMPORAL_UI_URL,
  });
  const connection = await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS });
  const worker = await createOrderWorker({
    connection,
    namespace: env.TEMPORAL_NAMESPACE,
    taskQueue: TASK_QUEUES.orders,
    activities,
    workflowBundle: options.workflowBundle,
  });
  const done = worker.run().finally(() => connection.close());
  logger.info({ taskQueue: TASK_QUEUES.orders, odoo: config.odoo.url }, 'worker running');
  return {
    worker,
    done,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
    },
  };
}

import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker, type WorkerOptions } from '@temporalio/worker';
import { createAlertSink } from '../activities/alerts';
import { createChannelActivities } from '../activities/channel-activities';
import { ADAPTER_FACTORIES } from '../activities/marketplaces/factories';
import { createAdapterRegistry } from '../activities/marketplaces/registry';
import { createOdooClient, createOdooOrderOperations } from '../activities/odoo';
import { createOrderActivities } from '../activities/order-activities';
import { createPollActivities } from '../activities/poll-activities';
import { createInventoryActivities } from '../activities/inventory-activities';
import { ensureInventorySchedules } from '../clients/inventory-schedules';
import { CHANNEL_PUSH_TASK_QUEUE, INVENTORY_TASK_QUEUE } from '../domain';
import { createInventoryWorkers } from './inventory-worker';
import { ensureSchedules } from '../clients/schedules';
import { findChannel, type ChannelsConfig } from '../config/channels';
import { type Env } from '../config/env';
import { type Logger } from '../config/logger';
import { createChannelWorkers } from './channel-workers';
import { createOrderWorker } from './order-worker';
import { installTemporalLogger } from './runtime-logger';

export interface WorkerApp {
  workers: Worker[];
  /** Settles when every worker has stopped. */
  done: Promise<void>;
  stop(): Promise<void>;
}

/** Wires the real dependencies (Odoo client, adapters, alert sink) into the workers and starts them. */
export async function startWorkerApp(options: {
  env: Env;
  config: ChannelsConfig;
  logger: Logger;
  workflowBundle?: WorkerOptions['workflowBundle'];
}): Promise<WorkerApp> {
  const { env, config, logger } = options;
  installTemporalLogger(logger);
  const odoo = createOdooOrderOperations(createOdooClient(config.odoo));
  const adapters = createAdapterRegistry(config.channels, ADAPTER_FACTORIES);
  // Stock and price sync runs when the channels file has allocation rules.
  const inventoryEnabled = config.rules.allocation.length > 0;
  const orderActivities = createOrderActivities({
    odoo,
    alerts: createAlertSink({ logger, webhookUrl: env.ALERT_WEBHOOK_URL }),
    logger,
    temporalUiUrl: env.TEMPORAL_UI_URL,
    policyFor: (key) => findChannel(config, key.channel, key.account)?.orders,
    inventoryEnabled,
  });
  const taskQueue = env.ORDERS_TASK_QUEUE;
  const clientConnection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
  const client = new Client({ connection: clientConnection, namespace: env.TEMPORAL_NAMESPACE });
  const pollActivities = createPollActivities({ client, adapters, taskQueue, odoo });
  const connection = await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS });
  const orderWorker = await createOrderWorker({
    connection,
    namespace: env.TEMPORAL_NAMESPACE,
    taskQueue,
    activities: { ...orderActivities, ...pollActivities },
    workflowBundle: options.workflowBundle,
  });
  const channelWorkers = await createChannelWorkers({
    connection,
    namespace: env.TEMPORAL_NAMESPACE,
    adapters,
    activities: { ...createChannelActivities({ adapters }), ...pollActivities },
  });
  if (env.SCHEDULES === 'on') {
    const applied = await ensureSchedules({ client, channels: config.channels, taskQueue });
    logger.info(applied, 'poller and reconciliation schedules applied');
  }
  const inventoryWorkers = inventoryEnabled
    ? await createInventoryWorkers({
        connection,
        namespace: env.TEMPORAL_NAMESPACE,
        workflowBundle: options.workflowBundle,
        activities: createInventoryActivities({
          client,
          taskQueue: INVENTORY_TASK_QUEUE,
          pushTaskQueue: CHANNEL_PUSH_TASK_QUEUE,
          odoo,
          rules: config.rules,
          adapters,
        }),
      })
    : [];
  if (inventoryEnabled && env.SCHEDULES === 'on') {
    logger.info(await ensureInventorySchedules({ client }), 'inventory schedules applied');
  }
  const workers = [orderWorker, ...channelWorkers, ...inventoryWorkers];
  const closeConnections = async () => {
    await connection.close();
    await clientConnection.close();
  };
  const done = Promise.all(workers.map((w) => w.run())).then(closeConnections, async (err: unknown) => {
    await closeConnections();
    throw err;
  });
  logger.info({ taskQueue, channelQueues: channelWorkers.length, odoo: config.odoo.url }, 'workers running');
  return {
    workers,
    done,
    async stop() {
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
      await done;
    },
  };
}

import { Client, Connection } from '@temporalio/client';
import { ADAPTER_FACTORIES } from '../../activities/marketplaces/factories';
import { createAdapterRegistry } from '../../activities/marketplaces/registry';
import { type ChannelsConfig } from '../../config/channels';
import { type Env } from '../../config/env';
import { type Logger } from '../../config/logger';
import { deliverEvent } from '../deliver-event';
import { buildGateway } from './server';
import { createFileSpool } from './spool';

export interface GatewayApp {
  url: string;
  close(): Promise<void>;
}

export async function startGatewayApp(options: { env: Env; config: ChannelsConfig; logger: Logger }): Promise<GatewayApp> {
  const { env, config, logger } = options;
  const adapters = createAdapterRegistry(config.channels, ADAPTER_FACTORIES);
  const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
  const client = new Client({ connection, namespace: env.TEMPORAL_NAMESPACE });
  const taskQueue = env.ORDERS_TASK_QUEUE;
  const spool = env.GATEWAY_SPOOL_DIR === 'off' ? undefined : createFileSpool(env.GATEWAY_SPOOL_DIR, { logger: logger.child({ component: 'spool' }) });
  const app = buildGateway({ client, adapters, logger, taskQueue, bodyLimit: env.GATEWAY_BODY_LIMIT, spool,
    // Stock changes only matter when stock sync runs (allocation rules); order notifications always do.
    odooEvents: env.ODOO_NOTIFY_SECRET ? { secrets: { main: env.ODOO_NOTIFY_SECRET }, stockSync: config.rules.allocation.length > 0 } : undefined,
  });
  let draining = false;
  const timer = spool
    ? setInterval(() => {
        if (draining || spool.size() === 0) return;
        draining = true;
        spool
          .drain((event) => deliverEvent({ client, taskQueue }, event))
          .then((r) => (r.delivered > 0 || r.rejected > 0) && logger.info(r, 'spooled events forwarded to Temporal'))
          .catch((err: unknown) => logger.error({ err }, 'spool drain failed'))
          .finally(() => (draining = false));
      }, env.GATEWAY_SPOOL_RETRY_MS)
    : undefined;
  await app.listen({ host: env.GATEWAY_HOST, port: env.GATEWAY_PORT });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : env.GATEWAY_PORT;
  const url = `http://${env.GATEWAY_HOST}:${port}`;
  logger.info({ url, channels: adapters.all().map((a) => `${a.channel}/${a.account}`) }, 'gateway listening');
  return {
    url,
    async close() {
      if (timer) clearInterval(timer);
      await app.close();
      await connection.close();
    },
  };
}

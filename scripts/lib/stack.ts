import { Client, Connection, ScheduleNotFoundError } from '@temporalio/client';
import { type WorkerOptions } from '@temporalio/worker';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { startGatewayApp, type GatewayApp } from '../../clients/gateway/app';
import { ODOO_TOKEN_HEADER } from '../../clients/gateway/odoo-events';
import { parseChannelsConfig, type ChannelsConfig } from '../../config/channels';
import { loadEnv } from '../../config/env';
import { createLogger, type Logger } from '../../config/logger';
import { type Channel, type OrderPolicy, pollerScheduleId, RECONCILE_SCHEDULE_ID } from '../../domain';
import { startOdooSimulator, type OdooSimulator } from '../../simulators/odoo';
import { type ShopifySimulator } from '../../simulators/shopify';
import { startWorkerApp, type WorkerApp } from '../../workers/app';
import { ALL_CHANNELS, CHANNEL_STARTERS, type ChannelDriver, type ChannelEntry, type StartedChannel } from './stack-channels';

export {
  ALL_CHANNELS,
  CHANNEL_ONLY_PRODUCT,
  FLASH_SALE_PRODUCT,
  type Buyer,
  type ChannelDriver,
  type ChannelListingView,
  type ChannelShipmentView,
  type OrderLineInput,
  type PlacedOrder,
} from './stack-channels';

// Everything but Temporal itself: one simulator per channel plus Odoo's, the worker and the gateway, wired
// through ONE generated channels YAML and the factories production uses. The demo and the end-to-end
// tests both stand on this.

export interface StackOptions {
  temporalAddress: string;
  temporalUiUrl?: string;
  /** Channels to start (one account each); default all seven. */
  channels?: Channel[];
  /** Fixed ports for the demo; 0 (random) in tests. */
  ports?: { odoo?: number; gateway?: number } & Partial<Record<Channel, number>>;
  odooVersion?: 16 | 17 | 18 | 19;
  logLevel?: string;
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Account name on every channel; tests use a unique one so runs sharing a server never share channel queues. */
  account?: string;
  /** Order task queue; tests use a unique one for the same reason. */
  ordersTaskQueue?: string;
  /** Create the poller/reconciliation Schedules (off unless asked); they are deleted again on stop. */
  schedules?: boolean;
  /** Poll interval of poll and queue channels, seconds (min 10); push channels every 10 minutes. */
  pollIntervalSeconds?: number;
  /** Lifecycle timers for every account (tests shorten them). */
  orderPolicy?: Partial<OrderPolicy>;
  /** The channels file's `rules:` section (allocation rules turn stock sync on). */
  rules?: unknown;
  /** The Odoo simulator sends its notifications (validated deliveries, cancellations, stock) to the gateway. */
  odooNotifications?: boolean;
}

export interface StackChannel {
  driver: ChannelDriver;
  /** Runs the account's poller now (Schedule trigger); resolves once Temporal has accepted the trigger. */
  poll(): Promise<void>;
}

export interface Stack {
  odoo: OdooSimulator;
  /** The Shopify simulator (throws when Shopify was not started). */
  shopify: ShopifySimulator;
  shopifyAccount: string;
  channels: Partial<Record<Channel, StackChannel>>;
  /** The started channels, in start order. */
  drivers: ChannelDriver[];
  gateway: GatewayApp;
  worker: WorkerApp;
  config: ChannelsConfig;
  /** The generated channels YAML (secrets appear as environment-variable names only). */
  yaml: string;
  logger: Logger;
  /** Temporal client of the stack (schedules, triggers). */
  client: Client;
  stop(): Promise<void>;
}

export const SHOPIFY_ACCOUNT = 'demo-shop';

/** A port free right now (the gateway's, so simulators can be given their webhook URL before it starts). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return address.port;
}

function envName(channel: Channel, name: string): string {
  return `STACK_${channel}_${name}`.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
}

export async function startStack(options: StackOptions): Promise<Stack> {
  const account = options.account ?? SHOPIFY_ACCOUNT;
  const wanted = options.channels ?? [...ALL_CHANNELS];
  const gatewayPort = options.ports?.gateway || (await freePort());
  const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
  const closers: (() => Promise<unknown>)[] = [];
  const closeAll = async () => {
    for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
  };
  try {
    const notifySecret = options.odooNotifications ? randomBytes(16).toString('hex') : undefined;
    const odoo = await startOdooSimulator({
      version: options.odooVersion ?? 17,
      port: options.ports?.odoo ?? 0,
      seed: 'demo',
      ...(notifySecret ? { notifyUrl: `${gatewayUrl}/webhooks/odoo/main`, notifyHeaders: { [ODOO_TOKEN_HEADER]: notifySecret } } : {}),
    });
    closers.push(() => odoo.close());
    const secrets: NodeJS.ProcessEnv = { ODOO_SECRET: odoo.apiKey };
    const started = await Promise.all(
      wanted.map((channel) =>
        CHANNEL_STARTERS[channel]({
          account,
          gatewayUrl,
          port: options.ports?.[channel] ?? 0,
          pollIntervalSeconds: Math.max(options.pollIntervalSeconds ?? 10, 10),
          secret: (name, value) => {
            const key = envName(channel, name);
            secrets[key] = value;
            return key;
          },
        }).then((s) => {
          closers.push(s.close);
          return s;
        }),
      ),
    );
    const entries: (ChannelEntry & { orders: Partial<OrderPolicy> })[] = started.map((s) => ({ ...s.entry, orders: options.orderPolicy ?? {} }));
    // JSON is YAML: the file is what an operator would write, with every secret named by its variable.
    const yaml = JSON.stringify({ odoo: { url: odoo.url, database: odoo.database, login: odoo.login, secretEnv: 'ODOO_SECRET' }, channels: entries, ...(options.rules ? { rules: options.rules } : {}) }, null, 2);
    const config = parseChannelsConfig(yaml, secrets, 'stack config');
    const env = loadEnv({
      TEMPORAL_ADDRESS: options.temporalAddress,
      TEMPORAL_UI_URL: options.temporalUiUrl,
      GATEWAY_PORT: String(gatewayPort),
      LOG_LEVEL: options.logLevel ?? 'warn',
      ORDERS_TASK_QUEUE: options.ordersTaskQueue,
      SCHEDULES: options.schedules ? 'on' : 'off',
      ODOO_NOTIFY_SECRET: notifySecret,
    });
    const logger = createLogger({ level: env.LOG_LEVEL });
    const connection = await Connection.connect({ address: options.temporalAddress });
    closers.push(() => connection.close());
    const client = new Client({ connection });
    const worker = await startWorkerApp({ env, config, logger, workflowBundle: options.workflowBundle });
    closers.push(() => worker.stop());
    if (options.schedules) {
      // Shared dev servers outlive the stack: its schedules must not keep firing at a dead task queue.
      closers.push(async () => {
        for (const id of [...started.map((s) => pollerScheduleId(s.entry.channel, account)), RECONCILE_SCHEDULE_ID]) {
          await client.schedule
            .getHandle(id)
            .delete()
            .catch((err: unknown) => {
              if (!(err instanceof ScheduleNotFoundError)) throw err;
            });
        }
      });
    }
    const gateway = await startGatewayApp({ env, config, logger });
    closers.push(() => gateway.close());

    const channels: Partial<Record<Channel, StackChannel>> = {};
    for (const s of started) {
      const scheduleId = pollerScheduleId(s.entry.channel, account);
      channels[s.entry.channel] = {
        driver: s.driver,
        async poll() {
          if (!options.schedules) throw new Error('poll() needs the stack started with schedules: true');
          await client.schedule.getHandle(scheduleId).trigger();
        },
      };
    }
    const shopify = started.find((s): s is StartedChannel & { shopify: ShopifySimulator } => s.shopify !== undefined)?.shopify;
    return {
      odoo,
      get shopify(): ShopifySimulator {
        if (!shopify) throw new Error('the stack was started without Shopify');
        return shopify;
      },
      shopifyAccount: account,
      channels,
      drivers: started.map((s) => s.driver),
      gateway,
      worker,
      config,
      yaml,
      logger,
      client,
      stop: closeAll,
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

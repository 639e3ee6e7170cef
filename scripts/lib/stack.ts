import { randomBytes } from 'node:crypto';
import { type WorkerOptions } from '@temporalio/worker';
import { startGatewayApp, type GatewayApp } from '../../clients/gateway/app';
import { parseChannelsConfig, type ChannelsConfig } from '../../config/channels';
import { loadEnv } from '../../config/env';
import { createLogger, type Logger } from '../../config/logger';
import { type OrderPolicy } from '../../domain';
import { DEMO_PRODUCTS, startOdooSimulator, type OdooSimulator } from '../../simulators/odoo';
import { startShopifySimulator, type ShopifySimulator } from '../../simulators/shopify';
import { startWorkerApp, type WorkerApp } from '../../workers/app';

// Everything but Temporal itself: the simulators, the worker and the gateway, wired through the same
// YAML config and factories production uses. The demo and the end-to-end tests both stand on this.

export interface StackOptions {
  temporalAddress: string;
  temporalUiUrl?: string;
  /** Fixed ports for the demo; 0 (random) in tests. */
  ports?: { odoo?: number; shopify?: number; gateway?: number };
  odooVersion?: 16 | 17 | 18 | 19;
  logLevel?: string;
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Shopify account name; tests use a unique one so runs sharing a server never share channel queues. */
  account?: string;
  /** Order task queue; tests use a unique one for the same reason. */
  ordersTaskQueue?: string;
  /** Create the poller/reconciliation Schedules (off unless asked). */
  schedules?: boolean;
  /** Lifecycle timers for the Shopify account (tests shorten them). */
  orderPolicy?: Partial<OrderPolicy>;
}

export interface Stack {
  odoo: OdooSimulator;
  shopify: ShopifySimulator;
  gateway: GatewayApp;
  worker: WorkerApp;
  config: ChannelsConfig;
  logger: Logger;
  shopifyAccount: string;
  stop(): Promise<void>;
}

export const SHOPIFY_ACCOUNT = 'demo-shop';

export async function startStack(options: StackOptions): Promise<Stack> {
  const account = options.account ?? SHOPIFY_ACCOUNT;
  const shopifySecret = randomBytes(24).toString('hex');
  const odoo = await startOdooSimulator({ version: options.odooVersion ?? 17, port: options.ports?.odoo ?? 0, seed: 'demo' });
  const shopify = await startShopifySimulator({
    webhookSecret: shopifySecret,
    shopDomain: `${account}.myshopify.com`,
    port: options.ports?.shopify ?? 0,
    retryScale: 0.0005,
    products: DEMO_PRODUCTS.map((p) => ({ sku: p.sku, price: p.listPrice.toFixed(2), stock: p.quantity, title: p.name })),
  });
  const secrets: NodeJS.ProcessEnv = {
    ODOO_SECRET: odoo.apiKey,
    SHOPIFY_DEMO_ACCESS_TOKEN: shopify.accessToken,
    SHOPIFY_DEMO_WEBHOOK_SECRET: shopifySecret,
  };
  const yaml = `
odoo:
  url: ${odoo.url}
  database: ${odoo.database}
  login: ${odoo.login}
  secretEnv: ODOO_SECRET
channels:
  - channel: shopify
    account: ${account}
    apiUrl: ${shopify.url}
    settings: { shopDomain: ${shopify.shopDomain}, apiVersion: "${shopify.apiVersion}", locationId: "${shopify.locationId}" }
    secrets: { accessToken: SHOPIFY_DEMO_ACCESS_TOKEN, webhookSecret: SHOPIFY_DEMO_WEBHOOK_SECRET }
    orders: ${JSON.stringify(options.orderPolicy ?? {})}
`;
  const config = parseChannelsConfig(yaml, secrets, 'stack config');
  const env = loadEnv({
    TEMPORAL_ADDRESS: options.temporalAddress,
    TEMPORAL_UI_URL: options.temporalUiUrl,
    GATEWAY_PORT: String(options.ports?.gateway ?? 0),
    LOG_LEVEL: options.logLevel ?? 'warn',
    ORDERS_TASK_QUEUE: options.ordersTaskQueue,
    SCHEDULES: options.schedules ? 'on' : 'off',
  });
  const logger = createLogger({ level: env.LOG_LEVEL });
  const worker = await startWorkerApp({ env, config, logger, workflowBundle: options.workflowBundle });
  const gateway = await startGatewayApp({ env, config, logger });
  shopify.admin.setWebhookUrl(`${gateway.url}/webhooks/shopify/${account}`);
  return {
    odoo,
    shopify,
    gateway,
    worker,
    config,
    logger,
    shopifyAccount: account,
    async stop() {
      await gateway.close();
      await worker.stop();
      await shopify.close();
      await odoo.close();
    },
  };
}

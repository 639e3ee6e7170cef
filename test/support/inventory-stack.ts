import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker, type WorkerOptions } from '@temporalio/worker';
import Fastify, { type FastifyInstance } from 'fastify';
import { createChannelActivities } from '../../activities/channel-activities';
import { createInventoryActivities } from '../../activities/inventory-activities';
import { createEbayAdapter } from '../../activities/marketplaces/ebay';
import { type AdapterRegistry } from '../../activities/marketplaces/registry';
import { createShopifyAdapter } from '../../activities/marketplaces/shopify';
import { type ChannelAdapter } from '../../activities/marketplaces/types';
import { createWalmartAdapter } from '../../activities/marketplaces/walmart';
import { createWooCommerceAdapter } from '../../activities/marketplaces/woocommerce';
import { createOdooClient, createOdooOrderOperations } from '../../activities/odoo';
import { ODOO_TOKEN_HEADER, odooEventsPlugin } from '../../clients/gateway/odoo-events';
import { type Rules } from '../../config/rules';
import { type AllocationRule, type Channel, channelKey, type ChannelKey, type PriceRule } from '../../domain';
import { startEbaySimulator } from '../../simulators/ebay';
import { startOdooSimulator, type OdooSimulator } from '../../simulators/odoo';
import { startShopifySimulator } from '../../simulators/shopify';
import { startWalmartSimulator } from '../../simulators/walmart';
import { startWooCommerceSimulator } from '../../simulators/woocommerce';
import { createChannelWorkers } from '../../workers/channel-workers';
import { createInventoryWorkers } from '../../workers/inventory-worker';

// The inventory side end to end on one Temporal server: the Odoo simulator (its stock notifications go through
// the gateway's Odoo route), real channel simulators with their adapters, the inventory worker and one
// rate-limited catalog worker per channel account. Shared by the inventory workflow tests and the benchmark.

export type StackChannel = 'shopify' | 'woocommerce' | 'walmart' | 'ebay';

export interface StackProduct {
  sku: string;
  quantity: number;
  /** Odoo list price. */
  listPrice: number;
}

export interface StackOptions {
  address: string;
  channels: StackChannel[];
  products: StackProduct[];
  /** SKUs listed on the channels only (not in Odoo), for pushing to directly. */
  channelOnlySkus?: string[];
  /** SKUs of `products` that no channel lists (in Odoo only). */
  unlistedSkus?: string[];
  /** Makes account names (and so queues and push workflow ids) unique per run. */
  runId: string;
  taskQueue: string;
  pushWindowMs?: number;
  pushMaxWaitMs?: number;
  /** Price rules for these channels (USD, +10 %, .99 endings). */
  priced?: StackChannel[];
  /** Added to each of those price rules (a margin floor, say). */
  priceRule?: Partial<Pick<PriceRule, 'minMarginPercent' | 'minPrice'>>;
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Allocation rule fields per channel over the default (no buffer, no minimum, equal priority). */
  allocation?: Partial<Record<StackChannel, Partial<Pick<AllocationRule, 'max' | 'buffer' | 'priority' | 'sharePercent'>>>>;
  /** Kits (kit SKU -> components); list the kit SKU in channelOnlySkus so the channels carry it. */
  kits?: Rules['kits'];
  /** Shopify's GraphQL bucket; the benchmark raises it so that cost throttling is not what it measures. */
  shopifyBucket?: { maximum: number; restoreRate: number };
}

export interface StackChannelHandle {
  channel: Channel;
  account: string;
  key: ChannelKey;
  /** The quantity the channel simulator shows for a SKU now. */
  shown(sku: string): Promise<number>;
  /** The price it shows (decimal text). */
  price(sku: string): Promise<string | null>;
  /** Changes the stock on the channel through the simulator's admin API, behind channelsync's back. */
  setShown(sku: string, quantity: number): Promise<void>;
}

export interface InventoryStack {
  client: Client;
  odoo: OdooSimulator;
  channels: StackChannelHandle[];
  adapters: AdapterRegistry;
  /** The shared secret the gateway's Odoo route expects. */
  odooSecret: string;
  gatewayUrl: string;
  /** Task queue of the ChannelPushWorkflows. */
  pushTaskQueue: string;
  /** Set `lost` to drop Odoo's notifications on the way (the safety nets must then find the changes). */
  notifications: { lost: boolean };
  stop(): Promise<void>;
}

const ODOO_SECRET = 'odoo-shared-secret-for-tests';

// The inventory tests import it from here with the stack.
export { eventually } from './temporal';

/**
 * A loopback relay between the Odoo simulator and the gateway: it adds the shared secret header (as Odoo's "Send
 * Webhook Notification" rule is configured to) and can drop notifications (`lost`) for the safety-net tests.
 */
async function startTokenRelay(target: string, secret: string, control: { lost: boolean }): Promise<FastifyInstance> {
  const relay = Fastify({ logger: false });
  relay.removeAllContentTypeParsers();
  relay.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  relay.post('/odoo', async (request, reply) => {
    // A lost notification: Odoo's webhook action does not retry.
    if (control.lost) return reply.code(502).send('lost');
    const res = await fetch(target, { method: 'POST', headers: { 'content-type': 'application/json', [ODOO_TOKEN_HEADER]: secret }, body: request.body as Buffer });
    return reply.code(res.status).send(await res.text());
  });
  await relay.listen({ host: '127.0.0.1', port: 0 });
  return relay;
}

function urlOf(app: FastifyInstance): string {
  const address = app.server.address();
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}

export async function startInventoryStack(options: StackOptions): Promise<InventoryStack> {
  const closers: (() => Promise<unknown>)[] = [];
  const connection = await Connection.connect({ address: options.address });
  const nativeConnection = await NativeConnection.connect({ address: options.address });
  const client = new Client({ connection, namespace: 'default' });
  closers.push(() => connection.close(), () => nativeConnection.close());

  // Gateway route for Odoo notifications, and the relay that adds the secret header.
  const gateway = Fastify({ logger: false });
  gateway.removeAllContentTypeParsers();
  gateway.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  await gateway.register(odooEventsPlugin, { client, secrets: { main: ODOO_SECRET }, taskQueue: options.taskQueue });
  await gateway.listen({ host: '127.0.0.1', port: 0 });
  const gatewayUrl = urlOf(gateway);
  const notifications = { lost: false };
  const relay = await startTokenRelay(`${gatewayUrl}/webhooks/odoo/main`, ODOO_SECRET, notifications);
  closers.push(() => relay.close(), () => gateway.close());

  const odoo = await startOdooSimulator({ version: 17, seed: 'empty', notifyUrl: `${urlOf(relay)}/odoo` });
  closers.push(() => odoo.close());
  for (let i = 0; i < options.products.length; i += 500) {
    await odoo.admin.addProducts(options.products.slice(i, i + 500).map((p) => ({ sku: p.sku, name: p.sku, listPrice: p.listPrice, quantity: p.quantity })));
  }

  const seed = [...options.products.map((p) => p.sku).filter((sku) => !options.unlistedSkus?.includes(sku)), ...(options.channelOnlySkus ?? [])].map((sku) => ({ sku, price: '1.00', stock: 0 }));
  const adapters: ChannelAdapter[] = [];
  const channels: StackChannelHandle[] = [];
  for (const kind of options.channels) {
    const account = `${kind.slice(0, 4)}-${options.runId}`;
    if (kind === 'shopify') {
      const sim = await startShopifySimulator({ webhookSecret: 'unused', products: seed, currency: 'USD', ...(options.shopifyBucket ? { graphqlBucket: options.shopifyBucket } : {}) });
      closers.push(() => sim.close());
      adapters.push(createShopifyAdapter({ account, shopDomain: sim.shopDomain, adminUrl: sim.url, apiVersion: sim.apiVersion, accessToken: sim.accessToken, webhookSecret: 'unused' }));
      const setShown = async (sku: string, available: number): Promise<void> => {
        const res = await fetch(`${sim.url}/_admin/stock/${encodeURIComponent(sku)}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ available }) });
        if (!res.ok) throw new Error(`shopify simulator admin: ${res.status} ${await res.text()}`);
      };
      channels.push({ channel: kind, account, key: channelKey(kind, account), shown: async (sku) => sim.admin.stock(sku), price: async (sku) => sim.admin.price(sku), setShown });
    } else if (kind === 'woocommerce') {
      const sim = await startWooCommerceSimulator({ webhookSecret: 'unused', products: seed.map((p) => ({ sku: p.sku, price: p.price, stock: p.stock })), currency: 'USD' });
      closers.push(() => sim.close());
      adapters.push(createWooCommerceAdapter({ account, siteUrl: sim.url, consumerKey: sim.consumerKey, consumerSecret: sim.consumerSecret, webhookSecret: 'unused' }));
      channels.push({
        channel: kind, account, key: channelKey(kind, account),
        shown: async (sku) => (await sim.admin.product(sku)).stock ?? 0,
        price: async (sku) => (await sim.admin.product(sku)).price,
        setShown: (sku, quantity) => sim.admin.setStock(sku, { quantity }),
      });
    } else if (kind === 'walmart') {
      const sim = await startWalmartSimulator({ products: seed, feedProcessingMs: 50 });
      closers.push(() => sim.close());
      adapters.push(createWalmartAdapter({ account, apiUrl: sim.url, clientId: sim.credentials.clientId, clientSecret: sim.credentials.clientSecret, feedPollMs: 50 }));
      channels.push({
        channel: kind, account, key: channelKey(kind, account),
        shown: async (sku) => (await sim.admin.product(sku)).stock,
        price: async (sku) => (await sim.admin.product(sku)).price,
        setShown: async (sku, stock) => sim.admin.setProduct({ sku, price: (await sim.admin.product(sku)).price, stock }),
      });
    } else {
      const sim = await startEbaySimulator({ products: seed });
      closers.push(() => sim.close());
      adapters.push(createEbayAdapter({ account, apiUrl: sim.url, identityUrl: sim.url, ...sim.credentials }));
      channels.push({
        channel: kind, account, key: channelKey(kind, account),
        shown: async (sku) => sim.admin.stock(sku),
        price: async (sku) => sim.admin.price(sku),
        setShown: async (sku, stock) => void (await sim.admin.setProduct(sku, { price: await sim.admin.price(sku), stock })),
      });
    }
  }
  const registry: AdapterRegistry = {
    get: (channel, account) => adapters.find((a) => a.channel === channel && a.account === account),
    all: () => [...adapters],
  };

  const allocation: AllocationRule[] = channels.map((c) => ({ channel: c.channel, account: c.account, buffer: 0, min: 0, priority: 1, ...options.allocation?.[c.channel as StackChannel] }));
  const prices: PriceRule[] = channels
    .filter((c) => options.priced?.includes(c.channel as StackChannel))
    .map((c) => ({ channel: c.channel, account: c.account, currency: 'USD', percent: '10', rounding: { mode: 'charm', endings: ['0.99'], period: '1', direction: 'nearest' }, ...options.priceRule }));
  const rules: Rules = { allocation, prices, rates: { base: 'USD', rates: {} }, kits: options.kits ?? {} };

  const pushTaskQueue = `${options.taskQueue}-push`;
  const odooOps = createOdooOrderOperations(createOdooClient({ url: odoo.url, database: odoo.database, login: odoo.login, secret: odoo.password, version: 'auto' }));
  const inventoryActivities = createInventoryActivities({
    client,
    taskQueue: options.taskQueue,
    pushTaskQueue,
    odoo: odooOps,
    rules,
    adapters: registry,
    ...(options.pushWindowMs !== undefined ? { pushWindowMs: options.pushWindowMs } : {}),
    ...(options.pushMaxWaitMs !== undefined ? { pushMaxWaitMs: options.pushMaxWaitMs } : {}),
  });
  const workers: Worker[] = [
    ...(await createInventoryWorkers({ connection: nativeConnection, namespace: 'default', activities: inventoryActivities, taskQueue: options.taskQueue, pushTaskQueue, workflowBundle: options.workflowBundle })),
    ...(await createChannelWorkers({ connection: nativeConnection, namespace: 'default', adapters: registry, activities: createChannelActivities({ adapters: registry }) })),
  ];
  const running = workers.map((w) => w.run());

  return {
    client,
    odoo,
    channels,
    adapters: registry,
    odooSecret: ODOO_SECRET,
    gatewayUrl,
    notifications,
    pushTaskQueue,
    async stop() {
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
      await Promise.allSettled(running);
      for (const close of closers.reverse()) await close().catch(() => undefined);
    },
  };
}

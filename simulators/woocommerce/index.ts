import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyError } from 'fastify';
import { z } from 'zod';
import { createWooSimulatorAdmin, registerAdmin, type WooSimulatorAdmin } from './admin';
import { Authenticator } from './auth';
import { parseCents } from './format';
import { registerRest, sendWcError, type FaultState } from './rest';
import { type SerializeContext, orderJson, productJson } from './serialize';
import { ShopError, ShopStore } from './store';
import { WebhookHub } from './webhooks';

// A WooCommerce store (REST v3 + webhooks) on 127.0.0.1, with an admin API under /_admin for tests.

export { createWooSimulatorAdmin, type WooSimulatorAdmin, type SimOrderJson, type SimNoteJson, type SimWebhookInfo } from './admin';
export { type DeliveryRecord } from './webhooks';
export { MAX_DELIVERY_FAILURES } from './webhooks';
export { startWebhookReceiver, type WebhookReceiver, type ReceivedWebhook } from './receiver';

export interface WooSimProduct {
  sku: string;
  /** Regular price as a decimal string, e.g. "12.50". */
  price: string;
  stock: number;
  /** Makes this a variation of the variable product with this SKU (created on demand). */
  parent?: string;
}

export interface WooCommerceSimulatorOptions {
  consumerKey?: string;
  consumerSecret?: string;
  /** Secret of the webhooks created for `webhookUrl`. */
  webhookSecret: string;
  /** When given, order.created/updated/deleted/restored webhooks to this loopback URL exist from the start. */
  webhookUrl?: string;
  host?: string;
  port?: number;
  products?: WooSimProduct[];
  currency?: string;
  /** Site timezone as minutes east of UTC; local dates are written in it without an offset. */
  timezoneOffsetMinutes?: number;
  /** Delivery lag during which changes to the same order coalesce into one webhook. */
  coalesceMs?: number;
  webhookTimeoutMs?: number;
}

export interface WooCommerceSimulator {
  url: string;
  consumerKey: string;
  consumerSecret: string;
  /** Ids of the webhooks created for `webhookUrl`, by topic. */
  webhookIds: Record<string, number>;
  admin: WooSimulatorAdmin;
  close(): Promise<void>;
}

export const DEFAULT_WOO_PRODUCTS: WooSimProduct[] = [
  { sku: 'WOO-MUG', price: '12.50', stock: 100 },
  { sku: 'WOO-CAP', price: '8.00', stock: 100 },
  { sku: 'WOO-BAG', price: '20.00', stock: 100 },
  { sku: 'WOO-TEE-S', price: '15.00', stock: 50, parent: 'WOO-TEE' },
  { sku: 'WOO-TEE-M', price: '15.00', stock: 50, parent: 'WOO-TEE' },
];

const ORDER_TOPICS = ['order.created', 'order.updated', 'order.deleted', 'order.restored'];

export async function startWooCommerceSimulator(options: WooCommerceSimulatorOptions): Promise<WooCommerceSimulator> {
  const consumerKey = options.consumerKey ?? `ck_${randomBytes(20).toString('hex')}`;
  const consumerSecret = options.consumerSecret ?? `cs_${randomBytes(20).toString('hex')}`;
  const faults: FaultState = { latencyMs: 0, serverErrors: 0, rateLimits: 0, retryAfterSeconds: 1, dropWebhooks: 0 };
  // The store reports changes to the hub, which renders payloads from the store: one is wired after the other.
  const listeners: { notify(resource: string, event: string, id: number): void }[] = [];
  const store = new ShopStore(options.currency ?? 'USD', (resource, event, id) => listeners.forEach((l) => l.notify(resource, event, id)));
  const ctx: SerializeContext = { siteUrl: '', offsetMinutes: options.timezoneOffsetMinutes ?? 120, store };
  const hub = new WebhookHub({
    get siteUrl() {
      return ctx.siteUrl;
    },
    coalesceMs: options.coalesceMs ?? 100,
    timeoutMs: options.webhookTimeoutMs ?? 10_000,
    render: (resource, id) => {
      if (resource === 'order') {
        const order = store.orders.get(id);
        return order ? orderJson(ctx, order) : undefined;
      }
      const product = store.products.get(id);
      return product ? productJson(ctx, product) : undefined;
    },
    takeDrop: () => (faults.dropWebhooks > 0 ? (faults.dropWebhooks--, true) : false),
  });
  listeners.push(hub);
  for (const p of options.products ?? DEFAULT_WOO_PRODUCTS) {
    store.addProduct({ sku: p.sku, priceCents: parseCents(p.price), stock: p.stock, parentSku: p.parent });
  }

  const app = Fastify({ logger: false });
  app.setErrorHandler((error: FastifyError | ShopError | z.ZodError, _request, reply) => {
    if (error instanceof ShopError) {
      const params = (error as ShopError & { params?: unknown }).params;
      return sendWcError(reply, error.status, error.code, error.message, params ? { params } : {});
    }
    if (error instanceof z.ZodError) {
      const params = Object.fromEntries(error.issues.map((i) => [i.path.join('.') || 'body', i.message]));
      return sendWcError(reply, 400, 'rest_invalid_param', `Invalid parameter(s): ${Object.keys(params).join(', ')}`, { params });
    }
    if ((error as FastifyError).statusCode === 400) return sendWcError(reply, 400, 'rest_invalid_json', 'Invalid JSON body passed.');
    if ((error as FastifyError).statusCode === 415) return sendWcError(reply, 415, 'rest_invalid_content_type', error.message);
    return sendWcError(reply, 500, 'internal_server_error', `There has been a critical error on this website. (${error.message})`);
  });
  app.setNotFoundHandler((_request, reply) => sendWcError(reply, 404, 'rest_no_route', 'No route was found matching the URL and request method.'));
  registerRest(app, { ctx, auth: new Authenticator(consumerKey, consumerSecret), hub, faults });
  registerAdmin(app, { ctx, hub, faults });

  await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('simulator did not get a TCP address');
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  ctx.siteUrl = `http://${host}:${address.port}`;

  const webhookIds: Record<string, number> = {};
  if (options.webhookUrl) {
    for (const topic of ORDER_TOPICS) {
      const webhook = await hub.create({ topic, deliveryUrl: options.webhookUrl, secret: options.webhookSecret });
      webhookIds[topic] = webhook.id;
    }
  }

  return {
    url: ctx.siteUrl,
    consumerKey,
    consumerSecret,
    webhookIds,
    admin: createWooSimulatorAdmin(ctx.siteUrl),
    close: async () => {
      hub.close();
      await app.close();
    },
  };
}

import Fastify from 'fastify';
import { registerAdmin, type CreateOrderInput, type EditOrderInput, type FaultInput, type ProductInput, type RefundInput } from './admin';
import { registerApi } from './api';
import { type Delivery, Notifier } from './notifier';
import { EbayStore, type SimProduct } from './store';

// A local eBay: OAuth, Sell Fulfillment, Sell Inventory and Notification API deliveries, with faults.

export interface EbaySimulatorOptions {
  host?: string;
  port?: number;
  clientId?: string;
  clientSecret?: string;
  refreshToken?: string;
  /** Loopback URL that receives Notification API deliveries; none are sent without it (they are still recorded). */
  webhookUrl?: string;
  /** Calls per API per Pacific day before 429/2001 (eBay's defaults are in the hundreds of thousands). */
  dailyQuota?: number;
  products?: { sku: string; price: string; stock: number; currency?: string; title?: string }[];
}

export interface EbayShipment {
  fulfillmentId: string;
  shippedDate: string;
  shippingCarrierCode: string;
  shipmentTrackingNumber: string;
  lineItems: { lineItemId: string; quantity: number }[];
}

export interface EbaySimulatorAdmin {
  createOrder(input: CreateOrderInput): Promise<{ orderId: string; lineItemIds: string[] }>;
  editOrder(orderId: string, input: EditOrderInput): Promise<void>;
  cancelOrder(orderId: string): Promise<void>;
  /** An order-level amount (default: the rest), or money per line item (issueRefund's refundItems). */
  refundOrder(orderId: string, input?: RefundInput): Promise<{ refundId: string }>;
  product(sku: string): Promise<SimProduct>;
  stock(sku: string): Promise<number>;
  price(sku: string): Promise<string>;
  setProduct(sku: string, input: ProductInput): Promise<SimProduct>;
  fulfillments(orderId: string): Promise<EbayShipment[]>;
  /** Replaces the whole fault picture; `{}` clears every fault. */
  setFaults(input: FaultInput): Promise<void>;
  notifications(orderId?: string): Promise<Delivery[]>;
  rotateKey(): Promise<{ kid: string }>;
  expireTokens(): Promise<void>;
  quota(): Promise<{ dailyQuota: number; tokensIssued: number; remaining: Record<string, number> }>;
}

export interface EbaySimulator {
  url: string;
  credentials: { clientId: string; clientSecret: string; refreshToken: string };
  admin: EbaySimulatorAdmin;
  close(): Promise<void>;
}

export async function startEbaySimulator(options: EbaySimulatorOptions = {}): Promise<EbaySimulator> {
  const credentials = {
    clientId: options.clientId ?? 'ChannelS-sync-PRD-0a1b2c3d4-5e6f7a8b',
    clientSecret: options.clientSecret ?? 'PRD-a1b2c3d4e5f6-7a8b-9c0d-1e2f-3a4b',
    refreshToken: options.refreshToken ?? 'v^1.1#i^1#f^0#r^1#I^3#p^3#t^Ul4xMF8wOkUxQzJEN0M2',
  };
  const store = new EbayStore(options.dailyQuota ?? 100_000);
  for (const p of options.products ?? []) store.upsertProduct(p);
  const flags = { prettyNotificationBody: false };
  const notifier = new Notifier({
    webhookUrl: options.webhookUrl,
    shouldDrop: () => {
      if (store.faults.dropNotifications <= 0) return false;
      store.faults.dropNotifications--;
      return true;
    },
    prettyBody: () => flags.prettyNotificationBody,
  });

  const app = Fastify({ logger: false });
  let baseUrl = '';
  registerApi(app, { store, notifier, credentials, baseUrl: () => baseUrl });
  registerAdmin(app, { store, notifier, options: flags });
  const address = await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
  baseUrl = address.replace('localhost', '127.0.0.1');

  return {
    url: baseUrl,
    credentials,
    admin: createEbayAdminClient(baseUrl),
    close: async () => {
      await notifier.close();
      await app.close();
    },
  };
}

/** Typed helpers over the /_admin HTTP API (usable against a simulator in another process). */
export function createEbayAdminClient(baseUrl: string): EbaySimulatorAdmin {
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${baseUrl}/_admin${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`eBay simulator admin ${method} ${path} -> ${res.status}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }
  const id = encodeURIComponent;
  return {
    createOrder: (input) => call('POST', '/orders', input),
    editOrder: async (orderId, input) => void (await call('PATCH', `/orders/${id(orderId)}`, input)),
    cancelOrder: async (orderId) => void (await call('POST', `/orders/${id(orderId)}/cancel`, {})),
    refundOrder: (orderId, input = {}) => call('POST', `/orders/${id(orderId)}/refund`, input),
    product: (sku) => call('GET', `/products/${id(sku)}`),
    stock: async (sku) => (await call<SimProduct>('GET', `/products/${id(sku)}`)).quantity,
    price: async (sku) => (await call<SimProduct>('GET', `/products/${id(sku)}`)).price,
    setProduct: (sku, input) => call('PUT', `/products/${id(sku)}`, input),
    fulfillments: async (orderId) => (await call<{ fulfillments: EbayShipment[] }>('GET', `/orders/${id(orderId)}/fulfillments`)).fulfillments,
    setFaults: async (input) => void (await call('PUT', '/faults', input)),
    notifications: async (orderId) =>
      (await call<{ notifications: Delivery[] }>('GET', `/notifications${orderId ? `?orderId=${id(orderId)}` : ''}`)).notifications,
    rotateKey: () => call('POST', '/keys/rotate', {}),
    expireTokens: async () => void (await call('POST', '/tokens/expire', {})),
    quota: () => call('GET', '/quota'),
  };
}

export type { CreateOrderInput, EditOrderInput, FaultInput, ProductInput, RefundInput } from './admin';
export type { Delivery } from './notifier';
export type { SimProduct } from './store';

import { type AdminCancel, type AdminDeliver, type AdminFaults, type AdminOrderEdit, type AdminOrderInput, type AdminProduct, type AdminRefund } from './schemas';
import { buildServer, type WalmartSimulatorOptions } from './server';
import { type FeedItemResult, type SimShipment } from './store';
import { type DeliveryRecord } from './webhooks';

export type { WalmartSimulatorOptions } from './server';
export type { ApiGroup, BucketLimit } from './throttle';

/** Typed helpers over the simulator's /_admin/ HTTP API. Orders come back in Walmart's wire shape. */
export interface WalmartAdmin {
  createOrder(input: AdminOrderInput): Promise<WalmartWireOrder>;
  getOrder(purchaseOrderId: string): Promise<WalmartWireOrder>;
  editOrder(purchaseOrderId: string, edit: AdminOrderEdit): Promise<WalmartWireOrder>;
  /** Walmart-side cancellation (auto-cancel); sends PO_LINE_AUTOCANCELLED. */
  cancelOrder(purchaseOrderId: string, input?: AdminCancel): Promise<WalmartWireOrder>;
  refundOrder(purchaseOrderId: string, input: AdminRefund): Promise<WalmartWireOrder>;
  /** The carrier delivered shipped units (all lines, or those named): line statuses Shipped -> Delivered. */
  deliverOrder(purchaseOrderId: string, input?: AdminDeliver): Promise<WalmartWireOrder>;
  setProduct(input: AdminProduct): Promise<void>;
  product(sku: string): Promise<{ sku: string; price: string; stock: number }>;
  shipments(purchaseOrderId: string): Promise<SimShipment[]>;
  feeds(): Promise<{ feedId: string; feedType: string; items: FeedItemResult[]; processed: boolean }[]>;
  webhookDeliveries(): Promise<DeliveryRecord[]>;
  faults(input: AdminFaults): Promise<void>;
}

/** Loosely typed on purpose: tests validate it against Walmart's own models. */
export type WalmartWireOrder = { purchaseOrderId: string; orderLines: { orderLine: { lineNumber: string }[] } } & Record<string, unknown>;

export interface WalmartSimulator {
  url: string;
  credentials: { clientId: string; clientSecret: string; partnerId: string; webhookSecret: string };
  admin: WalmartAdmin;
  close(): Promise<void>;
}

export function walmartAdminClient(url: string): WalmartAdmin {
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${url}/_admin${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`admin ${method} ${path} -> ${res.status}: ${text}`);
    return JSON.parse(text) as T;
  };
  const po = (id: string) => `/orders/${encodeURIComponent(id)}`;
  return {
    createOrder: async (input) => (await call<{ order: WalmartWireOrder }>('POST', '/orders', input)).order,
    getOrder: async (id) => (await call<{ order: WalmartWireOrder }>('GET', po(id))).order,
    editOrder: async (id, edit) => (await call<{ order: WalmartWireOrder }>('PATCH', po(id), edit)).order,
    cancelOrder: async (id, input = {}) => (await call<{ order: WalmartWireOrder }>('POST', `${po(id)}/cancel`, input)).order,
    refundOrder: async (id, input) => (await call<{ order: WalmartWireOrder }>('POST', `${po(id)}/refund`, input)).order,
    deliverOrder: async (id, input = {}) => (await call<{ order: WalmartWireOrder }>('POST', `${po(id)}/deliver`, input)).order,
    setProduct: async (input) => void (await call('PUT', '/products', input)),
    product: (sku) => call('GET', `/products/${encodeURIComponent(sku)}`),
    shipments: async (id) => (await call<{ shipments: SimShipment[] }>('GET', `${po(id)}/shipments`)).shipments,
    feeds: async () => (await call<{ feeds: Awaited<ReturnType<WalmartAdmin['feeds']>> }>('GET', '/feeds')).feeds,
    webhookDeliveries: async () => (await call<{ deliveries: DeliveryRecord[] }>('GET', '/webhooks')).deliveries,
    faults: async (input) => void (await call('POST', '/faults', input)),
  };
}

export async function startWalmartSimulator(options: WalmartSimulatorOptions = {}): Promise<WalmartSimulator> {
  const { app, credentials } = await buildServer(options);
  await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('walmart simulator: no TCP address');
  const url = `http://${address.address}:${address.port}`;
  return { url, credentials, admin: walmartAdminClient(url), close: () => app.close() };
}

export { startWebhookReceiver, type WebhookReceiver, type ReceivedPush } from './receiver';

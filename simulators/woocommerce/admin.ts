import { type FastifyInstance, type FastifyRequest } from 'fastify';
import { centsToString, parseCents } from './format';
import { type FaultState } from './rest';
import { AdminFaults, AdminOrderCreate, AdminStock, AdminWebhookCreate, AdminOrderEdit, AdminRefund, AdminStatus, type AdminOrderEdit as EditInput } from './schemas';
import { noteJson, orderJson, refundJson, type SerializeContext } from './serialize';
import { ShopError } from './store';
import { isLoopbackUrl, type DeliveryRecord, type WebhookHub, type WebhookStatus } from './webhooks';

// The merchant's and buyer's side of the shop, for tests and the demo: not part of WooCommerce's API.

export const ADMIN_PREFIX = '/_admin';

export interface AdminDeps {
  ctx: SerializeContext;
  hub: WebhookHub;
  faults: FaultState;
}

type Req = FastifyRequest<{ Params: Record<string, string> }>;

function orderId(request: Req): number {
  const id = Number(request.params.id);
  if (!Number.isInteger(id)) throw new ShopError('woocommerce_rest_shop_order_invalid_id', 'Invalid ID.', 404);
  return id;
}

export function registerAdmin(app: FastifyInstance, deps: AdminDeps): void {
  const { ctx, hub } = deps;
  const store = ctx.store;
  const a = ADMIN_PREFIX;
  const orderOut = (id: number) => orderJson(ctx, store.getOrder(id, true));

  app.post(a + '/orders', async (request, reply) => {
    const input = AdminOrderCreate.parse(request.body);
    const order = store.createOrder({
      lines: input.lines.map((l) => ({ sku: l.sku, quantity: l.quantity, unitCents: l.unitPrice === undefined ? undefined : parseCents(l.unitPrice) })),
      status: input.status,
      currency: input.currency,
      shippingCents: input.shippingTotal === undefined ? undefined : parseCents(input.shippingTotal),
      shippingTaxCents: input.shippingTax === undefined ? undefined : parseCents(input.shippingTax),
      billing: input.billing,
      shipping: input.shipping,
      customerNote: input.customerNote,
    });
    return reply.code(201).send(orderJson(ctx, order));
  });
  app.post<{ Params: Record<string, string> }>(a + '/orders/:id/pay', async (request) => orderJson(ctx, store.markPaid(orderId(request))));
  app.post<{ Params: Record<string, string> }>(a + '/orders/:id/status', async (request) =>
    orderJson(ctx, store.setStatus(orderId(request), AdminStatus.parse(request.body).status)),
  );
  app.post<{ Params: Record<string, string> }>(a + '/orders/:id/cancel', async (request) => orderJson(ctx, store.setStatus(orderId(request), 'cancelled')));
  app.post<{ Params: Record<string, string> }>(a + '/orders/:id/edit', async (request) => {
    const input = AdminOrderEdit.parse(request.body);
    return orderJson(ctx, store.editOrder(orderId(request), input));
  });
  app.post<{ Params: Record<string, string> }>(a + '/orders/:id/refund', async (request, reply) => {
    const id = orderId(request);
    const input = AdminRefund.parse(request.body);
    const refund = store.refund(id, {
      lines: input.lines.map((l) => ({ lineId: l.lineId, quantity: l.quantity, amountCents: l.amount === undefined ? undefined : parseCents(l.amount) })),
      amountCents: input.amount === undefined ? undefined : parseCents(input.amount),
      reason: input.reason,
      restock: input.restock,
    });
    return reply.code(201).send(refundJson(ctx, store.getOrder(id), refund));
  });
  app.post<{ Params: Record<string, string> }>(a + '/orders/:id/trash', async (request) => {
    store.trash(orderId(request));
    return orderOut(orderId(request));
  });
  app.post<{ Params: Record<string, string> }>(a + '/orders/:id/restore', async (request) => {
    store.restore(orderId(request));
    return orderOut(orderId(request));
  });
  app.get<{ Params: Record<string, string> }>(a + '/orders/:id', async (request) => orderOut(orderId(request)));
  app.get<{ Params: Record<string, string> }>(a + '/orders/:id/notes', async (request) => {
    const order = store.getOrder(orderId(request), true);
    return order.notes.map((n) => noteJson(ctx, order, n));
  });

  app.get<{ Params: Record<string, string> }>(a + '/products/:sku', async (request) => {
    const product = store.findBySku(decodeURIComponent(request.params.sku ?? ''));
    if (!product) throw new ShopError('woocommerce_rest_product_invalid_id', 'Unknown SKU.', 404);
    return {
      id: product.id,
      sku: product.sku,
      type: product.type,
      price: product.regularCents === null ? null : centsToString(product.regularCents),
      stock: product.stock,
    };
  });

  app.post<{ Params: Record<string, string> }>(a + '/products/:sku/stock', async (request) => {
    const product = store.findBySku(decodeURIComponent(request.params.sku ?? ''));
    if (!product) throw new ShopError('woocommerce_rest_product_invalid_id', 'Unknown SKU.', 404);
    const input = AdminStock.parse(request.body);
    const updated = store.updateProduct(product.id, { stockQuantity: input.quantity, manageStock: input.manageStock ?? input.quantity !== null });
    return { id: updated.id, sku: updated.sku, stock: updated.stock, manageStock: updated.manageStock };
  });

  app.post(a + '/faults', async (request) => {
    const input = AdminFaults.parse(request.body ?? {});
    Object.assign(deps.faults, Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)));
    return deps.faults;
  });
  app.post(a + '/faults/reset', async () => {
    Object.assign(deps.faults, { latencyMs: 0, serverErrors: 0, rateLimits: 0, retryAfterSeconds: 1, dropWebhooks: 0 });
    return deps.faults;
  });

  app.get(a + '/webhooks', async () =>
    [...hub.webhooks.values()].map((w) => ({ id: w.id, topic: w.topic, status: w.status, failureCount: w.failureCount, deliveryUrl: w.deliveryUrl })),
  );
  app.post(a + '/webhooks', async (request, reply) => {
    const body = AdminWebhookCreate.parse(request.body);
    if (!isLoopbackUrl(body.deliveryUrl)) throw new ShopError('rest_invalid_param', 'The simulator only delivers to loopback URLs.');
    const webhook = await hub.create({ topic: body.topic, deliveryUrl: body.deliveryUrl, secret: body.secret ?? '' });
    return reply.code(201).send({ id: webhook.id, topic: webhook.topic, status: webhook.status });
  });
  app.post<{ Params: Record<string, string> }>(a + '/webhooks/:id/enable', async (request) => {
    const webhook = hub.update(Number(request.params.id), { status: 'active' });
    if (!webhook) throw new ShopError('woocommerce_rest_webhook_invalid_id', 'Invalid ID.', 404);
    return { id: webhook.id, status: webhook.status, failureCount: webhook.failureCount };
  });
  app.post(a + '/webhooks/flush', async () => {
    await hub.flush();
    return { ok: true };
  });
  app.get(a + '/deliveries', async () => hub.deliveries);
}

// ---- typed client for the admin API (what tests and the demo call) ----

export interface SimOrderJson {
  id: number;
  status: string;
  date_modified_gmt: string;
  total: string;
  line_items: { id: number; sku: string; quantity: number; price: number }[];
  refunds: { id: number; total: string }[];
  [key: string]: unknown;
}

export interface SimNoteJson {
  id: number;
  note: string;
  customer_note: boolean;
  date_created_gmt: string;
}

export interface SimWebhookInfo {
  id: number;
  topic: string;
  status: WebhookStatus;
  failureCount: number;
  deliveryUrl: string;
}

export interface WooSimulatorAdmin {
  createOrder(input: AdminOrderCreate): Promise<SimOrderJson>;
  getOrder(id: number): Promise<SimOrderJson>;
  markPaid(id: number): Promise<SimOrderJson>;
  setStatus(id: number, status: string): Promise<SimOrderJson>;
  editOrder(id: number, input: EditInput): Promise<SimOrderJson>;
  cancelOrder(id: number): Promise<SimOrderJson>;
  refundOrder(id: number, input: AdminRefund): Promise<{ id: number; amount: string }>;
  trashOrder(id: number): Promise<SimOrderJson>;
  restoreOrder(id: number): Promise<SimOrderJson>;
  notes(id: number): Promise<SimNoteJson[]>;
  product(sku: string): Promise<{ id: number; sku: string; type: string; price: string | null; stock: number | null }>;
  /** Changes stock the way a merchant does in wp-admin (quantity null with manageStock false: stock not managed). */
  setStock(sku: string, input: AdminStock): Promise<void>;
  setFaults(input: AdminFaults): Promise<void>;
  resetFaults(): Promise<void>;
  createWebhook(input: { topic: string; deliveryUrl: string; secret?: string }): Promise<{ id: number; topic: string; status: WebhookStatus }>;
  webhooks(): Promise<SimWebhookInfo[]>;
  enableWebhook(id: number): Promise<void>;
  deliveries(): Promise<DeliveryRecord[]>;
  /** Waits until every queued webhook delivery has been attempted. */
  flushWebhooks(): Promise<void>;
}

export function createWooSimulatorAdmin(baseUrl: string): WooSimulatorAdmin {
  async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${baseUrl}${ADMIN_PREFIX}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`simulator admin ${method} ${path} -> ${response.status}: ${text}`);
    return JSON.parse(text) as T;
  }
  return {
    createOrder: (input) => call('POST', '/orders', input),
    getOrder: (id) => call('GET', `/orders/${id}`),
    markPaid: (id) => call('POST', `/orders/${id}/pay`, {}),
    setStatus: (id, status) => call('POST', `/orders/${id}/status`, { status }),
    editOrder: (id, input) => call('POST', `/orders/${id}/edit`, input),
    cancelOrder: (id) => call('POST', `/orders/${id}/cancel`, {}),
    refundOrder: (id, input) => call('POST', `/orders/${id}/refund`, input),
    trashOrder: (id) => call('POST', `/orders/${id}/trash`, {}),
    restoreOrder: (id) => call('POST', `/orders/${id}/restore`, {}),
    notes: (id) => call('GET', `/orders/${id}/notes`),
    product: (sku) => call('GET', `/products/${encodeURIComponent(sku)}`),
    setStock: async (sku, input) => void (await call('POST', `/products/${encodeURIComponent(sku)}/stock`, input)),
    setFaults: async (input) => void (await call('POST', '/faults', input)),
    resetFaults: async () => void (await call('POST', '/faults/reset', {})),
    createWebhook: (input) => call('POST', '/webhooks', input),
    webhooks: () => call('GET', '/webhooks'),
    enableWebhook: async (id) => void (await call('POST', `/webhooks/${id}/enable`, {})),
    deliveries: () => call('GET', '/deliveries'),
    flushWebhooks: async () => void (await call('POST', '/webhooks/flush', {})),
  };
}

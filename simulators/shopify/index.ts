import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  BuildDeliveryInput,
  CancelInput,
  CreateOrderInput,
  DeliverInput,
  EditQuantitiesInput,
  FaultInput,
  ProductInput,
  RefundInput,
  StockInput,
} from './admin';
import { executeOperation, type MutationEffects } from './graphql';
import { actualCost, GraphQLFieldError, GraphQLSyntaxError, parseOperation, requestedCost } from './graphql-doc';
import { type Fulfillment, type Order, type ProductSeed, restAmount, ShopStore, SimError } from './store';
import { CostBucket, RequestBucket } from './throttle';
import { type Delivery, WebhookSender } from './webhooks';

export { SHOPIFY_WEBHOOK_HEADERS, type Delivery } from './webhooks';
export type { BuildDeliveryInput, CancelInput, CreateOrderInput, DeliverInput, EditQuantitiesInput, FaultInput, RefundInput } from './admin';

export const DEFAULT_TOPICS = ['orders/create', 'orders/updated', 'orders/cancelled', 'refunds/create', 'fulfillment_events/create'] as const;
const MAX_QUERY_COST = 1000;

export interface ShopifySimulatorOptions {
  shopDomain?: string;
  accessToken?: string;
  /** The app's client secret: webhooks are signed with it. */
  webhookSecret: string;
  apiVersion?: string;
  /** Where webhooks are delivered (loopback only). Without it deliveries are recorded but not sent. */
  webhookUrl?: string;
  /** 1 = Shopify's real schedule (8 retries over 4 hours); tests use something like 0.00001. */
  retryScale?: number;
  /** Topics subscribed; default orders/create, orders/updated, orders/cancelled, refunds/create, fulfillment_events/create. */
  topics?: string[];
  host?: string;
  port?: number;
  products?: ProductSeed[];
  currency?: string;
  /** Shop UTC offset in minutes (REST timestamps carry it); default -300 (-05:00). */
  utcOffsetMinutes?: number;
  graphqlBucket?: { maximum: number; restoreRate: number };
  restBucket?: { size: number; leakPerSecond: number };
}

export interface CreatedOrder {
  /** Numeric REST id. */
  id: number;
  /** The same id as text: what the adapter calls externalId. */
  externalId: string;
  name: string;
  lineItemIds: number[];
  /** The orders/create delivery (absent when the topic is not subscribed). */
  webhook?: Delivery;
}

export interface FulfillmentView {
  id: number;
  trackingCompany: string;
  trackingNumber: string;
  trackingUrl: string | null;
  lines: { lineItemId: number; quantity: number }[];
}

export interface ShopifyAdmin {
  addProduct(input: z.input<typeof ProductInput>): void;
  createOrder(input: CreateOrderInput): CreatedOrder;
  editQuantities(orderId: number | string, input: EditQuantitiesInput): Record<string, unknown>;
  markPaid(orderId: number | string): Record<string, unknown>;
  cancelOrder(orderId: number | string, input?: CancelInput): Record<string, unknown>;
  refund(orderId: number | string, input: RefundInput): Record<string, unknown>;
  /** The carrier delivered (all fulfillments, or those named): one fulfillment_events/create per fulfillment. */
  markDelivered(orderId: number | string, input?: DeliverInput): Record<string, unknown>;
  /** The REST JSON of an order, exactly as webhooks and GET orders/{id}.json show it. */
  order(orderId: number | string): Record<string, unknown>;
  stock(sku: string): number;
  /** Sets `available` at the shop's location, as a merchant editing stock in the Shopify admin would. */
  setStock(sku: string, available: number): void;
  price(sku: string): string;
  fulfillments(orderId: number | string): FulfillmentView[];
  setFault(input: FaultInput): void;
  /** Every delivery (and copy) with its attempts and their HTTP status. */
  deliveries(): Delivery[];
  /** Sends a delivery again with the same Webhook-Id and Event-Id. */
  redeliver(webhookId: string): Delivery;
  /** Sends a delivery again the way Shopify duplicates: same Event-Id, new Webhook-Id. */
  duplicate(webhookId: string): Delivery;
  /** A signed delivery built but not sent (for tests that feed the adapter directly). */
  buildDelivery(input: BuildDeliveryInput): Delivery;
  releaseWebhooks(order?: 'fifo' | 'reverse'): void;
  setWebhookUrl(url: string | undefined): void;
  /** Resolves when no delivery is in flight or waiting for a retry. */
  webhooksIdle(): Promise<void>;
}

export interface ShopifySimulator {
  url: string;
  shopDomain: string;
  accessToken: string;
  apiVersion: string;
  /** GID of the shop's only location. */
  locationId: string;
  admin: ShopifyAdmin;
  close(): Promise<void>;
}

export async function startShopifySimulator(options: ShopifySimulatorOptions): Promise<ShopifySimulator> {
  const shopDomain = options.shopDomain ?? 'channelsync-dev.myshopify.com';
  const accessToken = options.accessToken ?? `shpat_${randomUUID().replace(/-/g, '')}`;
  const apiVersion = options.apiVersion ?? '2026-07';
  const topics = new Set(options.topics ?? DEFAULT_TOPICS);
  const store = new ShopStore(shopDomain, options.currency ?? 'USD', options.utcOffsetMinutes ?? -300);
  for (const p of options.products ?? []) store.addProduct(p);
  const graphqlBucket = new CostBucket(options.graphqlBucket?.maximum ?? 2000, options.graphqlBucket?.restoreRate ?? 100);
  const restBucket = new RequestBucket(options.restBucket?.size ?? 40, options.restBucket?.leakPerSecond ?? 2);
  const sender = new WebhookSender({ secret: options.webhookSecret, shopDomain, apiVersion, url: options.webhookUrl, retryScale: options.retryScale ?? 1 });
  const faults = { latencyMs: 0, serverErrors: 0, throttle: 0, throttleSurface: 'both' as 'graphql' | 'rest' | 'both' };

  const orderId = (id: number | string): number => Number(id);
  const emit = (topic: string, payload: unknown): Delivery | undefined => (topics.has(topic) ? sender.emit({ topic, payload }) : undefined);
  const emitOrder = (topic: string, order: Order) => emit(topic, store.restOrder(order));
  const emitRefund = (order: Order, refundId: number) => {
    const refund = order.refunds.find((r) => r.id === refundId);
    if (refund) emit('refunds/create', store.restRefund(refund));
  };
  const fulfillmentView = (f: Fulfillment): FulfillmentView => ({ id: f.id, trackingCompany: f.company, trackingNumber: f.number, trackingUrl: f.url, lines: f.lines });

  const admin: ShopifyAdmin = {
    addProduct: (input) => store.addProduct(ProductInput.parse(input)),
    createOrder(input) {
      const order = store.createOrder(CreateOrderInput.parse(input));
      const webhook = emitOrder('orders/create', order);
      return { id: order.id, externalId: String(order.id), name: `#${order.number}`, lineItemIds: order.lines.map((l) => l.id), webhook };
    },
    editQuantities(id, input) {
      const changes = EditQuantitiesInput.parse(input).lines;
      const before = new Map(store.order(orderId(id)).lines.map((l) => [l.id, l.currentQuantity]));
      const order = store.editQuantities(orderId(id), changes);
      // orders/edited carries a summary of the edit, not the order (the orders/updated that follows does).
      const deltas = changes.map((c) => ({ id: c.lineItemId, delta: c.quantity - (before.get(c.lineItemId) ?? 0) }));
      emit('orders/edited', {
        order_edit: {
          id: store.nextId('other') + 40_000_000_000, app_id: null, created_at: store.restTime(order.updatedAt), notify_customer: false,
          order_id: order.id, staff_note: '', user_id: null,
          line_items: { additions: deltas.filter((d) => d.delta > 0), removals: deltas.filter((d) => d.delta < 0).map((d) => ({ id: d.id, delta: -d.delta })) },
        },
      });
      emitOrder('orders/updated', order);
      return store.restOrder(order);
    },
    markPaid(id) {
      const order = store.order(orderId(id));
      order.financialStatus = 'paid';
      store.touch(order);
      emitOrder('orders/paid', order);
      emitOrder('orders/updated', order);
      return store.restOrder(order);
    },
    cancelOrder(id, input = {}) {
      const parsed = CancelInput.parse(input);
      const { order, refund } = store.cancel(orderId(id), parsed);
      emitOrder('orders/cancelled', order);
      if (refund) emitRefund(order, refund.id);
      emitOrder('orders/updated', order);
      return store.restOrder(order);
    },
    refund(id, input) {
      const refund = store.refund(orderId(id), RefundInput.parse(input));
      const order = store.order(orderId(id));
      emitRefund(order, refund.id);
      emitOrder('orders/updated', order);
      return store.restRefund(refund);
    },
    markDelivered(id, input = {}) {
      for (const event of store.deliver(orderId(id), DeliverInput.parse(input))) emit('fulfillment_events/create', event);
      return store.restOrder(store.order(orderId(id)));
    },
    order: (id) => store.restOrder(store.order(orderId(id))),
    stock(sku) {
      const v = store.variants.get(sku);
      if (!v) throw new SimError(`unknown sku ${sku}`, 'NOT_FOUND');
      return v.available.get(store.locationId) ?? 0;
    },
    setStock(sku, available) {
      const v = store.variants.get(sku);
      if (!v) throw new SimError(`unknown sku ${sku}`, 'NOT_FOUND');
      v.available.set(store.locationId, StockInput.parse({ available }).available);
    },
    price(sku) {
      const v = store.variants.get(sku);
      if (!v) throw new SimError(`unknown sku ${sku}`, 'NOT_FOUND');
      return restAmount(v.priceCents);
    },
    fulfillments: (id) => store.order(orderId(id)).fulfillments.map(fulfillmentView),
    setFault(input) {
      const f = FaultInput.parse(input);
      if (f.reset) {
        Object.assign(faults, { latencyMs: 0, serverErrors: 0, throttle: 0, throttleSurface: 'both' });
        Object.assign(sender.faults, { drop: 0, duplicate: false });
        if (sender.faults.hold) sender.release();
      }
      if (f.latencyMs !== undefined) faults.latencyMs = f.latencyMs;
      if (f.serverErrors !== undefined) faults.serverErrors = f.serverErrors;
      if (f.throttle !== undefined) faults.throttle = f.throttle;
      if (f.throttleSurface !== undefined) faults.throttleSurface = f.throttleSurface;
      if (f.dropWebhooks !== undefined) sender.faults.drop = f.dropWebhooks;
      if (f.duplicateWebhooks !== undefined) sender.faults.duplicate = f.duplicateWebhooks;
      if (f.holdWebhooks === true) sender.faults.hold = true;
      if (f.holdWebhooks === false) sender.release();
    },
    deliveries: () => sender.deliveries,
    redeliver(webhookId) {
      const d = sender.find(webhookId);
      if (!d) throw new SimError(`no delivery ${webhookId}`, 'NOT_FOUND');
      return sender.copy(d, false);
    },
    duplicate(webhookId) {
      const d = sender.find(webhookId);
      if (!d) throw new SimError(`no delivery ${webhookId}`, 'NOT_FOUND');
      return sender.copy(d, true);
    },
    buildDelivery(input) {
      const parsed = BuildDeliveryInput.parse(input);
      let payload = parsed.payload;
      if (payload === undefined) {
        if (parsed.orderId === undefined) throw new SimError('orderId or payload is required', 'INVALID');
        const order = store.order(orderId(parsed.orderId));
        if (parsed.topic === 'refunds/create') {
          const refund = parsed.refundId === undefined ? order.refunds[order.refunds.length - 1] : order.refunds.find((r) => r.id === parsed.refundId);
          if (!refund) throw new SimError('order has no such refund', 'NOT_FOUND');
          payload = store.restRefund(refund);
        } else {
          payload = store.restOrder(order);
        }
      }
      return sender.build({ topic: parsed.topic, payload });
    },
    releaseWebhooks: (order) => sender.release(order),
    setWebhookUrl: (url) => sender.setUrl(url),
    webhooksIdle: () => sender.idle(),
  };

  const app = Fastify({ logger: false });

  // ---- Admin API guards: auth, latency, injected 5xx ----
  const guard = async (request: FastifyRequest, reply: FastifyReply, version: string): Promise<boolean> => {
    if (faults.latencyMs > 0) await new Promise((r) => setTimeout(r, faults.latencyMs));
    reply.header('X-Request-Id', randomUUID());
    reply.header('X-Shopify-API-Version', version);
    if (request.headers['x-shopify-access-token'] !== accessToken) {
      await reply.code(401).send({ errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' });
      return false;
    }
    if (faults.serverErrors > 0) {
      faults.serverErrors--;
      await reply.code(503).type('application/json').send({ errors: 'Service Unavailable' });
      return false;
    }
    return true;
  };

  const VersionParams = z.object({ version: z.string().regex(/^(\d{4}-\d{2}|unstable)$/) });
  const GraphQLBody = z.object({ query: z.string().min(1), variables: z.record(z.string(), z.unknown()).nullish(), operationName: z.string().nullish() });

  app.post('/admin/api/:version/graphql.json', async (request, reply) => {
    const params = VersionParams.safeParse(request.params);
    if (!params.success) return reply.code(404).send({ errors: 'Not Found' });
    if (!(await guard(request, reply, params.data.version))) return reply;
    const body = GraphQLBody.safeParse(request.body);
    if (!body.success) return reply.code(400).send({ errors: { query: 'Required parameter missing or invalid' } });
    const variables = body.data.variables ?? {};
    let operation;
    try {
      operation = parseOperation(body.data.query);
    } catch (err) {
      if (err instanceof GraphQLSyntaxError) return { errors: [{ message: err.message, extensions: { code: 'syntaxError' } }] };
      throw err;
    }
    const requested = requestedCost(operation, variables);
    if (requested > MAX_QUERY_COST) {
      return {
        errors: [{ message: `Query cost is ${requested}, which exceeds the single query max cost limit (${MAX_QUERY_COST}).`, extensions: { code: 'MAX_COST_EXCEEDED', cost: requested, maxCost: MAX_QUERY_COST } }],
      };
    }
    const storm = faults.throttle > 0 && faults.throttleSurface !== 'rest';
    if (storm) {
      faults.throttle--;
      graphqlBucket.drain();
    }
    if (storm || !graphqlBucket.take(requested)) {
      return {
        errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits' } }],
        extensions: { cost: { requestedQueryCost: requested, actualQueryCost: null, throttleStatus: graphqlBucket.status() } },
      };
    }
    const effects: MutationEffects = { ordersUpdated: [], ordersCancelled: [], refunds: [] };
    try {
      const { data } = executeOperation({ store, operation, variables, effects });
      const actual = Math.min(requested, actualCost(operation, data));
      graphqlBucket.refund(requested - actual);
      for (const o of effects.ordersCancelled) emitOrder('orders/cancelled', o);
      for (const r of effects.refunds) emitRefund(store.order(r.orderId), r.refundId);
      for (const o of new Set([...effects.ordersUpdated, ...effects.ordersCancelled])) emitOrder('orders/updated', o);
      return { data, extensions: { cost: { requestedQueryCost: requested, actualQueryCost: actual, throttleStatus: graphqlBucket.status() } } };
    } catch (err) {
      if (!(err instanceof GraphQLFieldError)) throw err;
      graphqlBucket.refund(requested);
      return { errors: [{ message: err.message, extensions: err.extensions }] };
    }
  });

  // ---- REST (legacy, for fidelity): orders/{id}.json and orders.json with Link paging ----
  const restGuard = async (request: FastifyRequest, reply: FastifyReply): Promise<boolean> => {
    const params = VersionParams.safeParse(request.params);
    if (!params.success) {
      await reply.code(404).send({ errors: 'Not Found' });
      return false;
    }
    if (!(await guard(request, reply, params.data.version))) return false;
    if (faults.throttle > 0 && faults.throttleSurface !== 'graphql') {
      faults.throttle--;
      restBucket.fill();
    }
    const limit = restBucket.take();
    if (limit === undefined) {
      reply.header('X-Shopify-Shop-Api-Call-Limit', restBucket.header());
      reply.header('Retry-After', '2.0');
      await reply.code(429).send({ errors: 'Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.' });
      return false;
    }
    reply.header('X-Shopify-Shop-Api-Call-Limit', limit);
    return true;
  };

  app.get('/admin/api/:version/orders/:id.json', async (request, reply) => {
    if (!(await restGuard(request, reply))) return reply;
    const id = Number((request.params as { id: string }).id);
    const order = store.orders.get(id);
    if (!order) return reply.code(404).send({ errors: 'Not Found' });
    return { order: store.restOrder(order) };
  });

  const OrdersQuery = z.object({
    status: z.enum(['open', 'closed', 'cancelled', 'any']).default('open'),
    limit: z.coerce.number().int().min(1).max(250).default(50),
    updated_at_min: z.string().optional(),
    created_at_min: z.string().optional(),
    since_id: z.coerce.number().optional(),
    page_info: z.string().optional(),
    fields: z.string().optional(),
  });
  const PageInfo = z.object({ status: z.string(), updated_at_min: z.string().optional(), created_at_min: z.string().optional(), since_id: z.number().optional(), last_id: z.number(), direction: z.enum(['next', 'prev']) });

  app.get('/admin/api/:version/orders.json', async (request, reply) => {
    if (!(await restGuard(request, reply))) return reply;
    const q = OrdersQuery.safeParse(request.query);
    if (!q.success) return reply.code(400).send({ errors: Object.fromEntries(q.error.issues.map((i) => [i.path.join('.'), [i.message]])) });
    const rawQuery = request.query as Record<string, unknown>;
    let filters: { status: string; updated_at_min?: string; created_at_min?: string; since_id?: number } = q.data;
    let cursor: z.infer<typeof PageInfo> | undefined;
    if (q.data.page_info) {
      const extra = Object.keys(rawQuery).filter((k) => !['page_info', 'limit', 'fields'].includes(k));
      if (extra.length) return reply.code(400).send({ errors: { page_info: [`page_info cannot be combined with ${extra.join(', ')}`] } });
      try {
        cursor = PageInfo.parse(JSON.parse(Buffer.from(q.data.page_info, 'base64url').toString('utf8')));
      } catch {
        return reply.code(400).send({ errors: { page_info: ['Invalid value.'] } });
      }
      filters = cursor;
    }
    const min = (s?: string) => (s ? Date.parse(s) : undefined);
    const updatedMin = min(filters.updated_at_min);
    const createdMin = min(filters.created_at_min);
    const all = [...store.orders.values()]
      .filter((o) => filters.status === 'any' || (filters.status === 'cancelled' ? o.cancelledAt !== null : filters.status === 'closed' ? o.closedAt !== null : o.closedAt === null))
      .filter((o) => updatedMin === undefined || Math.floor(o.updatedAt / 1000) * 1000 >= updatedMin)
      .filter((o) => createdMin === undefined || Math.floor(o.createdAt / 1000) * 1000 >= createdMin)
      .filter((o) => filters.since_id === undefined || o.id > filters.since_id)
      .sort((a, b) => a.id - b.id);
    let pageItems: Order[];
    if (!cursor) pageItems = all.slice(0, q.data.limit);
    else if (cursor.direction === 'next') pageItems = all.filter((o) => o.id > cursor.last_id).slice(0, q.data.limit);
    else pageItems = all.filter((o) => o.id < cursor.last_id).slice(-q.data.limit);
    const first = pageItems[0];
    const last = pageItems[pageItems.length - 1];
    const base = `http://${request.headers.host}/admin/api/${(request.params as { version: string }).version}/orders.json`;
    const link = (lastId: number, direction: 'next' | 'prev') => {
      const info = Buffer.from(JSON.stringify({ status: filters.status, updated_at_min: filters.updated_at_min, created_at_min: filters.created_at_min, since_id: filters.since_id, last_id: lastId, direction })).toString('base64url');
      return `<${base}?limit=${q.data.limit}&page_info=${info}>; rel="${direction === 'next' ? 'next' : 'previous'}"`;
    };
    const links: string[] = [];
    if (first && all.some((o) => o.id < first.id) && cursor) links.push(link(first.id, 'prev'));
    if (last && all.some((o) => o.id > last.id)) links.push(link(last.id, 'next'));
    if (links.length) reply.header('Link', links.join(', '));
    return { orders: pageItems.map((o) => store.restOrder(o)) };
  });

  // ---- Simulator admin over HTTP ----
  const IdParams = z.object({ id: z.coerce.number().int() });
  const adminRoute = (handler: (request: FastifyRequest) => unknown) => async (request: FastifyRequest, reply: FastifyReply) => {
    try {
      return await handler(request);
    } catch (err) {
      if (err instanceof z.ZodError) return reply.code(422).send({ error: 'invalid input', issues: err.issues });
      if (err instanceof SimError) return reply.code(err.code === 'NOT_FOUND' ? 404 : 422).send({ error: err.message, code: err.code });
      throw err;
    }
  };
  const id = (request: FastifyRequest) => IdParams.parse(request.params).id;
  const summary = (d: Delivery) => ({ webhookId: d.webhookId, eventId: d.eventId, topic: d.topic, state: d.state, copyOf: d.copyOf ?? null, attempts: d.attempts });

  app.post('/_admin/products', adminRoute((r) => (admin.addProduct(r.body as z.input<typeof ProductInput>), { ok: true })));
  app.post('/_admin/orders', adminRoute((r) => {
    const created = admin.createOrder(r.body as CreateOrderInput);
    return { id: created.id, externalId: created.externalId, name: created.name, lineItemIds: created.lineItemIds, webhookId: created.webhook?.webhookId ?? null };
  }));
  app.get('/_admin/orders/:id', adminRoute((r) => ({ order: admin.order(id(r)) })));
  app.post('/_admin/orders/:id/edit', adminRoute((r) => ({ order: admin.editQuantities(id(r), r.body as EditQuantitiesInput) })));
  app.post('/_admin/orders/:id/paid', adminRoute((r) => ({ order: admin.markPaid(id(r)) })));
  app.post('/_admin/orders/:id/cancel', adminRoute((r) => ({ order: admin.cancelOrder(id(r), (r.body ?? {}) as CancelInput) })));
  app.post('/_admin/orders/:id/refunds', adminRoute((r) => ({ refund: admin.refund(id(r), r.body as RefundInput) })));
  app.post('/_admin/orders/:id/delivered', adminRoute((r) => ({ order: admin.markDelivered(id(r), (r.body ?? {}) as DeliverInput) })));
  app.get('/_admin/orders/:id/fulfillments', adminRoute((r) => ({ fulfillments: admin.fulfillments(id(r)) })));
  app.get('/_admin/stock/:sku', adminRoute((r) => {
    const sku = (r.params as { sku: string }).sku;
    return { sku, available: admin.stock(sku) };
  }));
  app.post('/_admin/stock/:sku', adminRoute((r) => {
    const sku = (r.params as { sku: string }).sku;
    admin.setStock(sku, StockInput.parse(r.body).available);
    return { sku, available: admin.stock(sku) };
  }));
  app.get('/_admin/price/:sku', adminRoute((r) => {
    const sku = (r.params as { sku: string }).sku;
    return { sku, price: admin.price(sku) };
  }));
  app.post('/_admin/faults', adminRoute((r) => (admin.setFault(r.body as FaultInput), { ok: true })));
  app.get('/_admin/webhooks', adminRoute(() => ({ deliveries: admin.deliveries().map(summary) })));
  app.post('/_admin/webhooks/:webhookId/redeliver', adminRoute((r) => summary(admin.redeliver((r.params as { webhookId: string }).webhookId))));
  app.post('/_admin/webhooks/:webhookId/duplicate', adminRoute((r) => summary(admin.duplicate((r.params as { webhookId: string }).webhookId))));
  app.post('/_admin/webhooks/release', adminRoute((r) => {
    const order = z.object({ order: z.enum(['fifo', 'reverse']).optional() }).parse(r.body ?? {}).order;
    admin.releaseWebhooks(order);
    return { ok: true };
  }));

  const address = await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
  return {
    url: address,
    shopDomain,
    accessToken,
    apiVersion,
    locationId: `gid://shopify/Location/${store.locationId}`,
    admin,
    async close() {
      sender.close();
      await app.close();
    },
  };
}


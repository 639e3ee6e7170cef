import { type FastifyInstance } from 'fastify';
import { z } from 'zod';
import { currencyScale, timesQuantity } from './decimal';
import { type AmazonStore, type Faults, type SimOrder, type SimRefund, type SimRefundItem, type SimShipment, PENDING_STATUSES } from './store';

// Operator/test controls under /_admin: what a buyer, Amazon's own systems or an outage would do.

const Decimal = z.string().regex(/^\d+(\.\d+)?$/, 'decimal string such as "12.50"');

const AddressInput = z.object({
  name: z.string().min(1),
  line1: z.string().min(1),
  line2: z.string().optional(),
  city: z.string().min(1),
  stateOrRegion: z.string().optional(),
  postalCode: z.string().min(1),
  countryCode: z.string().regex(/^[A-Z]{2}$/),
  phone: z.string().optional(),
});

export const CreateOrderInput = z.object({
  status: z.enum(['Pending', 'Unshipped']).default('Unshipped'),
  fulfillmentChannel: z.enum(['MFN', 'AFN']).default('MFN'),
  currency: z.string().regex(/^[A-Z]{3}$/).optional(),
  lines: z.array(z.object({ sku: z.string().min(1), quantity: z.number().int().positive(), unitPrice: Decimal, title: z.string().optional() })).min(1),
  shippingPrice: Decimal.default('0.00'),
  /** Tax on the shipping (US sales tax often covers it): ShippingTax of the item that carries the shipping. */
  shippingTax: Decimal.default('0.00'),
  address: AddressInput.optional(),
  /** Places the order this long ago (Amazon lists nothing from the last two minutes). */
  ageMs: z.number().int().nonnegative().default(0),
});
export type CreateOrderInput = z.input<typeof CreateOrderInput>;

export const FaultsInput = z
  .object({
    latencyMs: z.number().int().nonnegative(),
    serverErrors: z.number().int().nonnegative(),
    throttles: z.number().int().nonnegative(),
    dropNotifications: z.number().int().nonnegative(),
    duplicateNotifications: z.number().int().nonnegative(),
    listingApplyDelayMs: z.number().int().nonnegative(),
    feedProcessingMs: z.number().int().nonnegative(),
    shuffleQueue: z.boolean(),
  })
  .partial();
export type FaultsInput = z.infer<typeof FaultsInput>;

const ProductInput = z.object({ sku: z.string().min(1), price: Decimal, stock: z.number().int().nonnegative() });
const EditInput = z.object({ address: AddressInput.optional(), buyerRequestedCancel: z.object({ reason: z.string().min(1) }).optional() });
export const RefundInput = z.object({
  /** Refunded items (by orderItemId or SKU); default: every shipped unit not refunded yet. */
  items: z
    .array(
      z.object({
        orderItemId: z.string().optional(),
        sku: z.string().optional(),
        quantity: z.number().int().nonnegative(),
        /** Principal given back; default: the unit price times the quantity. */
        amount: Decimal.optional(),
        shipping: Decimal.optional(),
      }),
    )
    .min(1)
    .optional(),
});
export type RefundInput = z.input<typeof RefundInput>;
const ClockInput = z.object({ ms: z.number().int() });

function parse<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const result = schema.safeParse(body ?? {});
  if (!result.success) {
    throw Object.assign(new Error(result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')), { statusCode: 400 });
  }
  return result.data;
}

export function registerAdmin(app: FastifyInstance, store: AmazonStore): void {
  const order = (id: string): SimOrder => {
    const found = store.orders.get(id);
    if (!found) throw Object.assign(new Error(`no order ${id}`), { statusCode: 404 });
    return found;
  };

  app.post('/_admin/products', async (request) => {
    const listing = store.upsertListing(parse(ProductInput, request.body));
    return { sku: listing.sku, asin: listing.asin };
  });

  app.get('/_admin/products/:sku', async (request) => {
    store.runDue();
    const listing = store.listings.get((request.params as { sku: string }).sku);
    if (!listing) throw Object.assign(new Error('no such sku'), { statusCode: 404 });
    return { sku: listing.sku, stock: listing.stock, price: listing.price, currency: listing.currency };
  });

  app.post('/_admin/orders', async (request) => {
    const input = parse(CreateOrderInput, request.body);
    const created = store.createOrder({ ...input, currency: input.currency ?? store.currency });
    return { amazonOrderId: created.amazonOrderId };
  });

  app.get('/_admin/orders/:id', async (request) => {
    const o = order((request.params as { id: string }).id);
    return { amazonOrderId: o.amazonOrderId, status: o.status, fulfillmentChannel: o.fulfillmentChannel, shipments: o.shipments, refunds: o.refunds };
  });

  app.post('/_admin/orders/:id/pay', async (request) => {
    const o = order((request.params as { id: string }).id);
    if (!PENDING_STATUSES.includes(o.status)) throw Object.assign(new Error(`order is ${o.status}`), { statusCode: 409 });
    o.status = 'Unshipped';
    store.touch(o, 'OrderStatusChange', 'PaymentAuthorized');
    return { status: o.status };
  });

  app.post('/_admin/orders/:id/edit', async (request) => {
    const o = order((request.params as { id: string }).id);
    const input = parse(EditInput, request.body);
    if (input.address) o.address = input.address;
    if (input.buyerRequestedCancel) o.items.forEach((i) => (i.buyerRequestedCancel = input.buyerRequestedCancel!.reason));
    store.touch(o, 'BuyerRequestedChange', input.buyerRequestedCancel ? 'Buyer Requested Cancel' : 'Buyer Requested Address Change');
    return { status: o.status };
  });

  app.post('/_admin/orders/:id/cancel', async (request) => {
    const o = order((request.params as { id: string }).id);
    if (o.status === 'Shipped') throw Object.assign(new Error('order already shipped'), { statusCode: 409 });
    o.status = 'Canceled';
    store.touch(o, 'OrderStatusChange', 'OrderCanceled');
    return { status: o.status };
  });

  /** Amazon ships an FBA order by itself. */
  app.post('/_admin/orders/:id/ship-by-amazon', async (request) => {
    const o = order((request.params as { id: string }).id);
    if (o.fulfillmentChannel !== 'AFN') throw Object.assign(new Error('only FBA orders ship by Amazon'), { statusCode: 409 });
    o.items.forEach((i) => (i.quantityShipped = i.quantity));
    store.recomputeShipStatus(o);
    store.touch(o, 'OrderStatusChange', 'ShippedByAmazon');
    return { status: o.status };
  });

  /**
   * Amazon refunds the buyer (seller-initiated or after a return). Refunds live in the Finances API only: the
   * order itself does not change (no LastUpdateDate move, no ORDER_CHANGE). Amazon charges at shipment, so only
   * shipped units not refunded yet can be refunded.
   */
  app.post('/_admin/orders/:id/refund', async (request) => {
    const o = order((request.params as { id: string }).id);
    const input = parse(RefundInput, request.body);
    const scale = currencyScale(o.currency);
    const refundedUnits = (orderItemId: string) =>
      o.refunds.flatMap((r) => r.items).filter((i) => i.orderItemId === orderItemId).reduce((n, i) => n + i.quantity, 0);
    type Wanted = NonNullable<typeof input.items>[number];
    const wanted: Wanted[] =
      input.items ??
      o.items.map((i) => ({ orderItemId: i.orderItemId, quantity: i.quantityShipped - refundedUnits(i.orderItemId) })).filter((i) => i.quantity > 0);
    const items: SimRefundItem[] = wanted.map((w) => {
      const item = o.items.find((i) => (w.orderItemId ? i.orderItemId === w.orderItemId : i.sku === w.sku));
      if (!item) throw Object.assign(new Error(`no item ${w.orderItemId ?? w.sku} on order ${o.amazonOrderId}`), { statusCode: 404 });
      if (w.quantity > item.quantityShipped - refundedUnits(item.orderItemId)) {
        throw Object.assign(new Error(`only shipped units not refunded yet can be refunded (${item.orderItemId})`), { statusCode: 409 });
      }
      const principal = w.amount ? timesQuantity(w.amount, 1, scale) : timesQuantity(item.unitPrice, w.quantity, scale);
      return {
        orderItemId: item.orderItemId,
        sku: item.sku,
        adjustmentId: String(20_000_000_000_000 + store.next()),
        quantity: w.quantity,
        principal,
        tax: timesQuantity('0', 0, scale),
        shipping: timesQuantity(w.shipping ?? '0', 1, scale),
      };
    });
    if (items.length === 0) throw Object.assign(new Error('nothing to refund'), { statusCode: 409 });
    o.refunds.push({ postedAt: store.now(), items });
    return { adjustmentItemIds: items.map((i) => i.adjustmentId) };
  });

  /** Feeds with the document the seller uploaded, for checking what a connector sent. */
  app.get('/_admin/feeds', async () =>
    [...store.feeds.values()].map((f) => ({ feedId: f.feedId, status: f.status, input: store.documents.get(f.inputFeedDocumentId)?.content ?? null })),
  );

  app.post('/_admin/faults', async (request) => {
    Object.assign(store.faults, parse(FaultsInput, request.body));
    return store.faults;
  });

  app.post('/_admin/clock/advance', async (request) => {
    store.advanceClock(parse(ClockInput, request.body).ms);
    return { now: new Date(store.now()).toISOString() };
  });
}

/** Typed helpers over the admin HTTP API. */
export function adminClient(baseUrl: () => string) {
  async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${baseUrl()}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`admin ${method} ${path} -> ${response.status}: ${text}`);
    return JSON.parse(text) as T;
  }
  const id = (value: string): string => encodeURIComponent(value);
  return {
    addProduct: (input: { sku: string; price: string; stock: number }) => call<{ sku: string; asin: string }>('POST', '/_admin/products', input),
    readProduct: (sku: string) => call<{ sku: string; stock: number; price: string; currency: string }>('GET', `/_admin/products/${id(sku)}`),
    createOrder: async (input: CreateOrderInput) => (await call<{ amazonOrderId: string }>('POST', '/_admin/orders', input)).amazonOrderId,
    readOrder: (orderId: string) =>
      call<{ amazonOrderId: string; status: string; fulfillmentChannel: string; shipments: SimShipment[]; refunds: SimRefund[] }>(
        'GET',
        `/_admin/orders/${id(orderId)}`,
      ),
    markPaid: (orderId: string) => call<{ status: string }>('POST', `/_admin/orders/${id(orderId)}/pay`, {}),
    editOrder: (orderId: string, input: z.input<typeof EditInput>) => call<{ status: string }>('POST', `/_admin/orders/${id(orderId)}/edit`, input),
    cancelOrder: (orderId: string) => call<{ status: string }>('POST', `/_admin/orders/${id(orderId)}/cancel`, {}),
    shipByAmazon: (orderId: string) => call<{ status: string }>('POST', `/_admin/orders/${id(orderId)}/ship-by-amazon`, {}),
    refund: (orderId: string, input: RefundInput = {}) => call<{ adjustmentItemIds: string[] }>('POST', `/_admin/orders/${id(orderId)}/refund`, input),
    shipments: async (orderId: string) =>
      (await call<{ shipments: SimShipment[] }>('GET', `/_admin/orders/${id(orderId)}`)).shipments,
    feeds: () => call<{ feedId: string; status: string; input: string | null }[]>('GET', '/_admin/feeds'),
    setFaults: (input: FaultsInput) => call<Faults>('POST', '/_admin/faults', input),
    advanceClock: (ms: number) => call<{ now: string }>('POST', '/_admin/clock/advance', { ms }),
  };
}

export type AmazonAdmin = ReturnType<typeof adminClient>;

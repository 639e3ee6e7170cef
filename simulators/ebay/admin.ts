import { type FastifyInstance, type FastifyReply } from 'fastify';
import { z } from 'zod';
import { AMOUNT, fromCents, toCents } from './decimal';
import { type Notifier } from './notifier';
import { renderFulfillment } from './render';
import { digits, issueRefund, orderTotal, type EbayStore, type SimLine, type SimOrder } from './store';

// Operator/test controls under /_admin: what a buyer or eBay itself would do, plus fault switches.

const Amount = z.string().regex(AMOUNT, 'a two-decimal amount such as "12.50"');

export const CreateOrderInput = z.object({
  lines: z.array(z.object({ sku: z.string().min(1), quantity: z.number().int().positive(), unitPrice: Amount.optional() })).min(1),
  currency: z.string().regex(/^[A-Z]{3}$/).optional(),
  shippingCost: Amount.optional(),
  buyer: z
    .object({
      username: z.string().min(1).optional(),
      email: z.string().email().optional(),
      fullName: z.string().min(1).optional(),
    })
    .optional(),
  /** Back-dates the order (to exercise PII retention and date filters). */
  createdAt: z.string().datetime().optional(),
});
export type CreateOrderInput = z.input<typeof CreateOrderInput>;

export const EditOrderInput = z.object({
  lines: z.array(z.object({ lineItemId: z.string(), quantity: z.number().int().positive() })).optional(),
  buyerCheckoutNotes: z.string().optional(),
  shipTo: z.object({ fullName: z.string().min(1), addressLine1: z.string().min(1), city: z.string().min(1), postalCode: z.string().optional(), countryCode: z.string().length(2) }).optional(),
});
export type EditOrderInput = z.input<typeof EditOrderInput>;

/** An order-level amount (default: the rest of the order), or money per line item as issueRefund's refundItems. */
export const RefundInput = z.object({
  amount: Amount.optional(),
  lines: z.array(z.object({ lineItemId: z.string().min(1), amount: Amount })).min(1).optional(),
  reason: z.string().optional(),
});
export type RefundInput = z.input<typeof RefundInput>;
export const ProductInput = z.object({ price: Amount, stock: z.number().int().nonnegative(), currency: z.string().optional(), published: z.boolean().optional() });
export type ProductInput = z.input<typeof ProductInput>;

export const FaultInput = z.object({
  latencyMs: z.number().int().nonnegative().optional(),
  serverErrors: z.number().int().nonnegative().optional(),
  rateLimits: z.number().int().nonnegative().optional(),
  dropNotifications: z.number().int().nonnegative().optional(),
  prettyNotificationBody: z.boolean().optional(),
});
export type FaultInput = z.input<typeof FaultInput>;

export interface AdminState {
  store: EbayStore;
  notifier: Notifier;
  options: { prettyNotificationBody: boolean };
}

function invalid(reply: FastifyReply, error: z.ZodError): FastifyReply {
  return reply.code(400).send({ error: 'invalid admin input', issues: error.issues });
}

export function createOrder(state: AdminState, input: z.infer<typeof CreateOrderInput>): SimOrder | string {
  const { store } = state;
  const currency = input.currency ?? 'USD';
  const lines: SimLine[] = [];
  for (const l of input.lines) {
    const product = store.products.get(l.sku);
    if (!product) return `unknown sku ${l.sku}`;
    if (product.quantity < l.quantity) return `not enough stock for ${l.sku}`;
    lines.push({
      lineItemId: digits(11),
      legacyItemId: product.listingId,
      sku: l.sku,
      title: product.title,
      quantity: l.quantity,
      unitPrice: fromCents(toCents(l.unitPrice ?? product.price)),
      shippedQuantity: 0,
    });
  }
  // A sale takes the units off the listing, as on eBay.
  for (const l of lines) store.products.get(l.sku)!.quantity -= l.quantity;
  const created = input.createdAt ? new Date(input.createdAt).toISOString() : store.stamp();
  const orderId = store.newOrderId();
  const username = input.buyer?.username ?? `buyer_${digits(6)}`;
  const order: SimOrder = {
    orderId,
    legacyOrderId: `${lines[0]!.legacyItemId}-${digits(13)}`,
    salesRecordReference: digits(5),
    currency,
    creationDate: created,
    lastModifiedDate: input.createdAt ? created : store.stamp(),
    buyerUsername: username,
    shipTo: {
      fullName: input.buyer?.fullName ?? 'Jordan Buyer',
      addressLine1: '2145 Hamilton Ave',
      city: 'San Jose',
      stateOrProvince: 'CA',
      postalCode: '95125',
      countryCode: 'US',
      phone: '4085550100',
      email: input.buyer?.email ?? `${username}@members.ebay.com`,
    },
    shippingCost: input.shippingCost ?? '0.00',
    lines,
    paymentStatus: 'PAID',
    cancelState: 'NONE_REQUESTED',
    refunds: [],
    fulfillments: [],
  };
  store.orders.set(orderId, order);
  // One ORDER_CONFIRMATION per line item; the payload only points at the order.
  for (const line of lines) {
    state.notifier.publish({ topic: 'ORDER_CONFIRMATION', orderId, data: { orderId, lineItemId: line.lineItemId } });
  }
  return order;
}

export function registerAdmin(app: FastifyInstance, state: AdminState): void {
  const { store, notifier } = state;
  const notFound = (reply: FastifyReply, what: string) => reply.code(404).send({ error: `${what} not found` });

  app.post('/_admin/orders', async (req, reply) => {
    const parsed = CreateOrderInput.safeParse(req.body);
    if (!parsed.success) return invalid(reply, parsed.error);
    const result = createOrder(state, parsed.data);
    if (typeof result === 'string') return reply.code(409).send({ error: result });
    return reply.code(201).send({ orderId: result.orderId, lineItemIds: result.lines.map((l) => l.lineItemId) });
  });

  app.patch<{ Params: { id: string } }>('/_admin/orders/:id', async (req, reply) => {
    const order = store.orders.get(req.params.id);
    if (!order) return notFound(reply, 'order');
    const parsed = EditOrderInput.safeParse(req.body);
    if (!parsed.success) return invalid(reply, parsed.error);
    for (const edit of parsed.data.lines ?? []) {
      const line = order.lines.find((l) => l.lineItemId === edit.lineItemId);
      if (!line) return notFound(reply, `line ${edit.lineItemId}`);
      if (edit.quantity < line.shippedQuantity) return reply.code(409).send({ error: 'cannot go below the shipped quantity' });
      line.quantity = edit.quantity;
    }
    if (parsed.data.buyerCheckoutNotes !== undefined) order.buyerCheckoutNotes = parsed.data.buyerCheckoutNotes;
    if (parsed.data.shipTo) order.shipTo = { ...order.shipTo, ...parsed.data.shipTo };
    store.touch(order);
    return { orderId: order.orderId, lastModifiedDate: order.lastModifiedDate };
  });

  app.post<{ Params: { id: string } }>('/_admin/orders/:id/cancel', async (req, reply) => {
    const order = store.orders.get(req.params.id);
    if (!order) return notFound(reply, 'order');
    if (order.fulfillments.length > 0) return reply.code(409).send({ error: 'order already shipped' });
    if (order.cancelState !== 'CANCELED') {
      order.cancelState = 'CANCELED';
      order.cancelledDate = store.stamp();
      for (const l of order.lines) {
        const product = store.products.get(l.sku);
        if (product) product.quantity += l.quantity;
      }
      // eBay refunds the buyer in full when a sale is cancelled.
      order.refunds.push({ refundId: digits(10), amount: orderTotal(order), refundDate: order.cancelledDate });
      order.paymentStatus = 'FULLY_REFUNDED';
      store.touch(order);
    }
    return { orderId: order.orderId, cancelState: order.cancelState };
  });

  app.post<{ Params: { id: string } }>('/_admin/orders/:id/refund', async (req, reply) => {
    const order = store.orders.get(req.params.id);
    if (!order) return notFound(reply, 'order');
    const parsed = RefundInput.safeParse(req.body ?? {});
    if (!parsed.success) return invalid(reply, parsed.error);
    if (parsed.data.amount && parsed.data.lines) return reply.code(400).send({ error: 'give an order-level amount or lines, not both' });
    const refund = issueRefund(store, order, parsed.data);
    if ('errorId' in refund) return reply.code(409).send({ error: refund.message });
    // eBay publishes no notification for refunds: sellers see them by reading the order again.
    return { refundId: refund.refundId, orderPaymentStatus: order.paymentStatus };
  });

  app.get<{ Params: { id: string } }>('/_admin/orders/:id/fulfillments', async (req, reply) => {
    const order = store.orders.get(req.params.id);
    if (!order) return notFound(reply, 'order');
    return { fulfillments: order.fulfillments.map(renderFulfillment) };
  });

  app.get<{ Params: { sku: string } }>('/_admin/products/:sku', async (req, reply) => {
    const product = store.products.get(req.params.sku);
    if (!product) return notFound(reply, 'sku');
    return product;
  });

  app.put<{ Params: { sku: string } }>('/_admin/products/:sku', async (req, reply) => {
    const parsed = ProductInput.safeParse(req.body);
    if (!parsed.success) return invalid(reply, parsed.error);
    const product = store.upsertProduct({ sku: req.params.sku, ...parsed.data });
    if (parsed.data.published !== undefined) product.offerStatus = parsed.data.published ? 'PUBLISHED' : 'UNPUBLISHED';
    return product;
  });

  app.put('/_admin/faults', async (req, reply) => {
    const parsed = FaultInput.safeParse(req.body);
    if (!parsed.success) return invalid(reply, parsed.error);
    const { prettyNotificationBody, ...faults } = parsed.data;
    // Absent fields reset to "no fault", so a PUT states the whole fault picture.
    Object.assign(store.faults, { latencyMs: 0, serverErrors: 0, rateLimits: 0, dropNotifications: 0 }, faults);
    state.options.prettyNotificationBody = prettyNotificationBody ?? false;
    return { ...store.faults, prettyNotificationBody: state.options.prettyNotificationBody };
  });

  app.get<{ Querystring: { orderId?: string } }>('/_admin/notifications', async (req) => ({
    notifications: notifier.deliveries.filter((d) => !req.query.orderId || d.orderId === req.query.orderId),
  }));

  app.post('/_admin/keys/rotate', async () => ({ kid: notifier.rotateKey().kid }));

  app.post('/_admin/tokens/expire', async () => {
    store.tokens.clear();
    return { expired: true };
  });

  app.get('/_admin/quota', async () => ({
    dailyQuota: store.dailyQuota,
    tokensIssued: store.tokensIssued,
    remaining: Object.fromEntries(['sell.fulfillment', 'sell.inventory', 'commerce.notification'].map((api) => [api, store.quotaRemaining(api)])),
  }));
}

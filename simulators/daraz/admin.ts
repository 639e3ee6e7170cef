import { type FastifyInstance, type FastifyReply } from 'fastify';
import { z } from 'zod';
import { type RestContext } from './api';
import { assertLoopback, DarazSettings } from './options';
import { cents, fromCents, randomToken, type SimItem, type SimOrder, type SimReverseOrder } from './state';

// Admin API (/_admin): what buyers, the platform and the test operator do; never part of the vendor surface.

const Amount = z.string().regex(/^\d+(\.\d{1,2})?$/);

const OrderInput = z.object({
  lines: z.array(z.object({
    sku: z.string().min(1),
    quantity: z.number().int().positive(),
    unitPrice: Amount,
    /** Voucher per unit, taken off paid_price. */
    voucher: Amount.optional(),
    name: z.string().optional(),
    fbl: z.boolean().optional(),
  })).min(1),
  paymentMethod: z.string().default('COD'),
  shippingFee: Amount.default('0.00'),
  /** Epoch ms; defaults to now. */
  createdAt: z.number().int().optional(),
  customer: z.object({ firstName: z.string(), lastName: z.string() }).optional(),
});

const BulkInput = z.object({
  count: z.number().int().positive().max(20_000),
  sku: z.string().min(1),
  unitPrice: Amount,
  startAt: z.number().int(),
  stepMs: z.number().int().nonnegative(),
});

const StatusInput = z.object({ status: z.string().min(1), itemIds: z.array(z.string()).optional(), reason: z.string().optional() });
const FaultInput = z.object({
  rateLimit: z.number().int().nonnegative().optional(),
  serverError: z.number().int().nonnegative().optional(),
  latencyMs: z.number().int().nonnegative().optional(),
  dropPushes: z.number().int().nonnegative().optional(),
});
const ProductInput = z.object({ price: Amount.optional(), quantity: z.number().int().nonnegative().optional(), name: z.string().optional() });

const RefundInput = z.object({
  /** The units (order items) the buyer returns or is refunded for. */
  itemIds: z.array(z.string()).min(1),
  requestType: z.enum(['RETURN', 'ONLY_REFUND']).default('RETURN'),
  /** Where the reverse lines start; REFUND_SUCCESS means the buyer has the money back. */
  reverseStatus: z.string().default('REFUND_SUCCESS'),
  /** Refund per order item id; default its paid price. */
  amounts: z.record(z.string(), Amount).optional(),
  reason: z.string().default('Changed mind'),
});

/** Refunded return lines make their units `returned` on the order; the order changes and Daraz pushes. */
function settleReverse(ctx: RestContext, order: SimOrder, reverse: SimReverseOrder, now: number): void {
  const returned = reverse.requestType === 'RETURN' ? reverse.lines.filter((l) => l.reverseStatus === 'REFUND_SUCCESS').map((l) => l.orderItemId) : [];
  const items = order.items.filter((i) => returned.includes(i.orderItemId) && i.status !== 'returned');
  for (const item of items) {
    item.status = 'returned';
    item.updatedAt = now;
  }
  order.updatedAt = now;
  ctx.push.reverseLines(reverse, reverse.lines.filter((l) => l.modifiedAt === now));
}

function invalid(reply: FastifyReply, error: z.ZodError): FastifyReply {
  return reply.code(400).send({ error: 'invalid admin input', issues: error.issues });
}

export function createOrder(ctx: RestContext, input: z.infer<typeof OrderInput>, now: number): SimOrder {
  const at = Math.floor((input.createdAt ?? now) / 1000) * 1000;
  const orderId = ctx.state.nextId(400_000_000_000_000);
  const status = input.paymentMethod === 'COD' ? 'pending' : 'unpaid';
  const items: SimItem[] = [];
  for (const line of input.lines) {
    const voucher = line.voucher ?? '0.00';
    for (let unit = 0; unit < line.quantity; unit++) {
      items.push({
        orderItemId: ctx.state.nextId(500_000_000_000_000),
        sku: line.sku,
        name: line.name ?? ctx.state.products.get(line.sku)?.name ?? line.sku,
        itemPrice: fromCents(cents(line.unitPrice)),
        paidPrice: fromCents(cents(line.unitPrice) - cents(voucher)),
        voucher: fromCents(cents(voucher)),
        status,
        reason: '',
        packageId: '',
        trackingCode: '',
        shipmentProvider: '',
        isFbl: line.fbl ?? false,
        createdAt: at,
        updatedAt: at,
      });
    }
  }
  const order: SimOrder = {
    orderId,
    orderNumber: orderId,
    paymentMethod: input.paymentMethod,
    shippingFee: fromCents(cents(input.shippingFee)),
    customer: {
      firstName: input.customer?.firstName ?? 'Ayesha',
      lastName: input.customer?.lastName ?? 'Khan',
      phone: '92****567',
      address: 'House 12, Street 4',
      city: 'Lahore',
      postCode: '54000',
    },
    items,
    createdAt: at,
    updatedAt: at,
  };
  ctx.state.orders.set(orderId, order);
  return order;
}

export function registerAdmin(app: FastifyInstance, ctx: RestContext): void {
  app.post('/_admin/orders', async (req, reply) => {
    const input = OrderInput.safeParse(req.body);
    if (!input.success) return invalid(reply, input.error);
    const order = createOrder(ctx, input.data, Date.now());
    ctx.push.orderItems(order, order.items);
    return { order_id: order.orderId, order_item_ids: order.items.map((i) => i.orderItemId) };
  });

  // Many orders at once, spread in time, without pushes (for the paging ceiling).
  app.post('/_admin/orders/bulk', async (req, reply) => {
    const input = BulkInput.safeParse(req.body);
    if (!input.success) return invalid(reply, input.error);
    const ids: string[] = [];
    for (let n = 0; n < input.data.count; n++) {
      const order = createOrder(ctx, {
        lines: [{ sku: input.data.sku, quantity: 1, unitPrice: input.data.unitPrice }],
        paymentMethod: 'COD',
        shippingFee: '0.00',
        createdAt: input.data.startAt + n * input.data.stepMs,
      }, Date.now());
      ids.push(order.orderId);
    }
    return { order_ids: ids };
  });

  app.get('/_admin/orders/:id', async (req, reply) => {
    const order = ctx.state.orders.get((req.params as { id: string }).id);
    return order ?? reply.code(404).send({ error: 'no such order' });
  });

  // Platform-side moves: shipped, delivered, canceled by the buyer, returned, ...
  app.post('/_admin/orders/:id/status', async (req, reply) => {
    const order = ctx.state.orders.get((req.params as { id: string }).id);
    if (!order) return reply.code(404).send({ error: 'no such order' });
    const input = StatusInput.safeParse(req.body);
    if (!input.success) return invalid(reply, input.error);
    const items = order.items.filter((i) => !input.data.itemIds || input.data.itemIds.includes(i.orderItemId));
    const now = Date.now();
    for (const item of items) {
      item.status = input.data.status;
      item.updatedAt = now;
      if (input.data.reason) item.reason = input.data.reason;
    }
    order.updatedAt = now;
    ctx.push.orderItems(order, items);
    return { order_id: order.orderId, items: items.length };
  });

  // The buyer returns units (or is refunded without a return) and Daraz refunds them: a reverse order with one
  // line per unit, pushed as msg_type 10. Returned units read `returned` on the order once refunded.
  app.post('/_admin/orders/:id/refund', async (req, reply) => {
    const order = ctx.state.orders.get((req.params as { id: string }).id);
    if (!order) return reply.code(404).send({ error: 'no such order' });
    const input = RefundInput.safeParse(req.body ?? {});
    if (!input.success) return invalid(reply, input.error);
    const taken = new Set([...ctx.state.reverseOrders.values()].filter((r) => r.requestType !== 'CANCEL').flatMap((r) => r.lines.map((l) => l.orderItemId)));
    const items = order.items.filter((i) => input.data.itemIds.includes(i.orderItemId));
    if (items.length !== input.data.itemIds.length) return reply.code(404).send({ error: 'unknown order item' });
    const refusal = items.find((i) => i.status === 'canceled' || taken.has(i.orderItemId));
    if (refusal) return reply.code(409).send({ error: `item ${refusal.orderItemId} is cancelled or already in a return` });
    const now = Date.now();
    const reverse: SimReverseOrder = {
      reverseOrderId: ctx.state.nextId(600_000_000_000_000),
      orderId: order.orderId,
      requestType: input.data.requestType,
      lines: items.map((i) => ({
        reverseOrderLineId: ctx.state.nextId(700_000_000_000_000),
        orderItemId: i.orderItemId,
        sku: i.sku,
        reverseStatus: input.data.reverseStatus,
        ofcStatus: input.data.requestType === 'RETURN' ? 'RETURN_RECEIVED' : 'NONE',
        refundAmount: fromCents(cents(input.data.amounts?.[i.orderItemId] ?? i.paidPrice)),
        itemUnitPrice: i.itemPrice,
        reasonText: input.data.reason,
        createdAt: now,
        modifiedAt: now,
      })),
    };
    ctx.state.reverseOrders.set(reverse.reverseOrderId, reverse);
    settleReverse(ctx, order, reverse, now);
    return { reverse_order_id: reverse.reverseOrderId, reverse_order_line_ids: reverse.lines.map((l) => l.reverseOrderLineId) };
  });

  // Moves reverse lines on (e.g. REQUEST_INITIATE -> REFUND_SUCCESS).
  app.post('/_admin/reverse-orders/:id/status', async (req, reply) => {
    const reverse = ctx.state.reverseOrders.get((req.params as { id: string }).id);
    const order = reverse ? ctx.state.orders.get(reverse.orderId) : undefined;
    if (!reverse || !order) return reply.code(404).send({ error: 'no such reverse order' });
    const input = z.object({ reverseStatus: z.string().min(1), lineIds: z.array(z.string()).optional() }).safeParse(req.body);
    if (!input.success) return invalid(reply, input.error);
    const now = Date.now();
    for (const line of reverse.lines) {
      if (input.data.lineIds && !input.data.lineIds.includes(line.reverseOrderLineId)) continue;
      line.reverseStatus = input.data.reverseStatus;
      line.modifiedAt = now;
    }
    settleReverse(ctx, order, reverse, now);
    return { ok: true };
  });

  app.get('/_admin/packages', async (req) => {
    const orderId = (req.query as { order_id?: string }).order_id;
    return [...ctx.state.packages.values()].filter((p) => !orderId || p.orderId === orderId);
  });

  app.get('/_admin/products/:sku', async (req, reply) => {
    const product = ctx.state.products.get((req.params as { sku: string }).sku);
    return product ?? reply.code(404).send({ error: 'no such product' });
  });

  app.put('/_admin/products/:sku', async (req, reply) => {
    const sku = (req.params as { sku: string }).sku;
    const input = ProductInput.safeParse(req.body);
    if (!input.success) return invalid(reply, input.error);
    const product = ctx.state.products.get(sku) ?? { sellerSku: sku, name: sku, price: '0.00', quantity: 0 };
    if (input.data.price) product.price = fromCents(cents(input.data.price));
    if (input.data.quantity !== undefined) product.quantity = input.data.quantity;
    if (input.data.name) product.name = input.data.name;
    ctx.state.products.set(sku, product);
    return product;
  });

  app.post('/_admin/faults', async (req, reply) => {
    const input = FaultInput.safeParse(req.body ?? {});
    if (!input.success) return invalid(reply, input.error);
    Object.assign(ctx.state.faults, input.data);
    return ctx.state.faults;
  });

  app.post('/_admin/settings', async (req, reply) => {
    const input = DarazSettings.partial().safeParse(req.body ?? {});
    if (!input.success) return invalid(reply, input.error);
    if (input.data.pushUrl !== undefined) assertLoopback(input.data.pushUrl);
    Object.assign(ctx.settings, input.data);
    return ctx.settings;
  });

  // The seller approves the app in the browser: the platform hands out a one-time code.
  app.post('/_admin/auth/codes', async () => {
    const code = `0_${ctx.appKey}_${randomToken('')}`;
    ctx.state.authCodes.set(code, Date.now());
    return { code };
  });

  app.post('/_admin/tokens/expire', async (req, reply) => {
    const input = z.object({ access_token: z.string() }).safeParse(req.body);
    if (!input.success) return invalid(reply, input.error);
    const token = ctx.state.tokens.get(input.data.access_token);
    if (!token) return reply.code(404).send({ error: 'no such token' });
    token.accessExpiresAt = Date.now() - 1;
    return { ok: true };
  });

  app.get('/_admin/pushes', async (req) => {
    const orderId = (req.query as { order_id?: string }).order_id;
    return ctx.push.log.filter((p) => !orderId || p.orderId === orderId);
  });
}

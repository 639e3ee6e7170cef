import { type FastifyInstance, type FastifyReply } from 'fastify';
import { z } from 'zod';
import { type NoonContext } from './api';
import { assertLoopbackUrl, NoonSettings } from './options';
import { type NoonItem } from './state';

// Admin API (/_admin): buyers place orders, noon cancels them, the operator reads state and sets faults.

const OrderInput = z.object({
  lines: z.array(z.object({ sku: z.string().min(1), quantity: z.number().int().positive(), unitPrice: z.string().regex(/^\d+(\.\d+)?$/) })).min(1),
  country: z.enum(['AE', 'SA', 'EG']).default('AE'),
  warehouseCode: z.string().optional(),
  mpCode: z.enum(['noon', 'namshi']).default('noon'),
  createdAt: z.number().int().optional(),
});
const FaultInput = z.object({
  rateLimit: z.number().int().nonnegative().optional(),
  serverError: z.number().int().nonnegative().optional(),
  latencyMs: z.number().int().nonnegative().optional(),
  dropWebhooks: z.number().int().nonnegative().optional(),
});
const CancelInput = z.object({ itemNrs: z.array(z.string()).optional(), reason: z.string().default('CUSTOMER_CANCELLED') });
const RefundInput = z.object({
  itemNrs: z.array(z.string()).min(1),
  /** Per unit (mp_item_nr), major units; default the unit's invoice price. */
  amounts: z.record(z.string(), z.number().nonnegative()).optional(),
  reason: z.string().default('CUSTOMER_RETURN'),
});
const WebhookInput = z.object({ url: z.string().url(), credentials: z.record(z.string(), z.string()), eventTypes: z.array(z.string()).optional() });

function invalid(reply: FastifyReply, error: z.ZodError): FastifyReply {
  return reply.code(400).send({ error: 'invalid admin input', issues: error.issues });
}

export function registerAdmin(app: FastifyInstance, ctx: NoonContext): void {
  const { state } = ctx;

  app.post('/_admin/orders', async (req, reply) => {
    const input = OrderInput.safeParse(req.body);
    if (!input.success) return invalid(reply, input.error);
    const n = state.next();
    const fbpiOrderNr = `NFBO${String(100_000_000 + n)}`;
    const items: NoonItem[] = input.data.lines.flatMap((line) =>
      Array.from({ length: line.quantity }, () => ({
        mpItemNr: `${fbpiOrderNr}-${state.next()}`,
        partnerSku: line.sku,
        mpStatus: 'MP_ITEM_STATUS_CONFIRMED' as const,
        integrationStatus: 'INTEGRATION_ITEM_STATUS_UNSPECIFIED' as const,
        // noon sends invoice prices as JSON doubles.
        price: Number(line.unitPrice),
        cancellationReasonCode: null,
      })),
    );
    state.orders.set(fbpiOrderNr, {
      fbpiOrderNr,
      mpCode: input.data.mpCode,
      mpOrderNr: `N${String(20_000_000_000 + n)}A`,
      country: input.data.country,
      warehouseCode: input.data.warehouseCode ?? ctx.warehouses[0]!,
      createdAt: input.data.createdAt ?? Date.now(),
      items,
      customer: { firstName: 'Fatima', lastName: 'Al Mansoori', city: 'Dubai', division: 'Dubai' },
    });
    ctx.notifier.publish(fbpiOrderNr, 'FBPI::ORDER_CREATED');
    return { fbpi_order_nr: fbpiOrderNr, mp_item_nrs: items.map((i) => i.mpItemNr) };
  });

  app.get('/_admin/orders/:nr', async (req, reply) => {
    const order = state.orders.get((req.params as { nr: string }).nr);
    return order ?? reply.code(404).send({ error: 'no such order' });
  });

  // The customer or noon cancels items.
  app.post('/_admin/orders/:nr/cancel', async (req, reply) => {
    const order = state.orders.get((req.params as { nr: string }).nr);
    if (!order) return reply.code(404).send({ error: 'no such order' });
    const input = CancelInput.safeParse(req.body ?? {});
    if (!input.success) return invalid(reply, input.error);
    for (const item of order.items) {
      if (input.data.itemNrs && !input.data.itemNrs.includes(item.mpItemNr)) continue;
      item.mpStatus = 'MP_ITEM_STATUS_CANCELLED';
      item.cancellationReasonCode = input.data.reason;
    }
    ctx.notifier.publish(order.fbpiOrderNr, ctx.settings.updateEventType);
    return { ok: true };
  });

  // noon refunds shipped units to the customer (a return or an RTO) and says so on the order.
  app.post('/_admin/orders/:nr/refund', async (req, reply) => {
    const order = state.orders.get((req.params as { nr: string }).nr);
    if (!order) return reply.code(404).send({ error: 'no such order' });
    const input = RefundInput.safeParse(req.body ?? {});
    if (!input.success) return invalid(reply, input.error);
    const items = order.items.filter((i) => input.data.itemNrs.includes(i.mpItemNr));
    if (items.length !== input.data.itemNrs.length) return reply.code(404).send({ error: 'unknown item' });
    const refusal = items.find((i) => i.integrationStatus !== 'INTEGRATION_ITEM_STATUS_SHIPPED' || i.refund);
    if (refusal) return reply.code(409).send({ error: `item ${refusal.mpItemNr} is not shipped or already refunded` });
    const refundNr = `NRF${String(300_000_000 + state.next())}`;
    const refundedAt = Math.floor(Date.now() / 1000) * 1000;
    for (const item of items) {
      item.refund = { refundNr, amount: input.data.amounts?.[item.mpItemNr] ?? item.price, refundedAt, reason: input.data.reason };
    }
    ctx.notifier.publish(order.fbpiOrderNr, ctx.settings.updateEventType);
    return { refund_nr: refundNr };
  });

  app.get('/_admin/shipments', async (req) => {
    const nr = (req.query as { order_nr?: string }).order_nr;
    return [...state.shipments.values()].filter((s) => !nr || s.fbpiOrderNr === nr);
  });

  app.get('/_admin/products/:sku', async (req, reply) => {
    const product = state.products.get((req.params as { sku: string }).sku);
    if (!product) return reply.code(404).send({ error: 'no such product' });
    return { partnerSku: product.partnerSku, stock: Object.fromEntries(product.stock), prices: Object.fromEntries(product.prices) };
  });

  app.put('/_admin/products/:sku', async (req, reply) => {
    const input = z.object({ qty: z.number().int().nonnegative().default(0) }).safeParse(req.body ?? {});
    if (!input.success) return invalid(reply, input.error);
    state.product((req.params as { sku: string }).sku).stock.set(ctx.warehouses[0]!, input.data.qty);
    return { ok: true };
  });

  app.post('/_admin/faults', async (req, reply) => {
    const input = FaultInput.safeParse(req.body ?? {});
    if (!input.success) return invalid(reply, input.error);
    Object.assign(state.faults, input.data);
    return state.faults;
  });

  app.post('/_admin/settings', async (req, reply) => {
    const input = NoonSettings.partial().safeParse(req.body ?? {});
    if (!input.success) return invalid(reply, input.error);
    Object.assign(ctx.settings, input.data);
    return ctx.settings;
  });

  app.post('/_admin/webhooks', async (req, reply) => {
    const input = WebhookInput.safeParse(req.body);
    if (!input.success) return invalid(reply, input.error);
    if (ctx.notifier.destinations.length >= 5) return reply.code(409).send({ error: 'at most 5 destinations per project' });
    assertLoopbackUrl(input.data.url);
    ctx.notifier.destinations.push(input.data);
    return { ok: true };
  });

  app.get('/_admin/deliveries', async (req) => {
    const nr = (req.query as { order_nr?: string }).order_nr;
    return ctx.notifier.log.filter((d) => !nr || d.orderNr === nr);
  });

  app.post('/_admin/sessions/expire', async () => {
    for (const session of state.sessions.values()) session.expiresAt = Date.now() - 1;
    return { expired: state.sessions.size };
  });

  app.get('/_admin/sessions', async () => ({ count: state.sessions.size }));
}

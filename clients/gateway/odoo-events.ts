import { createHash } from 'node:crypto';
import { type Client, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import { type FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { HANDOFF_CONCURRENCY, signalInventory } from '../../activities/inventory-activities';
import { header, safeEqual } from '../../activities/marketplaces/signatures';
import { fromOdooDatetime } from '../../activities/odoo/wire';
import { INVENTORY_TASK_QUEUE, odooStockFanOutWorkflowId, orderWorkflowId, parseOdooClientOrderRef } from '../../domain';
import { type OdooStockChange, odooPricesChangedSignal, odooStockSignal, type PricesChanged } from '../../workflows/inventory-messages';
import { odooChangedSignal } from '../../workflows/messages';

// POST /webhooks/odoo/:connection — Odoo's notifications (an automation rule "Send Webhook Notification" plus
// a shared secret header). Thin like the channel webhooks: authenticate, parse, hand on, answer 2xx once
// Temporal holds it. Stock changes go to each SKU's InventoryWorkflow with signal-with-start (a large
// notification: one fan-out workflow); a validated delivery or a cancelled sale order signals the order's
// workflow (found by the sale order's client_order_ref) to look at Odoo now instead of at its next poll.

export const ODOO_TOKEN_HEADER = 'x-channelsync-odoo-token';

export interface OdooEventsOptions {
  client: Client;
  /** Connection name (the URL segment) -> shared secret. */
  secrets: Readonly<Record<string, string>>;
  taskQueue?: string;
  /** Stock sync runs (allocation rules): stock changes are handed on; otherwise they are acknowledged only. */
  stockSync?: boolean;
}

/** A webhook's sender gets its answer within this (Odoo's webhook action, like the channels', waits only briefly). */
export const HAND_OFF_DEADLINE_MS = 3_000;

const OdooText = z.union([z.string(), z.literal(false)]);
const OdooDatetime = z.string().regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);

const StockRecord = z.object({
  id: z.number().int(),
  default_code: OdooText,
  free_qty: z.number(),
  write_date: OdooDatetime,
  warehouse: z.string().min(1),
});

const OdooNotification = z.discriminatedUnion('event', [
  z.object({ event: z.literal('stock.changed'), database: z.string(), model: z.literal('product.product'), records: z.array(StockRecord) }),
  z.object({
    event: z.literal('delivery.done'),
    database: z.string(),
    model: z.literal('stock.picking'),
    record: z.object({ id: z.number().int(), name: z.string(), state: z.string(), client_order_ref: OdooText }).loose(),
  }),
  z.object({
    event: z.literal('price.changed'),
    database: z.string(),
    model: z.literal('product.product'),
    records: z.array(z.object({ id: z.number().int(), default_code: OdooText, write_date: OdooDatetime })),
  }),
  z.object({
    event: z.literal('sale.cancelled'),
    database: z.string(),
    model: z.literal('sale.order'),
    record: z.object({ id: z.number().int(), name: z.string(), state: z.string(), client_order_ref: OdooText }).loose(),
  }),
]);
export type OdooNotification = z.infer<typeof OdooNotification>;

/** One stock change per SKU: free quantity per warehouse, observed at the newest write_date among its rows. */
export function stockChanges(notification: OdooNotification): OdooStockChange[] {
  if (notification.event !== 'stock.changed') return [];
  const bySku = new Map<string, OdooStockChange>();
  for (const r of notification.records) {
    if (r.default_code === false) continue;
    const at = fromOdooDatetime(r.write_date);
    const change = bySku.get(r.default_code) ?? { sku: r.default_code, free: {}, observedAt: at, source: 'notification' as const };
    change.free[r.warehouse] = r.free_qty;
    if (at > change.observedAt) change.observedAt = at;
    bySku.set(r.default_code, change);
  }
  return [...bySku.values()];
}

/** One price prompt per SKU: the SKU's workflow reads its prices (list price and pricelists) again. */
export function priceChanges(notification: OdooNotification): PricesChanged[] {
  if (notification.event !== 'price.changed') return [];
  const bySku = new Map<string, PricesChanged>();
  for (const r of notification.records) {
    if (r.default_code === false) continue;
    const at = fromOdooDatetime(r.write_date);
    if (at > (bySku.get(r.default_code)?.observedAt ?? '')) bySku.set(r.default_code, { sku: r.default_code, observedAt: at });
  }
  return [...bySku.values()];
}

export const odooEventsPlugin: FastifyPluginAsync<OdooEventsOptions> = async (app, options) => {
  const taskQueue = options.taskQueue ?? INVENTORY_TASK_QUEUE;
  app.post<{ Params: { connection: string } }>('/webhooks/odoo/:connection', async (request, reply) => {
    const secret = options.secrets[request.params.connection];
    const token = header(request.headers, ODOO_TOKEN_HEADER);
    // Unknown connection and wrong token answer alike, after the same comparison.
    if (!safeEqual(token ?? '', secret ?? '') || secret === undefined || token === undefined) {
      return reply.code(401).send({ error: 'invalid token' });
    }
    let raw: unknown;
    try {
      raw = Buffer.isBuffer(request.body) ? JSON.parse(request.body.toString('utf8')) : typeof request.body === 'string' ? JSON.parse(request.body) : request.body;
    } catch {
      return reply.code(400).send({ error: 'body is not JSON' });
    }
    const parsed = OdooNotification.safeParse(raw);
    if (!parsed.success) return reply.code(400).send({ error: 'unexpected notification', issues: parsed.error.issues });
    const notification = parsed.data;
    if (notification.event === 'delivery.done' || notification.event === 'sale.cancelled') {
      const ref = notification.record.client_order_ref;
      const key = ref === false ? undefined : parseOdooClientOrderRef(ref);
      // A sale order entered by hand or by another connector: nothing of ours to tell.
      if (!key) return reply.code(200).send({ accepted: 0, ignored: `${notification.record.name} is not a channelsync order` });
      const workflowId = orderWorkflowId(key);
      try {
        await options.client.withDeadline(Date.now() + HAND_OFF_DEADLINE_MS, () =>
          options.client.workflow.getHandle(workflowId).signal(odooChangedSignal, { reason: `${notification.event} ${notification.record.name}` }),
        );
      } catch (err) {
        // Closed (or never started): its next run, the poll and reconciliation find Odoo's state anyway.
        if (err instanceof WorkflowNotFoundError) return reply.code(200).send({ accepted: 0, workflowId, running: false });
        request.log.error({ err, workflowId }, 'Temporal did not accept the Odoo order notification');
        return reply.code(503).header('retry-after', '30').send({ error: 'temporarily unavailable' });
      }
      return reply.code(200).send({ accepted: 1, workflowId, running: true });
    }
    if (options.stockSync === false) return reply.code(200).send({ accepted: 0, ignored: 'stock sync is off' });
    const changes = stockChanges(notification);
    const prices = priceChanges(notification);
    try {
      if (changes.length + prices.length <= HANDOFF_CONCURRENCY) {
        const deps = { client: options.client, taskQueue };
        await Promise.all([
          ...changes.map((change) => signalInventory(deps, { sku: change.sku, signal: odooStockSignal, arg: change })),
          ...prices.map((p) => signalInventory(deps, { sku: p.sku, signal: odooPricesChangedSignal, arg: p })),
        ]);
      } else {
        // A stock count can touch thousands of SKUs at once: one durable start holds them all, and Odoo gets
        // its answer (its webhook waits only briefly) while a workflow hands them to the SKU workflows.
        const digest = createHash('sha256').update(JSON.stringify([changes, prices])).digest('hex').slice(0, 32);
        const args = [prices.length > 0 ? { changes, prices } : { changes }];
        await options.client.workflow
          .start('odooStockFanOutWorkflow', { workflowId: odooStockFanOutWorkflowId(request.params.connection, digest), taskQueue, args })
          .catch((err: unknown) => {
            // The same notification again: it is already being handed on.
            if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
          });
      }
    } catch (err) {
      request.log.error({ err, connection: request.params.connection }, 'Temporal did not accept the Odoo stock change');
      return reply.code(503).header('retry-after', '30').send({ error: 'temporarily unavailable' });
    }
    return reply.code(200).send({ accepted: changes.length + prices.length });
  });
};

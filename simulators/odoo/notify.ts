import { type Env, type Notification, readRecords } from './orm';

// Odoo -> channelsync pushes, shaped like what an Odoo 17+ automation rule ("Send Webhook Notification")
// would POST: one JSON object per event. Built after commit from the ids the call touched.

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

export function assertLoopback(url: string): void {
  const host = new URL(url).hostname;
  if (!LOOPBACK.has(host)) throw new Error(`notifyUrl must be a loopback URL, got ${host}`);
}

export interface SentNotification {
  body: Record<string, unknown>;
  status: number | 'failed';
}

/**
 * When a product's stock last changed: the newest write_date of its quants and moves. Odoo does not write the
 * product itself when stock moves, so a stock notification has to carry the stock records' time, not the product's.
 */
function stockWrittenAt(env: Env, productId: number, productWritten: unknown): unknown {
  const stamps = [...env.store.all('stock.quant'), ...env.store.all('stock.move')]
    .filter((r) => r.product_id === productId && typeof r.write_date === 'string')
    .map((r) => r.write_date as string);
  return stamps.length > 0 ? stamps.reduce((a, b) => (b > a ? b : a)) : productWritten;
}

/** Turns the queued intents of one committed call into payloads (deduplicated per product / picking). */
export function buildPayloads(env: Env, intents: Notification[], database: string): Record<string, unknown>[] {
  const payloads: Record<string, unknown>[] = [];
  const productIds = [...new Set(intents.filter((n) => n.event === 'stock.changed').flatMap((n) => n.product_ids as number[]))];
  if (productIds.length > 0) {
    const warehouses = env.store.all('stock.warehouse');
    const products = productIds.filter((id) => env.store.get('product.product', id)).flatMap((id) =>
      warehouses.map((wh) => {
        env.context = { warehouse: wh.id };
        const [row] = readRecords(env, 'product.product', [id], ['default_code', 'barcode', 'qty_available', 'free_qty', 'write_date']);
        return { ...row, write_date: stockWrittenAt(env, id, row?.write_date), warehouse: wh.code };
      }),
    );
    env.context = {};
    payloads.push({ event: 'stock.changed', database, model: 'product.product', records: products });
  }
  const priced = [...new Set(intents.filter((n) => n.event === 'price.changed').flatMap((n) => n.product_ids as number[]))].filter((id) => env.store.get('product.product', id));
  if (priced.length > 0) {
    payloads.push({ event: 'price.changed', database, model: 'product.product', records: readRecords(env, 'product.product', priced, ['default_code', 'write_date']) });
  }
  for (const intent of intents.filter((n) => n.event === 'delivery.done')) {
    const pickingId = intent.picking_id as number;
    const [picking] = readRecords(env, 'stock.picking', [pickingId], ['name', 'origin', 'sale_id', 'state', 'carrier_id', 'carrier_tracking_ref', 'date_done', 'write_date']);
    const order = env.store.get('sale.order', env.store.get('stock.picking', pickingId)?.sale_id as number);
    const moves = env.store.all('stock.move').filter((m) => m.picking_id === pickingId && m.state === 'done');
    const lines = moves.map((m) => ({
      product_id: m.product_id,
      default_code: env.store.get('product.product', m.product_id as number)?.default_code ?? false,
      quantity: m.product_uom_qty,
    }));
    payloads.push({ event: 'delivery.done', database, model: 'stock.picking', record: { ...picking, client_order_ref: order?.client_order_ref ?? false, lines } });
  }
  // A sale order cancelled in Odoo (by a person or a call): the order side mirrors it on the channel.
  for (const orderId of new Set(intents.filter((n) => n.event === 'sale.cancelled').map((n) => n.sale_order_id as number))) {
    if (!env.store.get('sale.order', orderId)) continue;
    const [order] = readRecords(env, 'sale.order', [orderId], ['name', 'state', 'client_order_ref', 'origin', 'write_date']);
    payloads.push({ event: 'sale.cancelled', database, model: 'sale.order', record: order });
  }
  return payloads;
}

/** `headers`: what the webhook action is configured to add (the shared-secret header channelsync expects). */
export async function post(url: string, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<SentNotification> {
  try {
    const res = await fetch(url, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(5000) });
    await res.arrayBuffer();
    return { body, status: res.status };
  } catch {
    return { body, status: 'failed' };
  }
}

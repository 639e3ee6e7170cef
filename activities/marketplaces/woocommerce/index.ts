import { money } from '../../../domain';
import { ChannelError } from '../errors';
import {
  type ChannelAdapter,
  type ChannelCapabilities,
  type ConfirmShipmentInput,
  type ItemResult,
  type PushResult,
  type StockReadResult,
  type StockReading,
} from '../types';
import { createWooClient, WOO_BATCH_MAX, WOO_PAGE_MAX, type WooBatchUpdate, type WooClient } from './client';
import { formatShipmentNote, isoToGmt, parseShipmentNote, toCanonicalOrder } from './mapping';
import { type WooNote, type WooOrder } from './schemas';
import { parseWooWebhook, verifyWooWebhook } from './webhook';

export { MISSING_SKU_PREFIX, parseShipmentNote, formatShipmentNote, type ShipmentNote } from './mapping';
export { isWooPing } from './webhook';

export interface WooCommerceAdapterConfig {
  account: string;
  /** Store home URL, e.g. https://shop.example.com (the REST base /wp-json/wc/v3 is added). */
  siteUrl: string;
  consumerKey: string;
  consumerSecret: string;
  webhookSecret: string;
  timeoutMs?: number;
}

export const WOOCOMMERCE_CAPABILITIES: ChannelCapabilities = {
  orderIntake: 'webhook',
  stockBatchSize: WOO_BATCH_MAX,
  priceBatchSize: WOO_BATCH_MAX,
  // GET /products?sku=a,b,… answers up to 100 products and variations in one call.
  stockReadBatchSize: WOO_PAGE_MAX,
  // Recorded as customer notes with line quantities; WooCommerce itself has no shipment object.
  partialShipment: true,
  cancelFromSeller: true,
  acknowledgesOrders: false,
  // Core WooCommerce has no rate limit; these keep a shared host or its WAF calm.
  rateClasses: { orders: { perSecond: 5 }, fulfilment: { perSecond: 5 }, catalog: { perSecond: 2 } },
  limitations: [
    'No native shipment or partial fulfilment: each package is a customer order note (carrier, tracking, line quantities); the order becomes "completed" once every unit has shipped.',
    'No rate-limit headers: throttling comes from the host or WAF (429/503), so backoff is generic.',
    'Webhooks are never retried and are disabled after more than 5 consecutive failures; reconciliation polling on modified_after is required.',
    'Webhook deliveries coalesce: intermediate statuses can be skipped and only the latest state arrives.',
    'Single lines cannot be cancelled; only the whole order.',
    'Stock pushes are absolute (no compare-and-set) and race with sales on the store; prices set regular_price only (an active sale_price still wins).',
    'Refund webhooks list refunds without their lines.',
  ],
};

function parsePageCursor(cursor: string | undefined): number {
  if (cursor === undefined) return 1;
  const m = /^page:(\d+)$/.exec(cursor);
  if (!m) throw new ChannelError(`not a WooCommerce page cursor: ${cursor}`, 'rejected');
  return Number(m[1]);
}

interface SkuTarget {
  id: number;
  parentId?: number;
}

/** Looks SKUs up (cached per adapter) and writes them through the batch endpoints, 100 per call. */
function createCatalogPusher(client: WooClient) {
  const known = new Map<string, SkuTarget | 'variable'>();

  async function resolve(skus: string[]): Promise<number> {
    const groups = skuGroups(skus.filter((s) => !known.has(s)));
    for (const group of groups) {
      for (const product of await client.findProductsBySku({ skus: group })) {
        if (!group.includes(product.sku)) continue;
        if (product.type === 'variable') known.set(product.sku, 'variable');
        else known.set(product.sku, product.type === 'variation' ? { id: product.id, parentId: product.parent_id } : { id: product.id });
      }
    }
    return groups.length;
  }

  return async function push<T extends { sku: string }>(items: T[], toUpdate: (item: T) => Omit<WooBatchUpdate, 'id'>): Promise<PushResult> {
    let calls = await resolve(items.map((i) => i.sku));
    // Newest value per SKU wins; every input item still gets a result.
    const latest = new Map<string, T>();
    for (const item of items) latest.set(item.sku, item);
    const outcome = new Map<string, ItemResult>();
    const byParent = new Map<number, { sku: string; update: WooBatchUpdate }[]>();
    for (const [sku, item] of latest) {
      const target = known.get(sku);
      if (target === undefined) outcome.set(sku, { sku, ok: false, error: 'no product or variation has this SKU' });
      else if (target === 'variable') outcome.set(sku, { sku, ok: false, error: 'variable product: push its variations instead' });
      else {
        const group = byParent.get(target.parentId ?? 0) ?? [];
        group.push({ sku, update: { id: target.id, ...toUpdate(item) } });
        byParent.set(target.parentId ?? 0, group);
      }
    }
    for (const [parentId, entries] of byParent) {
      for (let i = 0; i < entries.length; i += WOO_BATCH_MAX) {
        const chunk = entries.slice(i, i + WOO_BATCH_MAX);
        const response = await client.batchUpdate({ parentId: parentId || undefined, updates: chunk.map((e) => e.update) });
        calls++;
        for (const entry of chunk) {
          const answer = response.update.find((u) => u.id === entry.update.id);
          if (answer && !answer.error) outcome.set(entry.sku, { sku: entry.sku, ok: true });
          else {
            known.delete(entry.sku);
            outcome.set(entry.sku, { sku: entry.sku, ok: false, error: answer?.error ? `${answer.error.code}: ${answer.error.message}` : 'missing from batch response' });
          }
        }
      }
    }
    return { results: items.map((i) => outcome.get(i.sku) ?? { sku: i.sku, ok: false, error: 'not pushed' }), calls };
  };
}

/** SKUs with commas cannot go in the comma-separated filter: they are looked up alone. */
function skuGroups(skus: string[]): string[][] {
  const unique = [...new Set(skus)];
  const groups: string[][] = unique.filter((s) => s.includes(',')).map((s) => [s]);
  const plain = unique.filter((s) => !s.includes(','));
  for (let i = 0; i < plain.length; i += WOO_PAGE_MAX) groups.push(plain.slice(i, i + WOO_PAGE_MAX));
  return groups;
}

/** Stock as the store shows it; a product whose stock WooCommerce does not manage (or a variation using its parent's) is untracked. */
async function readWooStock(client: WooClient, skus: string[]): Promise<StockReadResult> {
  const found = new Map<string, StockReading>();
  const groups = skuGroups(skus);
  for (const group of groups) {
    for (const product of await client.findProductsBySku({ skus: group })) {
      if (!group.includes(product.sku)) continue;
      // A variable product's stock is its variations' (pushStock refuses it too).
      if (product.type === 'variable') continue;
      found.set(product.sku, product.manage_stock === true ? { sku: product.sku, quantity: product.stock_quantity ?? 0 } : { sku: product.sku, quantity: null, untracked: true });
    }
  }
  return { results: skus.map((sku) => found.get(sku) ?? { sku, quantity: null }), calls: groups.length };
}

function shippedSoFar(notes: WooNote[]): { shipmentIds: Map<string, string>; quantities: Map<string, number> } {
  const shipmentIds = new Map<string, string>();
  const quantities = new Map<string, number>();
  for (const note of notes) {
    const parsed = parseShipmentNote(note.note);
    if (!parsed) continue;
    shipmentIds.set(parsed.shipmentId, String(note.id));
    for (const line of parsed.lines) quantities.set(line.lineId, (quantities.get(line.lineId) ?? 0) + line.quantity);
  }
  return { shipmentIds, quantities };
}

function fullyShipped(order: WooOrder, quantities: Map<string, number>): boolean {
  return order.line_items.every((l) => (quantities.get(String(l.id)) ?? 0) >= l.quantity);
}

export function createWooCommerceAdapter(config: WooCommerceAdapterConfig): ChannelAdapter {
  const client = createWooClient(config);
  const { account } = config;
  const pushCatalog = createCatalogPusher(client);

  const canonical = (order: WooOrder) => {
    if (order.line_items.length === 0) throw new ChannelError(`woocommerce order ${order.id} has no line items`, 'protocol');
    return toCanonicalOrder({ account, order });
  };

  async function completeIfShipped(order: WooOrder, quantities: Map<string, number>): Promise<void> {
    const open = order.status === 'processing' || order.status === 'on-hold' || order.status === 'pending';
    if (open && fullyShipped(order, quantities)) await client.updateOrderStatus({ id: String(order.id), status: 'completed' });
  }

  return {
    channel: 'woocommerce',
    account,
    capabilities: WOOCOMMERCE_CAPABILITIES,

    verifyWebhook: (request) => verifyWooWebhook({ request, secret: config.webhookSecret }),
    parseWebhook: (request) => parseWooWebhook({ request, account }),

    async listOrdersChangedSince({ since, cursor, limit }) {
      const page = parsePageCursor(cursor);
      // Back one second: modified_after is strict and WooCommerce stores whole seconds.
      const after = isoToGmt(new Date(Date.parse(since) - 1000).toISOString());
      const result = await client.listOrders({ modifiedAfterGmt: after, page, perPage: limit ?? WOO_PAGE_MAX });
      return {
        // Orders without lines are still being edited in the admin; they reappear once they have lines.
        orders: result.orders.filter((o) => o.line_items.length > 0).map(canonical),
        nextCursor: page < result.totalPages ? `page:${page + 1}` : undefined,
      };
    },

    async getOrder({ externalId }) {
      return canonical(await client.getOrder({ id: externalId }));
    },

    // WooCommerce has no acknowledgement step.
    async acknowledgeOrder() {},

    async confirmShipment(input: ConfirmShipmentInput) {
      const id = input.externalId;
      const order = await client.getOrder({ id });
      const { shipmentIds, quantities } = shippedSoFar(await client.listNotes({ orderId: id }));
      const existing = shipmentIds.get(input.shipmentId);
      if (existing !== undefined) {
        // Posted before (a retry after a later step failed): finish the job, do not post twice.
        await completeIfShipped(order, quantities);
        return { shipmentRef: existing };
      }
      const items = input.lines.map((line) => {
        const item = order.line_items.find((l) => String(l.id) === line.lineId);
        if (!item) throw new ChannelError(`order ${id} has no line ${line.lineId}`, 'rejected');
        const left = item.quantity - (quantities.get(line.lineId) ?? 0);
        if (line.quantity < 1 || line.quantity > left) {
          throw new ChannelError(`line ${line.lineId} of order ${id}: cannot ship ${line.quantity}, ${left} left`, 'rejected');
        }
        quantities.set(line.lineId, (quantities.get(line.lineId) ?? 0) + line.quantity);
        return { title: item.name, sku: item.sku, quantity: line.quantity };
      });
      const note = await client.addNote({
        orderId: id,
        customerNote: true,
        note: formatShipmentNote({
          shipmentId: input.shipmentId,
          lines: input.lines,
          carrier: input.carrier,
          trackingNumber: input.trackingNumber,
          trackingUrl: input.trackingUrl,
          items,
        }),
      });
      await completeIfShipped(order, quantities);
      return { shipmentRef: String(note.id) };
    },

    async cancelOrder({ externalId, reason, lineIds }) {
      if (lineIds && lineIds.length > 0) throw new ChannelError('WooCommerce cannot cancel single lines; cancel the whole order', 'rejected');
      const order = await client.getOrder({ id: externalId });
      if (order.status === 'cancelled') return;
      if (order.status === 'completed' || order.status === 'refunded') {
        throw new ChannelError(`order ${externalId} is ${order.status}; refund it instead of cancelling`, 'rejected');
      }
      await client.updateOrderStatus({ id: externalId, status: 'cancelled' });
      await client.addNote({ orderId: externalId, customerNote: false, note: `Cancelled by channelsync: ${reason}` });
    },

    async pushStock({ items }) {
      return pushCatalog(items, (item) => ({ manage_stock: true, stock_quantity: item.quantity }));
    },

    async pushPrices({ items }) {
      return pushCatalog(items, (item) => ({ regular_price: money(item.price.amount, item.price.currency).amount }));
    },

    readStock: ({ skus }) => readWooStock(client, skus),
  };
}

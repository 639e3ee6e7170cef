import { z } from 'zod';
import { money } from '../../../domain';
import { ChannelError } from '../errors';
import { type ChannelAdapter, type ItemResult, type OrderPage, type PushResult, type StockReadResult, type StockReading } from '../types';
import { NoonClient } from './client';
import { isDropped, NOON_CURRENCY, type NoonCountry, SHIPPED, toCanonicalOrder, UNACKNOWLEDGED } from './mapping';
import { CustomerDetails, ItemResults, NoonKeyFile, NoonOrder, OrderList, Shipment, StockList } from './schemas';
import { parseNoonDelivery, verifyNoonDelivery } from './webhook';

export { loginJwt, NoonClient } from './client';
export { type NoonCountry } from './mapping';
export { NoonKeyFile } from './schemas';

export interface NoonAdapterConfig {
  account: string;
  /** Gateway root, e.g. https://noon-api-gateway.noon.partners. */
  baseUrl: string;
  /** The service-account key file (key_id, private_key, project_code). */
  key: NoonKeyFile;
  /** The market this account sells in: prices go to this country, in its currency. */
  country: NoonCountry;
  /** The FBPI integration warehouse; orders, stock and shipments are scoped by it. */
  warehouseCode: string;
  /** Header name -> value configured on the Event Notifications destination. */
  webhookCredentials: Record<string, string>;
  userAgent?: string;
  /** Items per stock or pricing call; noon publishes no ceiling. */
  batchSize?: number;
  /** Country codes in pricing calls: docs use upper case, some clients lower case. */
  countryCodeCase?: 'upper' | 'lower';
  renewMarginMs?: number;
  timeoutMs?: number;
  now?: () => number;
}

const OUT_OF_STOCK_REQUEST = 'UPDATE_ORDER_REQUEST_ITEM_STATUS_OUT_OF_STOCK';
const PAGE_MAX = 50;

const Cursor = z.object({ t: z.string(), s: z.number().int().nonnegative(), p: z.number().int().positive() });
type Cursor = z.infer<typeof Cursor>;

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c), 'utf8').toString('base64url');
}

function decodeCursor(text: string): Cursor {
  const parsed = Cursor.safeParse(JSON.parse(Buffer.from(text, 'base64url').toString('utf8')));
  if (!parsed.success) throw new ChannelError('noon cursor is not one this adapter made', 'rejected');
  return parsed.data;
}

/** JSON with prices written as exact decimal literals instead of float-formatted numbers. */
export function pricingBody(items: { partner_sku: string; country_code: string; price: string }[]): string {
  const marker = '\u0000dec:';
  const text = JSON.stringify({ items: items.map((i) => ({ ...i, price: `${marker}${i.price}` })) });
  return text.replace(/"\\u0000dec:(-?\d+(?:\.\d+)?)"/g, '$1');
}

function statusOk(code: string): boolean {
  return code.toUpperCase() === 'OK';
}

export function createNoonAdapter(config: NoonAdapterConfig): ChannelAdapter {
  const key = NoonKeyFile.parse(config.key);
  const client = new NoonClient({
    baseUrl: config.baseUrl.replace(/\/$/, ''),
    key,
    userAgent: config.userAgent ?? 'channelsync/0.1 (noon adapter)',
    renewMarginMs: config.renewMarginMs,
    timeoutMs: config.timeoutMs,
    now: config.now,
  });
  const currency = NOON_CURRENCY[config.country];
  const batchSize = config.batchSize ?? 100;
  const countryCode = config.countryCodeCase === 'lower' ? config.country.toLowerCase() : config.country;

  const path = (nr: string) => encodeURIComponent(nr);
  const fetchOrder = (nr: string) => client.request(NoonOrder, { method: 'GET', path: `/fbpi/v1/fbpi-order/${path(nr)}/get` });
  const fetchCustomer = (nr: string) =>
    client.request(CustomerDetails, { method: 'GET', path: `/fbpi/v1/fbpi-order/${path(nr)}/customer-details/get` });

  async function canonical(order: NoonOrder) {
    return toCanonicalOrder({ account: config.account, order, customer: await fetchCustomer(order.fbpi_order_nr) });
  }

  async function findShipment(shipmentId: string) {
    try {
      return await client.request(Shipment, {
        method: 'POST', path: '/fbpi/v1/shipment/get', body: { warehouse_code: config.warehouseCode, integration_shipment_nr: shipmentId },
      });
    } catch (err) {
      if (err instanceof ChannelError && err.details.status === 404) return undefined;
      throw err;
    }
  }

  /** Calls noon once per batch; each item's own status decides its result (batches succeed in part). */
  async function pushBatches<T extends { sku: string }>(
    items: T[],
    send: (batch: T[]) => Promise<z.infer<typeof ItemResults>>,
  ): Promise<PushResult> {
    const results: ItemResult[] = [];
    let calls = 0;
    for (let start = 0; start < items.length; start += batchSize) {
      const batch = items.slice(start, start + batchSize);
      calls++;
      const answer = await send(batch);
      const bySku = new Map(answer.items.map((r) => [r.partner_sku, r.status]));
      for (const item of batch) {
        const status = bySku.get(item.sku);
        if (!status) results.push({ sku: item.sku, ok: false, error: 'noon returned no result for this SKU' });
        else if (statusOk(status.status_code)) results.push({ sku: item.sku, ok: true });
        else results.push({ sku: item.sku, ok: false, error: `${status.status_code}: ${status.message ?? ''}`.trim() });
      }
    }
    return { results, calls };
  }

  /** stock-list for the integration warehouse; NOT_FOUND means noon has no such partner_sku. */
  async function readWarehouseStock(skus: string[]): Promise<StockReadResult> {
    const found = new Map<string, StockReading>();
    let calls = 0;
    for (let start = 0; start < skus.length; start += batchSize) {
      const batch = skus.slice(start, start + batchSize);
      calls++;
      const answer = await client.request(StockList, { method: 'POST', path: '/stock/v1/stock-list', body: { warehouse_code: config.warehouseCode, partner_skus: batch } });
      for (const row of answer.items) {
        if (!batch.includes(row.partner_sku)) continue;
        const code = row.status?.status_code ?? 'OK';
        if (code.toUpperCase() === 'NOT_FOUND') found.set(row.partner_sku, { sku: row.partner_sku, quantity: null });
        else if (!statusOk(code)) throw new ChannelError(`noon stock-list ${row.partner_sku}: ${code} ${row.status?.message ?? ''}`.trim(), 'rejected', { vendorCode: code });
        else found.set(row.partner_sku, { sku: row.partner_sku, quantity: row.qty ?? row.quantity ?? 0 });
      }
    }
    const missing = skus.filter((sku) => !found.has(sku));
    if (missing.length > 0) throw new ChannelError(`noon stock-list returned no row for ${missing.join(', ')}`, 'protocol');
    return { results: skus.map((sku) => found.get(sku)!), calls };
  }

  return {
    channel: 'noon',
    account: config.account,
    capabilities: {
      // Pushes are unsigned (credential headers only) and carry just the order number: treat them as a
      // prompt to fetch, and the poller as the intake of record.
      orderIntake: 'poll',
      stockBatchSize: batchSize,
      priceBatchSize: batchSize,
      // stock-list reads the integration warehouse (the API is known from 3P clients only, like stock-update).
      stockReadBatchSize: batchSize,
      partialShipment: true,
      cancelFromSeller: true,
      acknowledgesOrders: true,
      // Only FBN Inbound publishes a limit (1,500 per minute); the others are assumed alike.
      rateClasses: { orders: { perSecond: 10 }, fulfilment: { perSecond: 5 }, catalog: { perSecond: 10 } },
      limitations: [
        'noon pushes carry no signature: verifyWebhook checks the configured credential headers only (the source-IP allowlist is for the gateway).',
        'noon must get a 2xx for its FBPI pushes or it marks the order Killed, even though orders are also polled.',
        'The order list filters by creation time only: later changes to an order arrive through pushes, not the poller.',
        'A seller cancellation is sent as "out of stock", the only refusal FBPI offers; the reason text is not sent.',
        'FBPI exposes no delivered or returned state.',
      ],
    },

    verifyWebhook: (request) => verifyNoonDelivery(request, config.webhookCredentials),
    parseWebhook: (request) => parseNoonDelivery(request),

    async listOrdersChangedSince(input): Promise<OrderPage> {
      const since = Date.parse(input.since);
      if (Number.isNaN(since)) throw new ChannelError(`since is not a date: ${input.since}`, 'rejected');
      const limit = Math.min(Math.max(input.limit ?? PAGE_MAX, 1), PAGE_MAX);
      const cursor = input.cursor ? decodeCursor(input.cursor) : { t: '', s: 0, p: limit };
      const list = await client.request(OrderList, {
        method: 'POST',
        path: `/fbpi/v1/fbpi-orders/list${cursor.t ? `?next_token=${encodeURIComponent(cursor.t)}` : ''}`,
        // Identical filters on every page; the page size travels in the cursor for that reason.
        body: { warehouse_code: config.warehouseCode, created_after: new Date(since).toISOString(), page_size: cursor.p },
      });
      // The list may ignore page_size; then the adapter hands out the big page in slices.
      const taken = list.orders.slice(cursor.s, cursor.s + limit);
      const orders = await Promise.all(taken.map((o) => canonical(o)));
      const consumed = cursor.s + taken.length;
      if (consumed < list.orders.length) return { orders, nextCursor: encodeCursor({ ...cursor, s: consumed }) };
      if (list.next_token) return { orders, nextCursor: encodeCursor({ t: list.next_token, s: 0, p: cursor.p }) };
      return { orders };
    },

    async getOrder({ externalId }) {
      const [order, customer] = await Promise.all([fetchOrder(externalId), fetchCustomer(externalId)]);
      return toCanonicalOrder({ account: config.account, order, customer });
    },

    async acknowledgeOrder({ externalId }) {
      const order = await fetchOrder(externalId);
      const open = order.items.filter((i) => i.integration_status === UNACKNOWLEDGED && !isDropped(i));
      if (open.length === 0) return;
      await client.request(z.unknown(), {
        method: 'POST', path: '/fbpi/v1/fbpi-order/update',
        body: { fbpi_order_nr: externalId, items: open.map((i) => ({ mp_item_nr: i.mp_item_nr })) },
      });
    },

    async confirmShipment(input) {
      // The seller's shipment number makes this idempotent: a repeat finds the first shipment.
      if (await findShipment(input.shipmentId)) return { shipmentRef: input.shipmentId };
      const order = await fetchOrder(input.externalId);
      const picked: string[] = [];
      for (const line of input.lines) {
        const open = order.items.filter((i) => i.partner_sku === line.lineId && !isDropped(i) && i.integration_status !== SHIPPED);
        if (open.length < line.quantity) {
          throw new ChannelError(`noon order ${input.externalId}: only ${open.length} unit(s) of ${line.lineId} can be shipped`, 'rejected');
        }
        picked.push(...open.slice(0, line.quantity).map((i) => i.mp_item_nr));
      }
      await client.request(Shipment, {
        method: 'POST',
        path: '/fbpi/v1/shipment/create',
        body: {
          warehouse_code: config.warehouseCode,
          integration_shipment_nr: input.shipmentId,
          fbpi_order_nr: input.externalId,
          awbs: [{ courier: input.carrier, awb_nr: input.trackingNumber }],
          items: picked.map((mp_item_nr) => ({ mp_item_nr })),
        },
      });
      return { shipmentRef: input.shipmentId };
    },

    async cancelOrder(input) {
      const order = await fetchOrder(input.externalId);
      const open = order.items.filter((i) => (!input.lineIds || input.lineIds.includes(i.partner_sku)) && !isDropped(i));
      if (open.length === 0) return;
      if (open.some((i) => i.integration_status === SHIPPED)) {
        throw new ChannelError(`noon order ${input.externalId}: shipped units cannot be cancelled`, 'rejected');
      }
      await client.request(z.unknown(), {
        method: 'POST', path: '/fbpi/v1/fbpi-order/update',
        body: { fbpi_order_nr: input.externalId, items: open.map((i) => ({ mp_item_nr: i.mp_item_nr, status: OUT_OF_STOCK_REQUEST })) },
      });
    },

    pushStock: ({ items }) =>
      pushBatches(items, (batch) =>
        client.request(ItemResults, {
          method: 'POST', path: '/stock/v1/stock-update',
          body: { items: batch.map((i) => ({ warehouse_code: config.warehouseCode, partner_sku: i.sku, qty: i.quantity })) },
        }),
      ),

    readStock: ({ skus }) => readWarehouseStock(skus),

    async pushPrices({ items }) {
      const right = items.filter((i) => i.price.currency === currency);
      const pushed = await pushBatches(right, (batch) =>
        client.request(ItemResults, {
          method: 'POST', path: '/pricing/v1/pricing/upsert',
          body: pricingBody(batch.map((i) => ({ partner_sku: i.sku, country_code: countryCode, price: money(i.price.amount, currency).amount }))),
        }),
      );
      const refused = items
        .filter((i) => i.price.currency !== currency)
        .map((i) => ({ sku: i.sku, ok: false, error: `price in ${i.price.currency}, ${config.country} sells in ${currency}` }));
      return { results: [...pushed.results, ...refused], calls: pushed.calls };
    },
  };
}


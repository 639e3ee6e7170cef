import { type CanonicalOrder } from '../../../domain';
import { ChannelError } from '../errors';
import {
  type ChannelAdapter,
  type ChannelCapabilities,
  type ConfirmShipmentInput,
  type ItemResult,
  type OrderPage,
  type PriceUpdate,
  type PushResult,
  type StockReadResult,
  type StockReading,
  type StockUpdate,
} from '../types';
import { WalmartClient, multipartJson } from './client';
import { quantityIn, toCanonicalOrder, toWalmartQueryDate } from './mapping';
import { FeedIdResponse, FeedStatusResponse, GetOrderResponse, InventoryResponse, OrderListResponse, PriceResponse, type WalmartOrder } from './schemas';
import { parseWalmartWebhook, verifyWalmartWebhook } from './webhook';

export { replenishmentDelayMs } from './client';
export { walmartDateToIso, toCanonicalOrder } from './mapping';
export { verifyWalmartWebhook, parseWalmartWebhook } from './webhook';

export interface WalmartAdapterConfig {
  account: string;
  apiUrl: string;
  clientId: string;
  clientSecret: string;
  /** HMAC key of the notification subscription (authDetails.clientSecret). Absent: pushes are refused. */
  webhookSecret?: string;
  /** Absent: either encoding is accepted. */
  digestEncoding?: 'base64' | 'hex';
  /** authDetails.authHeaderName (default Authorization). */
  webhookHeader?: string;
  /** Feed polling: first wait, and the most an adapter call may wait for a feed before giving up. */
  feedPollMs?: number;
  feedTimeoutMs?: number;
  timeoutMs?: number;
}

const BATCH = 1000;
const MAX_LIMIT = 200;
// Walmart's carrier enum (subset we map to); anything else goes as otherCarrier with a tracking URL.
const CARRIERS = ['UPS', 'USPS', 'FedEx', 'OnTrac', 'DHL', 'LS', 'UDS', 'LSO', 'GLS', 'Sendle', 'Canada Post', 'Royal Mail'];
const CANCEL_REASONS: [RegExp, string][] = [
  [/customer/i, 'CUSTOMER_REQUESTED_SELLER_TO_CANCEL'],
  [/pric/i, 'SELLER_CANCEL_PRICING_ERROR'],
  [/fraud/i, 'SELLER_CANCEL_FRAUD_STOP_SHIPMENT'],
  [/address|servic/i, 'SELLER_CANCEL_ADDRESS_NOT_SERVICEABLE'],
];

/** Free-text reason -> Walmart's enum (a value of the enum passes through); out of stock otherwise. */
export function walmartCancelReason(reason: string): string {
  const exact = CANCEL_REASONS.find(([, code]) => code === reason);
  if (exact || reason === 'SELLER_CANCEL_OUT_OF_STOCK') return reason;
  return CANCEL_REASONS.find(([pattern]) => pattern.test(reason))?.[1] ?? 'SELLER_CANCEL_OUT_OF_STOCK';
}

const capabilities: ChannelCapabilities = {
  orderIntake: 'poll',
  stockBatchSize: BATCH,
  priceBatchSize: BATCH,
  // GET /v3/inventory reads one SKU; GET and PUT share the 200/min the catalog rate below keeps to.
  stockReadBatchSize: 1,
  partialShipment: true,
  cancelFromSeller: true,
  acknowledgesOrders: true,
  // Walmart's table: orders 5000/min, acknowledge/ship/cancel 60/min, inventory 200/min.
  rateClasses: { orders: { perSecond: 5000 / 60 }, fulfilment: { perSecond: 1 }, catalog: { perSecond: 200 / 60 } },
  limitations: [
    'Order pushes (PO_CREATED) carry no prices, so they only prompt a re-read; orders are imported by polling.',
    'Walmart-fulfilled (WFS) orders are not listed; only seller-fulfilled orders are synced.',
    'Bulk stock and price updates go through feeds, which Walmart processes asynchronously (price feeds: 10 per hour).',
    'No idempotency keys: a repeated shipment is detected by its tracking number on the order.',
  ],
};

function lineNumbers(order: WalmartOrder): string[] {
  return order.orderLines.orderLine.map((l) => l.lineNumber);
}

export function createWalmartAdapter(config: WalmartAdapterConfig): ChannelAdapter {
  const client = new WalmartClient(config);
  const po = (id: string) => `/v3/orders/${encodeURIComponent(id)}`;

  const readOrder = async (externalId: string) =>
    (await client.call({ method: 'GET', path: po(externalId), schema: GetOrderResponse, what: 'walmart get order' })).order;

  const acknowledge = async (externalId: string) => {
    await client.call({ method: 'POST', path: `${po(externalId)}/acknowledge`, schema: GetOrderResponse, what: 'walmart acknowledge' });
  };

  const pollFeed = async (feedId: string): Promise<FeedStatusResponse> => {
    const deadline = Date.now() + (config.feedTimeoutMs ?? 60_000);
    let wait = config.feedPollMs ?? 500;
    for (;;) {
      await new Promise((r) => setTimeout(r, wait));
      const status = await client.call({
        method: 'GET',
        path: `/v3/feeds/${encodeURIComponent(feedId)}?includeDetails=true&limit=${BATCH}`,
        schema: FeedStatusResponse,
        what: 'walmart feed status',
      });
      if (status.feedStatus === 'PROCESSED' || status.feedStatus === 'ERROR') return status;
      if (Date.now() + wait > deadline) {
        throw new ChannelError(`walmart feed ${feedId} still ${status.feedStatus}`, 'transient', { vendorCode: feedId });
      }
      wait = Math.min(wait * 2, 5000);
    }
  };

  const submitFeed = async <T extends { sku: string }>(feedType: 'inventory' | 'price', items: T[], file: unknown): Promise<ItemResult[]> => {
    const { body, contentType } = multipartJson(file, `${feedType}.json`);
    const { feedId } = await client.call({ method: 'POST', path: `/v3/feeds?feedType=${feedType}`, body, contentType, schema: FeedIdResponse, what: 'walmart feed upload' });
    const status = await pollFeed(feedId);
    const details = status.itemDetails?.itemIngestionStatus ?? [];
    return items.map((item, index) => {
      const found = details.find((d) => d.index === index) ?? details.find((d) => d.sku === item.sku);
      if (!found) return { sku: item.sku, ok: false, error: `feed ${feedId} (${status.feedStatus}) reported nothing for this item` };
      if (found.ingestionStatus === 'SUCCESS') return { sku: item.sku, ok: true };
      const errors = found.ingestionErrors?.ingestionError?.map((e) => `${e.code}${e.description ? `: ${e.description}` : ''}`).join('; ');
      return { sku: item.sku, ok: false, error: `${found.ingestionStatus}${errors ? ` ${errors}` : ''}` };
    });
  };

  /** One item goes through the single-SKU API; 4xx data errors become a failed item, the rest throw. */
  const single = async (sku: string, fn: () => Promise<unknown>): Promise<ItemResult> => {
    try {
      await fn();
      return { sku, ok: true };
    } catch (err) {
      if (err instanceof ChannelError && err.kind === 'rejected') return { sku, ok: false, error: err.message };
      throw err;
    }
  };

  const batched = async <T extends { sku: string }>(
    items: T[],
    one: (item: T) => Promise<unknown>,
    feed: (chunk: T[]) => Promise<ItemResult[]>,
  ): Promise<PushResult> => {
    const before = client.calls;
    const results: ItemResult[] = [];
    if (items.length === 1) results.push(await single(items[0]!.sku, () => one(items[0]!)));
    else for (let i = 0; i < items.length; i += BATCH) results.push(...(await feed(items.slice(i, i + BATCH))));
    return { results, calls: client.calls - before };
  };

  const inventoryRow = (item: StockUpdate) => ({ sku: item.sku, quantity: { unit: 'EACH', amount: item.quantity } });
  const priceRow = (item: PriceUpdate) => ({
    sku: item.sku,
    pricing: [{ currentPriceType: 'BASE', currentPrice: { currency: item.price.currency, amount: Number(item.price.amount) } }],
  });

  return {
    channel: 'walmart',
    account: config.account,
    capabilities,

    verifyWebhook: (request) =>
      verifyWalmartWebhook(request, { secret: config.webhookSecret, digestEncoding: config.digestEncoding, headerName: config.webhookHeader }),

    parseWebhook: (request) => parseWalmartWebhook(request),

    async listOrdersChangedSince(input): Promise<OrderPage> {
      const limit = Math.min(Math.max(input.limit ?? 100, 1), MAX_LIMIT);
      // nextCursor is a complete query string and must be appended as is, replacing our own parameters.
      const query = input.cursor ?? `?${new URLSearchParams({ lastModifiedStartDate: toWalmartQueryDate(input.since), limit: String(limit) })}`;
      let response;
      try {
        response = await client.call({ method: 'GET', path: `/v3/orders${query}`, schema: OrderListResponse, what: 'walmart list orders' });
      } catch (err) {
        // Walmart has been seen answering "no orders" with 404 CONTENT_NOT_FOUND rather than an empty list.
        if (err instanceof ChannelError && err.details.status === 404 && err.message.includes('CONTENT_NOT_FOUND')) return { orders: [] };
        throw err;
      }
      const orders: CanonicalOrder[] = (response.list.elements.order ?? []).map((o) => toCanonicalOrder(o, config.account));
      const next = response.list.meta.nextCursor;
      return next ? { orders, nextCursor: next } : { orders };
    },

    async getOrder({ externalId }) {
      return toCanonicalOrder(await readOrder(externalId), config.account);
    },

    async acknowledgeOrder({ externalId }) {
      await acknowledge(externalId);
    },

    async confirmShipment(input: ConfirmShipmentInput) {
      let order = await readOrder(input.externalId);
      const known = new Set(lineNumbers(order));
      const unknown = input.lines.filter((l) => !known.has(l.lineId)).map((l) => l.lineId);
      if (unknown.length > 0) throw new ChannelError(`walmart PO ${input.externalId} has no line(s) ${unknown.join(', ')}`, 'rejected');
      // Walmart refuses to ship lines still in Created; acknowledging is per PO and may be repeated.
      const wanted = order.orderLines.orderLine.filter((l) => input.lines.some((s) => s.lineId === l.lineNumber));
      if (wanted.some((l) => quantityIn(l, 'Created') > 0)) {
        await acknowledge(input.externalId);
        order = await readOrder(input.externalId);
      }
      // No idempotency keys: a line that already carries this tracking number was shipped by an earlier attempt.
      const pending = input.lines.filter((s) => {
        const line = order.orderLines.orderLine.find((l) => l.lineNumber === s.lineId);
        return !line?.orderLineStatuses.orderLineStatus.some((st) => st.trackingInfo?.trackingNumber === input.trackingNumber);
      });
      if (pending.length === 0) return { shipmentRef: input.trackingNumber };
      const carrier = CARRIERS.find((c) => c.toLowerCase() === input.carrier.trim().toLowerCase());
      if (!carrier && !input.trackingUrl) {
        throw new ChannelError(`walmart: carrier ${input.carrier} is not in Walmart's list, so a tracking URL is required`, 'rejected');
      }
      const body = {
        orderShipment: {
          orderLines: {
            orderLine: pending.map((s) => ({
              lineNumber: s.lineId,
              intentToCancelOverride: false,
              sellerOrderId: input.shipmentId,
              orderLineStatuses: {
                orderLineStatus: [
                  {
                    status: 'Shipped',
                    statusQuantity: { unitOfMeasurement: 'EACH', amount: String(s.quantity) },
                    trackingInfo: {
                      shipDateTime: Date.now(),
                      carrierName: carrier ? { carrier } : { otherCarrier: input.carrier },
                      methodCode: order.shippingInfo.methodCode ?? 'Standard',
                      trackingNumber: input.trackingNumber,
                      ...(input.trackingUrl ? { trackingURL: input.trackingUrl } : {}),
                    },
                  },
                ],
              },
            })),
          },
        },
      };
      await client.call({
        method: 'POST',
        path: `${po(input.externalId)}/shipping`,
        body: JSON.stringify(body),
        contentType: 'application/json',
        schema: GetOrderResponse,
        what: 'walmart ship lines',
      });
      return { shipmentRef: input.trackingNumber };
    },

    async cancelOrder({ externalId, reason, lineIds }) {
      const order = await readOrder(externalId);
      const code = walmartCancelReason(reason);
      const lines = order.orderLines.orderLine
        .filter((l) => !lineIds || lineIds.includes(l.lineNumber))
        .map((l) => ({ lineNumber: l.lineNumber, open: quantityIn(l, 'Created', 'Acknowledged') }))
        .filter((l) => l.open > 0);
      // Already cancelled (or shipped) lines leave nothing to do: repeating a cancel is a no-op.
      if (lines.length === 0) return;
      const body = {
        orderCancellation: {
          orderLines: {
            orderLine: lines.map((l) => ({
              lineNumber: l.lineNumber,
              orderLineStatuses: {
                orderLineStatus: [{ status: 'Cancelled', cancellationReason: code, statusQuantity: { unitOfMeasurement: 'EACH', amount: String(l.open) } }],
              },
            })),
          },
        },
      };
      await client.call({
        method: 'POST',
        path: `${po(externalId)}/cancel`,
        body: JSON.stringify(body),
        contentType: 'application/json',
        schema: GetOrderResponse,
        what: 'walmart cancel lines',
      });
    },

    pushStock: ({ items }) =>
      batched(
        items,
        (item) =>
          client.call({
            method: 'PUT',
            path: `/v3/inventory?sku=${encodeURIComponent(item.sku)}`,
            body: JSON.stringify(inventoryRow(item)),
            contentType: 'application/json',
            schema: InventoryResponse,
            what: 'walmart inventory update',
          }),
        (chunk) => submitFeed('inventory', chunk, { InventoryHeader: { version: '1.4' }, Inventory: chunk.map(inventoryRow) }),
      ),

    async readStock({ skus }): Promise<StockReadResult> {
      const results: StockReading[] = [];
      const start = client.calls;
      for (const sku of skus) {
        try {
          const row = await client.call({
            method: 'GET',
            path: `/v3/inventory?sku=${encodeURIComponent(sku)}`,
            schema: InventoryResponse,
            what: 'walmart inventory',
          });
          results.push({ sku, quantity: row.quantity.amount });
        } catch (err) {
          // CONTENT_NOT_FOUND: the seller has no item with this SKU.
          if (err instanceof ChannelError && err.details.status === 404) results.push({ sku, quantity: null });
          else throw err;
        }
      }
      return { results, calls: client.calls - start };
    },

    pushPrices: ({ items }) =>
      batched(
        items,
        (item) =>
          client.call({
            method: 'PUT',
            path: '/v3/price',
            body: JSON.stringify(priceRow(item)),
            contentType: 'application/json',
            schema: PriceResponse,
            what: 'walmart price update',
          }),
        (chunk) => submitFeed('price', chunk, { PriceHeader: { version: '1.7' }, Price: chunk.map(priceRow) }),
      ),
  };
}

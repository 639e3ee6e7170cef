import { type CanonicalOrder } from '../../../domain';
import { ChannelError } from '../errors';
import {
  type ChannelAdapter, type ChannelCapabilities, type ConfirmShipmentInput, type ItemResult, type OrderPage,
  type PriceUpdate, type PushResult, type StockReadResult, type StockReading, type StockUpdate, type WebhookRequest,
} from '../types';
import { EbayClient, type EbayClientConfig } from './client';
import { toCanonicalOrder } from './mapping';
import { decodeSignatureHeader, parseEbayNotification, PublicKeyCache, verifyEbaySignature } from './webhook';

// eBay: Sell Fulfillment for orders and shipments, Sell Inventory bulk updates for stock and prices,
// Notification API pushes (ECDSA, key fetched by kid).

export interface EbayAdapterConfig extends EbayClientConfig {
  account: string;
}

export interface EbayAdapter extends ChannelAdapter {
  /**
   * Loads the public key named by the push's X-EBAY-SIGNATURE so that verifyWebhook (synchronous) can check it.
   * Await it before verifyWebhook. Resolves for unknown kids (verify then rejects); throws ChannelError when
   * eBay cannot be asked (transient/rate_limited: answer the push with 5xx so eBay re-publishes).
   */
  prepareWebhook(request: WebhookRequest): Promise<void>;
}

/** eBay accepts up to 25 entries (and 25 offers) per bulkUpdatePriceQuantity call. */
export const EBAY_BULK_LIMIT = 25;
const MAX_PAGE = 200;

const CAPABILITIES: ChannelCapabilities = {
  orderIntake: 'webhook',
  stockBatchSize: EBAY_BULK_LIMIT,
  priceBatchSize: EBAY_BULK_LIMIT,
  // bulkGetInventoryItem takes 25 SKUs as well.
  stockReadBatchSize: EBAY_BULK_LIMIT,
  partialShipment: true,
  cancelFromSeller: false,
  acknowledgesOrders: false,
  // eBay quotas are per day (Fulfillment 100k ≈ 1.2/s, Inventory 2M ≈ 23/s by default): a whole day at these
  // paces stays inside them, and 1,000 SKUs (40 bulk calls) reach eBay in 2 s instead of 8.
  rateClasses: { orders: { perSecond: 1 }, fulfilment: { perSecond: 1 }, catalog: { perSecond: 20 } },
  limitations: [
    'Notifications only point at an order (ORDER_CONFIRMATION per line item); the order is fetched with getOrder.',
    'Sellers cannot cancel an order through the Sell Fulfillment API; cancellations happen on eBay and are read back.',
    'Only listings managed by the Inventory API (or migrated to it) can take stock and price updates.',
    'Each listing accepts at most 250 revisions per day.',
    'Buyer name, phone and street lines disappear after 90 days and the email after 14: copy them at import.',
  ],
};

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Newer values replace older ones for the same SKU within one push. */
function lastPerSku<T extends { sku: string }>(items: T[]): T[] {
  return [...new Map(items.map((i) => [i.sku, i])).values()];
}

function encodeCursor(offset: number, until: string): string {
  return new URLSearchParams({ offset: String(offset), until }).toString();
}

function decodeCursor(cursor: string): { offset: number; until: string } {
  const params = new URLSearchParams(cursor);
  const offset = Number(params.get('offset'));
  const until = params.get('until') ?? '';
  if (!Number.isInteger(offset) || offset < 0 || Number.isNaN(Date.parse(until))) {
    throw new ChannelError(`not an eBay order cursor: ${cursor}`, 'rejected');
  }
  return { offset, until };
}

type BulkResponse = Awaited<ReturnType<EbayClient['bulkUpdatePriceQuantity']>>['responses'];

/** One result per SKU: ok only if every entry eBay answered for it is a 200. */
function resultsFor(skus: string[], responses: BulkResponse): ItemResult[] {
  return skus.map((sku) => {
    const mine = responses.filter((r) => r.sku === sku);
    if (mine.length === 0) return { sku, ok: false, error: 'eBay returned no result for this SKU' };
    const failed = mine.filter((r) => r.statusCode !== 200);
    if (failed.length === 0) return { sku, ok: true };
    const error = failed
      .flatMap((r) => (r.errors?.length ? r.errors.map((e) => `${e.errorId}: ${e.message ?? ''}`.trim()) : [`HTTP ${r.statusCode}`]))
      .join('; ');
    return { sku, ok: false, error };
  });
}

/** eBay's "SKU is not available" / "resource not found" errors: the seller has no inventory item with that SKU. */
const NOT_FOUND_ERRORS = new Set([25702, 25710]);

function stockReading(sku: string, responses: BulkGetResponse): StockReading {
  const entry = responses.find((r) => r.sku === sku || r.inventoryItem?.sku === sku);
  if (!entry) throw new ChannelError(`eBay bulkGetInventoryItem returned no entry for ${sku}`, 'protocol');
  if (entry.statusCode === 200) return { sku, quantity: entry.inventoryItem?.availability?.shipToLocationAvailability?.quantity ?? 0 };
  if (entry.statusCode === 404 || entry.errors?.some((e) => NOT_FOUND_ERRORS.has(e.errorId))) return { sku, quantity: null };
  const why = entry.errors?.map((e) => `${e.errorId}: ${e.message ?? ''}`.trim()).join('; ') || `HTTP ${entry.statusCode}`;
  throw new ChannelError(`eBay bulkGetInventoryItem ${sku}: ${why}`, entry.statusCode >= 500 ? 'transient' : 'rejected', { vendorCode: entry.errors?.[0]?.errorId.toString() });
}

type BulkGetResponse = Awaited<ReturnType<EbayClient['bulkGetInventoryItem']>>['responses'];

export function createEbayAdapter(config: EbayAdapterConfig): EbayAdapter {
  const client = new EbayClient(config);
  const keys = new PublicKeyCache(async (kid) => {
    try {
      return (await client.getPublicKey(kid)).key;
    } catch (err) {
      // 404 (errorId 195001): the kid is not eBay's.
      if (err instanceof ChannelError && err.details.status === 404) return null;
      throw err;
    }
  });
  /** sku -> published offerId; offers are stable, so one lookup per SKU per process. */
  const offerIds = new Map<string, string>();

  async function offerIdFor(sku: string): Promise<string | { error: string }> {
    const known = offerIds.get(sku);
    if (known) return known;
    try {
      const { offers } = await client.getOffers(sku);
      const marketplace = config.marketplaceId ?? 'EBAY_US';
      const offer = offers.find((o) => o.status === 'PUBLISHED' && (!o.marketplaceId || o.marketplaceId === marketplace));
      if (!offer) return { error: 'no published offer for this SKU' };
      offerIds.set(sku, offer.offerId);
      return offer.offerId;
    } catch (err) {
      if (err instanceof ChannelError && err.kind === 'rejected') return { error: err.message };
      throw err;
    }
  }

  return {
    channel: 'ebay',
    account: config.account,
    capabilities: CAPABILITIES,

    async prepareWebhook(request) {
      const parts = decodeSignatureHeader(request);
      if (parts.ok) await keys.ensure(parts.kid);
    },

    verifyWebhook: (request) => verifyEbaySignature(request, keys),

    parseWebhook: (request) => parseEbayNotification(request),

    async listOrdersChangedSince({ since, cursor, limit }): Promise<OrderPage> {
      // The window's end is fixed on the first page so later pages see the same result set.
      const { offset, until } = cursor ? decodeCursor(cursor) : { offset: 0, until: new Date().toISOString() };
      const from = new Date(since).toISOString();
      const pageSize = Math.min(Math.max(limit ?? 50, 1), MAX_PAGE);
      // Only lastmodifieddate: with creationdate also present eBay would ignore it.
      const page = await client.getOrders({
        filter: `lastmodifieddate:[${from}..${until}]`,
        limit: String(pageSize),
        offset: String(offset),
      });
      const orders = page.orders.map((o) => toCanonicalOrder(o, config.account));
      const nextOffset = page.next ? Number(new URL(page.next, config.apiUrl).searchParams.get('offset') ?? offset + pageSize) : undefined;
      return { orders, ...(nextOffset !== undefined ? { nextCursor: encodeCursor(nextOffset, until) } : {}) };
    },

    async getOrder({ externalId }): Promise<CanonicalOrder> {
      return toCanonicalOrder(await client.getOrder(externalId), config.account);
    },

    // eBay has no order acknowledgement in the REST APIs.
    async acknowledgeOrder() {},

    async confirmShipment(input: ConfirmShipmentInput) {
      // eBay takes no idempotency key: a package already recorded with this tracking number is this shipment.
      const existing = await client.getShippingFulfillments(input.externalId);
      const same = existing.fulfillments.find((f) => f.shipmentTrackingNumber === input.trackingNumber);
      if (same) return { shipmentRef: same.fulfillmentId };
      const fulfillmentId = await client.createShippingFulfillment(input.externalId, {
        lineItems: input.lines.map((l) => ({ lineItemId: l.lineId, quantity: l.quantity })),
        shippingCarrierCode: input.carrier,
        trackingNumber: input.trackingNumber,
        shippedDate: new Date().toISOString(),
      });
      return { shipmentRef: fulfillmentId };
    },

    async cancelOrder({ externalId }) {
      throw new ChannelError(
        `eBay order ${externalId}: sellers cannot cancel through the Sell Fulfillment API; cancel it in Seller Hub`,
        'rejected',
      );
    },

    async pushStock({ items }: { items: StockUpdate[] }): Promise<PushResult> {
      const results: ItemResult[] = [];
      let calls = 0;
      for (const batch of chunks(lastPerSku(items), EBAY_BULK_LIMIT)) {
        const requests = batch.map((i) => ({ sku: i.sku, shipToLocationAvailability: { quantity: i.quantity } }));
        calls++;
        const { responses } = await client.bulkUpdatePriceQuantity(requests);
        results.push(...resultsFor(batch.map((i) => i.sku), responses));
      }
      return { results, calls };
    },

    async pushPrices({ items }: { items: PriceUpdate[] }): Promise<PushResult> {
      const results: ItemResult[] = [];
      const ready: { sku: string; offerId: string; price: PriceUpdate['price'] }[] = [];
      let calls = 0;
      for (const item of lastPerSku(items)) {
        if (!offerIds.has(item.sku)) calls++;
        const offerId = await offerIdFor(item.sku);
        if (typeof offerId === 'string') ready.push({ sku: item.sku, offerId, price: item.price });
        else results.push({ sku: item.sku, ok: false, error: offerId.error });
      }
      for (const batch of chunks(ready, EBAY_BULK_LIMIT)) {
        const requests = batch.map((i) => ({
          sku: i.sku,
          offers: [{ offerId: i.offerId, price: { value: i.price.amount, currency: i.price.currency } }],
        }));
        calls++;
        const { responses } = await client.bulkUpdatePriceQuantity(requests);
        const batchResults = resultsFor(batch.map((i) => i.sku), responses);
        // A refused offer id may be stale (offer recreated): look it up again next time.
        for (const r of batchResults) if (!r.ok) offerIds.delete(r.sku);
        results.push(...batchResults);
      }
      return { results, calls };
    },

    async readStock({ skus }: { skus: string[] }): Promise<StockReadResult> {
      const results: StockReading[] = [];
      let calls = 0;
      // eBay refuses a request naming a SKU twice (25734).
      for (const batch of chunks([...new Set(skus)], EBAY_BULK_LIMIT)) {
        calls++;
        const { responses } = await client.bulkGetInventoryItem(batch);
        results.push(...batch.map((sku) => stockReading(sku, responses)));
      }
      const bySku = new Map(results.map((r) => [r.sku, r]));
      return { results: skus.map((sku) => bySku.get(sku)!), calls };
    },
  };
}

export { EbayClient, msUntilQuotaReset } from './client';
export { pemFromEbay, PublicKeyCache } from './webhook';

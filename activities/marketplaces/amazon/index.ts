import { type CanonicalOrder, numericPackageReference } from '../../../domain';
import { ChannelError } from '../errors';
import { parseJson } from '../http';
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
import { AmazonClient, type CallMeter } from './client';
import { mapOrder } from './mapping';
import {
  type AmazonOrder,
  type AmazonOrderItem,
  CreateFeedDocumentResponse,
  CreateFeedResponse,
  Feed,
  FeedDocument,
  type FinancesShipmentEvent,
  GetOrderItemsResponse,
  GetOrderResponse,
  GetOrdersResponse,
  ListFinancialEventsResponse,
  ListingsItem,
  ListingsItemSubmissionResponse,
  ProcessingReport,
  SqsReceiveResponse,
} from './schemas';
import { type OrderNotified, parseNotification, parseWebhook, verifyWebhook } from './webhook';

export type { OrderNotified } from './webhook';
export { unitPriceFromLineTotal } from './mapping';

export interface AmazonAdapterConfig {
  account: string;
  /** SP-API host, e.g. https://sellingpartnerapi-na.amazon.com */
  endpoint: string;
  /** LWA token URL, e.g. https://api.amazon.com/auth/o2/token */
  lwaEndpoint: string;
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  sellerId: string;
  marketplaceId: string;
  /** The SQS queue ORDER_CHANGE is delivered to. */
  queueUrl?: string;
  /** Order polls start this far before `since` (default 5 min: covers Amazon's 2-minute blind window and clock skew). */
  overlapMs?: number;
  /** Pushes with more items than this go through one JSON_LISTINGS_FEED instead of a PATCH per SKU (default 20). */
  feedThreshold?: number;
  /** How long pushStock/pushPrices wait for a feed to finish (default 120 s) and how often they look (default 1 s). */
  feedTimeoutMs?: number;
  feedPollMs?: number;
  /** Fetch a restricted data token so getOrder returns the buyer name and full address (default true). */
  pii?: boolean;
  productType?: string;
  timeoutMs?: number;
}

export interface PullNotificationsInput {
  /** Receives the thin events of one batch; messages are deleted only after it resolves. */
  handOff(events: OrderNotified[]): Promise<void>;
  maxMessages?: number;
  visibilityTimeoutS?: number;
  waitTimeS?: number;
}

export interface PullNotificationsResult {
  received: number;
  events: OrderNotified[];
  deleted: number;
  /** Messages that are not valid ORDER_CHANGE notifications; left on the queue for its redrive policy. */
  invalid: { messageId: string; reason: string }[];
}

export interface AmazonAdapter extends ChannelAdapter {
  /** Reads ORDER_CHANGE from the queue, hands thin events over, then deletes what was handed over. */
  pullNotifications(input: PullNotificationsInput): Promise<PullNotificationsResult>;
}

const FEED_CONTENT_TYPE = 'application/json; charset=UTF-8';
/** Statuses of an order Amazon has charged (it charges at shipment): only these can carry refunds. */
const CHARGED = new Set<AmazonOrder['OrderStatus']>(['PartiallyShipped', 'Shipped', 'InvoiceUnconfirmed']);
/** Amazon lists financial events two minutes after posting at the earliest; a little more for clock skew. */
const FINANCES_BLIND_MS = 150_000;
/** Cursors of the second walk (orders with refunds posted since the watermark) start with this. */
const REFUNDS_CURSOR = 'finances:';
const FINISHED = new Set(['DONE', 'FATAL', 'CANCELLED']);

/** Amazon's carrier codes we recognise; anything else is sent as carrierCode "Other" with a carrierName. */
const CARRIER_CODES = ['USPS', 'UPS', 'FedEx', 'DHL', 'Amazon Shipping', 'OnTrac', 'Royal Mail', 'DPD', 'Hermes', 'GLS', 'Canada Post', 'Australia Post', 'Japan Post'];

export function createAmazonAdapter(config: AmazonAdapterConfig): AmazonAdapter {
  const client = new AmazonClient(config);
  const overlapMs = config.overlapMs ?? 5 * 60_000;
  const feedThreshold = config.feedThreshold ?? 20;
  const feedTimeoutMs = config.feedTimeoutMs ?? 120_000;
  const feedPollMs = config.feedPollMs ?? 1000;
  const productType = config.productType ?? 'PRODUCT';
  const pii = config.pii ?? true;

  const capabilities: ChannelCapabilities = {
    orderIntake: 'queue',
    // One SKU per synchronous PATCH; a single push of more than `feedThreshold` SKUs becomes one feed.
    stockBatchSize: 1,
    priceBatchSize: 1,
    // getListingsItem reads one SKU (5 per second, the catalog rate).
    stockReadBatchSize: 1,
    partialShipment: true,
    cancelFromSeller: false,
    acknowledgesOrders: false,
    rateClasses: { orders: { perSecond: 0.5 }, fulfilment: { perSecond: 2 }, catalog: { perSecond: 5 } },
    limitations: [
      'No HTTP push: ORDER_CHANGE notifications are read from an SQS queue and carry no price or address, so every order is re-fetched.',
      'Orders updated in the last two minutes are not listed by getOrders; polls overlap the previous window to catch them.',
      'Pending orders have no prices and no address; they are reported as pending_payment with zero unit prices and must not be imported.',
      'FBA (AFN) orders are shipped by Amazon: they are marked fulfilledBy "channel" and must not be confirmed; FBA stock is not written.',
      'Listing updates are accepted asynchronously; large pushes go through JSON_LISTINGS_FEED, which can take minutes.',
      'Stock reads (getListingsItem, merchant row DEFAULT) show a pushed figure only once Amazon has applied it: a drift check in those minutes may push the figure again.',
      'Seller-side cancellation is not available through this adapter.',
      'Refunds are not on the order: they are read from the Finances API for orders that shipped (Amazon charges at shipment), and the poller looks for newly posted refunds, which Amazon lists two minutes after posting at the earliest.',
    ],
  };

  const orderPath = (id: string): string => `/orders/v0/orders/${encodeURIComponent(id)}`;

  async function orderItems(id: string): Promise<AmazonOrderItem[]> {
    const items: AmazonOrderItem[] = [];
    let next: string | undefined;
    do {
      const response = await client.call({
        operation: 'getOrderItems',
        method: 'GET',
        path: `${orderPath(id)}/orderItems`,
        query: { NextToken: next },
      });
      const page = parseJson(GetOrderItemsResponse, response.text, 'getOrderItems').payload;
      items.push(...page.OrderItems);
      next = page.NextToken || undefined;
    } while (next);
    return items;
  }

  /** The order's refunds, from the Finances API (one more call on the orders rate class, per page). */
  async function refundEvents(id: string): Promise<FinancesShipmentEvent[]> {
    const events: FinancesShipmentEvent[] = [];
    let next: string | undefined;
    do {
      const response = await client.call({
        operation: 'listFinancialEventsByOrderId',
        method: 'GET',
        path: `/finances/v0/orders/${encodeURIComponent(id)}/financialEvents`,
        query: { MaxResultsPerPage: 100, NextToken: next },
      });
      const page = parseJson(ListFinancialEventsResponse, response.text, 'listFinancialEventsByOrderId').payload;
      events.push(...(page?.FinancialEvents?.RefundEventList ?? []));
      next = page?.NextToken || undefined;
    } while (next);
    return events;
  }

  async function toCanonical(order: AmazonOrder): Promise<CanonicalOrder> {
    const items = await orderItems(order.AmazonOrderId);
    if (items.length === 0) throw new ChannelError(`Amazon order ${order.AmazonOrderId} has no items`, 'protocol');
    // Amazon charges the buyer when an order ships: before that there is nothing to refund, so the Finances
    // call is spared for the unshipped and cancelled orders that make up most reads.
    const refunds = CHARGED.has(order.OrderStatus) ? await refundEvents(order.AmazonOrderId) : [];
    return mapOrder({ account: config.account, order, items, marketplaceId: config.marketplaceId, refundEvents: refunds });
  }

  /** getOrder, with buyer name and address through a restricted data token unless PII is switched off. */
  async function fetchOrder(id: string): Promise<CanonicalOrder> {
    const path = orderPath(id);
    const token = pii ? await client.restrictedDataToken({ path, dataElements: ['buyerInfo', 'shippingAddress'] }) : undefined;
    const response = await client.call({ operation: 'getOrder', method: 'GET', path, token });
    return toCanonical(parseJson(GetOrderResponse, response.text, 'getOrder').payload);
  }

  /**
   * Orders with refunds posted since `since` (minus the overlap): a refund changes nothing on the order, so the
   * order list alone would never show it. Each is read as getOrder reads it, so it looks as the order already does.
   */
  async function refundedOrders(input: { since: string; token?: string; skip?: ReadonlySet<string> }): Promise<{ orders: CanonicalOrder[]; next?: string }> {
    // Amazon refuses a PostedAfter within its two-minute blind window; the overlap (default five minutes) is
    // what brings refunds posted inside that window into the next poll.
    const after = Math.min(Date.parse(input.since) - overlapMs, Date.now() - FINANCES_BLIND_MS);
    const query = input.token ? { NextToken: input.token } : { PostedAfter: new Date(after).toISOString(), MaxResultsPerPage: 100 };
    const response = await client.call({ operation: 'listFinancialEvents', method: 'GET', path: '/finances/v0/financialEvents', query });
    const page = parseJson(ListFinancialEventsResponse, response.text, 'listFinancialEvents').payload;
    const ids = [...new Set((page?.FinancialEvents?.RefundEventList ?? []).flatMap((e) => (e.AmazonOrderId ? [e.AmazonOrderId] : [])))];
    const orders: CanonicalOrder[] = [];
    // Orders the caller already read on this page are not read again (three or four calls each).
    for (const id of ids) if (!input.skip?.has(id)) orders.push(await fetchOrder(id));
    return { orders, ...(page?.NextToken ? { next: page.NextToken } : {}) };
  }

  async function patchListing(sku: string, patch: { path: string; op: 'replace' | 'merge'; value: unknown[] }, meter: CallMeter): Promise<ItemResult> {
    const response = await client.call({
      operation: 'patchListingsItem',
      method: 'PATCH',
      path: `/listings/2021-08-01/items/${encodeURIComponent(config.sellerId)}/${encodeURIComponent(sku)}`,
      query: { marketplaceIds: [config.marketplaceId], issueLocale: 'en_US' },
      body: { productType, patches: [patch] },
      meter,
    });
    const result = parseJson(ListingsItemSubmissionResponse, response.text, 'patchListingsItem');
    const errors = (result.issues ?? []).filter((i) => i.severity === 'ERROR');
    // ACCEPTED means queued at Amazon, not yet visible on the listing.
    if (result.status === 'ACCEPTED' && errors.length === 0) return { sku, ok: true };
    return { sku, ok: false, error: errors.map((i) => `${i.code}: ${i.message}`).join('; ') || result.status };
  }

  /** The merchant-fulfilled quantity (DEFAULT); a listing without that row sells nothing we ship: 0. */
  async function readListingStock(sku: string, meter: CallMeter): Promise<StockReading> {
    let response;
    try {
      response = await client.call({
        operation: 'getListingsItem',
        method: 'GET',
        path: `/listings/2021-08-01/items/${encodeURIComponent(config.sellerId)}/${encodeURIComponent(sku)}`,
        query: { marketplaceIds: [config.marketplaceId], includedData: ['fulfillmentAvailability'] },
        meter,
      });
    } catch (err) {
      if (err instanceof ChannelError && err.details.status === 404) return { sku, quantity: null };
      throw err;
    }
    const item = parseJson(ListingsItem, response.text, 'getListingsItem');
    return { sku, quantity: item.fulfillmentAvailability?.find((f) => f.fulfillmentChannelCode === 'DEFAULT')?.quantity ?? 0 };
  }

  const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

  /** createFeedDocument -> upload -> createFeed -> getFeed until finished -> processing report. */
  async function runFeed(messages: Record<string, unknown>[], skus: string[], meter: CallMeter): Promise<ItemResult[]> {
    const created = parseJson(
      CreateFeedDocumentResponse,
      (await client.call({ operation: 'createFeedDocument', method: 'POST', path: '/feeds/2021-06-30/documents', body: { contentType: FEED_CONTENT_TYPE }, meter })).text,
      'createFeedDocument',
    );
    const document = { header: { sellerId: config.sellerId, version: '2.0', issueLocale: 'en_US' }, messages };
    await client.document({ method: 'PUT', url: created.url, contentType: FEED_CONTENT_TYPE, body: JSON.stringify(document), meter });
    const { feedId } = parseJson(
      CreateFeedResponse,
      (
        await client.call({
          operation: 'createFeed',
          method: 'POST',
          path: '/feeds/2021-06-30/feeds',
          body: { feedType: 'JSON_LISTINGS_FEED', marketplaceIds: [config.marketplaceId], inputFeedDocumentId: created.feedDocumentId },
          meter,
        })
      ).text,
      'createFeed',
    );
    const deadline = Date.now() + feedTimeoutMs;
    let feed = parseJson(Feed, (await client.call({ operation: 'getFeed', method: 'GET', path: `/feeds/2021-06-30/feeds/${feedId}`, meter })).text, 'getFeed');
    while (!FINISHED.has(feed.processingStatus)) {
      if (Date.now() >= deadline) throw new ChannelError(`feed ${feedId} still ${feed.processingStatus} after ${feedTimeoutMs} ms`, 'transient');
      await sleep(feedPollMs);
      feed = parseJson(Feed, (await client.call({ operation: 'getFeed', method: 'GET', path: `/feeds/2021-06-30/feeds/${feedId}`, meter })).text, 'getFeed');
    }
    if (!feed.resultFeedDocumentId) {
      return skus.map((sku) => ({ sku, ok: false, error: `feed ${feedId} ended ${feed.processingStatus} without a report` }));
    }
    const reportDoc = parseJson(
      FeedDocument,
      (await client.call({ operation: 'getFeedDocument', method: 'GET', path: `/feeds/2021-06-30/documents/${encodeURIComponent(feed.resultFeedDocumentId)}`, meter })).text,
      'getFeedDocument',
    );
    if (reportDoc.compressionAlgorithm) throw new ChannelError(`feed ${feedId} report is ${reportDoc.compressionAlgorithm}-compressed; not supported`, 'protocol');
    const report = parseJson(ProcessingReport, await client.document({ method: 'GET', url: reportDoc.url, meter }), 'feed processing report');
    return resultsFromReport(report, skus, feed.processingStatus);
  }

  async function push<T extends { sku: string }>(
    items: T[],
    attribute: { path: string; op: 'replace' | 'merge'; value: (item: T) => unknown[] },
  ): Promise<PushResult> {
    const meter: CallMeter = { calls: 0 };
    if (items.length === 0) return { results: [], calls: 0 };
    if (items.length <= feedThreshold) {
      const results: ItemResult[] = [];
      for (const item of items) results.push(await patchListing(item.sku, { path: attribute.path, op: attribute.op, value: attribute.value(item) }, meter));
      return { results, calls: meter.calls };
    }
    const messages = items.map((item, i) => ({
      messageId: i + 1,
      sku: item.sku,
      operationType: 'PATCH',
      productType,
      patches: [{ op: attribute.op, path: attribute.path, value: attribute.value(item) }],
    }));
    const results = await runFeed(messages, items.map((i) => i.sku), meter);
    return { results, calls: meter.calls };
  }

  return {
    channel: 'amazon',
    account: config.account,
    capabilities,
    verifyWebhook,
    parseWebhook,

    async listOrdersChangedSince(input): Promise<OrderPage> {
      // Two walks: orders changed since `since`, then orders with refunds posted since then (cursor prefix).
      if (input.cursor?.startsWith(REFUNDS_CURSOR)) {
        const refunded = await refundedOrders({ since: input.since, token: input.cursor.slice(REFUNDS_CURSOR.length) });
        return { orders: refunded.orders, ...(refunded.next ? { nextCursor: `${REFUNDS_CURSOR}${refunded.next}` } : {}) };
      }
      let response;
      if (input.cursor) {
        // NextToken keeps the original filters; Amazon still wants the marketplace.
        response = await client.call({ operation: 'getOrders', method: 'GET', path: '/orders/v0/orders', query: { MarketplaceIds: [config.marketplaceId], NextToken: input.cursor } });
      } else {
        // LastUpdatedBefore is left to Amazon (now minus two minutes by its own clock): a client clock
        // running ahead would otherwise get the request rejected. The overlap re-reads that blind window.
        const since = Date.parse(input.since);
        if (Number.isNaN(since)) throw new ChannelError(`listOrdersChangedSince: since is not a date: ${input.since}`, 'rejected');
        const after = Math.min(since, Date.now()) - overlapMs;
        response = await client.call({
          operation: 'getOrders',
          method: 'GET',
          path: '/orders/v0/orders',
          query: {
            MarketplaceIds: [config.marketplaceId],
            LastUpdatedAfter: new Date(after).toISOString(),
            MaxResultsPerPage: Math.min(Math.max(input.limit ?? 20, 1), 100),
          },
        });
      }
      const page = parseJson(GetOrdersResponse, response.text, 'getOrders').payload;
      const orders: CanonicalOrder[] = [];
      // getOrderItems is 0.5 rps (burst 30): one order after the other, never in parallel.
      for (const order of page.Orders) orders.push(await toCanonical(order));
      if (page.NextToken) return { orders, nextCursor: page.NextToken };
      const refunded = await refundedOrders({ since: input.since, skip: new Set(orders.map((o) => o.externalId)) });
      orders.push(...refunded.orders);
      return { orders, ...(refunded.next ? { nextCursor: `${REFUNDS_CURSOR}${refunded.next}` } : {}) };
    },

    getOrder: ({ externalId }) => fetchOrder(externalId),

    async acknowledgeOrder(): Promise<void> {
      // SP-API has no order acknowledgement call; nothing to do.
    },

    async confirmShipment(input: ConfirmShipmentInput): Promise<{ shipmentRef: string }> {
      const packageReferenceId = numericPackageReference(input.shipmentId);
      const known = CARRIER_CODES.find((c) => c.toLowerCase() === input.carrier.trim().toLowerCase());
      await client
        .call({
        operation: 'confirmShipment',
        method: 'POST',
        path: `${orderPath(input.externalId)}/shipmentConfirmation`,
        body: {
          marketplaceId: config.marketplaceId,
          packageDetail: {
            packageReferenceId,
            carrierCode: known ?? 'Other',
            ...(known ? {} : { carrierName: input.carrier }),
            trackingNumber: input.trackingNumber,
            shipDate: new Date().toISOString(),
            orderItems: input.lines.map((line) => ({ orderItemId: line.lineId, quantity: line.quantity })),
          },
        },
      })
        .catch(async (err: unknown) => {
          // Amazon refuses a second confirmation (the order is Shipped, or the package id is used) and gives no
          // way to read packages back. When every unit of this package already shows as shipped, an earlier
          // attempt or run confirmed it: done, as for the channels with idempotent shipments.
          if (!(err instanceof ChannelError) || err.details.status !== 400) throw err;
          const shipped = new Map((await orderItems(input.externalId)).map((i) => [i.OrderItemId, i.QuantityShipped ?? 0]));
          if (!input.lines.every((line) => (shipped.get(line.lineId) ?? 0) >= line.quantity)) throw err;
        });
      return { shipmentRef: packageReferenceId };
    },

    async cancelOrder({ externalId }): Promise<void> {
      throw new ChannelError(`Amazon order ${externalId}: seller cancellation is not supported by this adapter`, 'rejected');
    },

    pushStock({ items }: { items: StockUpdate[] }): Promise<PushResult> {
      // Only the merchant row (DEFAULT); FBA quantities belong to Amazon. `merge` keeps handling time.
      return push(items, {
        path: '/attributes/fulfillment_availability',
        op: 'merge',
        value: (item) => [{ fulfillment_channel_code: 'DEFAULT', quantity: item.quantity }],
      });
    },

    async readStock({ skus }: { skus: string[] }): Promise<StockReadResult> {
      const meter: CallMeter = { calls: 0 };
      const results: StockReading[] = [];
      for (const sku of skus) results.push(await readListingStock(sku, meter));
      return { results, calls: meter.calls };
    },

    pushPrices({ items }: { items: PriceUpdate[] }): Promise<PushResult> {
      return push(items, {
        path: '/attributes/purchasable_offer',
        op: 'replace',
        value: (item) => [
          {
            marketplace_id: config.marketplaceId,
            currency: item.price.currency,
            audience: 'ALL',
            // The attribute schema takes a JSON number here.
            our_price: [{ schedule: [{ value_with_tax: Number(item.price.amount) }] }],
          },
        ],
      });
    },

    async pullNotifications(input: PullNotificationsInput): Promise<PullNotificationsResult> {
      const text = await client.queue({
        action: 'receive',
        body: {
          MaxNumberOfMessages: input.maxMessages ?? 10,
          VisibilityTimeout: input.visibilityTimeoutS ?? 30,
          WaitTimeSeconds: input.waitTimeS ?? 0,
        },
      });
      const messages = parseJson(SqsReceiveResponse, text, 'SQS ReceiveMessage').Messages ?? [];
      const events = new Map<string, OrderNotified>();
      const handled: string[] = [];
      const invalid: PullNotificationsResult['invalid'] = [];
      for (const message of messages) {
        const parsed = parseNotification({ body: message.Body, account: config.account, sellerId: config.sellerId });
        if (parsed.kind === 'invalid') {
          invalid.push({ messageId: message.MessageId, reason: parsed.message });
          continue;
        }
        // Duplicates (same NotificationId) are handed over once; the workflow dedupes across batches.
        if (parsed.kind === 'order') events.set(parsed.event.eventId, parsed.event);
        handled.push(message.ReceiptHandle);
      }
      const batch = [...events.values()];
      if (batch.length > 0) await input.handOff(batch);
      for (const receiptHandle of handled) await client.queue({ action: 'delete', body: { ReceiptHandle: receiptHandle } });
      return { received: messages.length, events: batch, deleted: handled.length, invalid };
    },
  };
}

function resultsFromReport(report: ProcessingReport, skus: string[], status: string): ItemResult[] {
  if (status !== 'DONE') {
    const reason = report.issues.map((i) => i.message).join('; ') || `feed ${status}`;
    return skus.map((sku) => ({ sku, ok: false, error: reason }));
  }
  return skus.map((sku, index) => {
    const errors = report.issues.filter((i) => i.messageId === index + 1 && i.severity === 'ERROR');
    return errors.length === 0 ? { sku, ok: true } : { sku, ok: false, error: errors.map((i) => `${i.code}: ${i.message}`).join('; ') };
  });
}

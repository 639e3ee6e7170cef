import { type z } from 'zod';
import { addMoney, type CanonicalOrder, money } from '../../../domain';
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
import { LIST_PAGE_MAX, ORDER_REFUNDS, Q, REFUND_LINES, REFUND_SHIPPING_LINES, searchValue, ShopifyGraphQL } from './client';
import { legacyId, orderFromGraphql } from './mapping';
import {
  FulfillmentCreateResult,
  FulfilmentPlan,
  type GqlLineItem,
  type GqlOrder,
  InventorySetResult,
  OrderById,
  OrderCancelledAt,
  OrderCancelResult,
  OrderLinesPage,
  OrderRefundedUnits,
  OrdersPage,
  PriceUpdateResult,
  StockLookup,
  type UserErrors,
  VariantLookup,
} from './schemas';
import { parseShopifyWebhook, verifyShopifyWebhook } from './webhook';

export { SHOPIFY_HEADERS } from './webhook';
export { MISSING_SKU_PREFIX } from './mapping';

export interface ShopifyAdapterConfig {
  account: string;
  /** `{shop}.myshopify.com`; deliveries for another shop are refused. */
  shopDomain: string;
  /** Base URL of the Admin API host, e.g. https://{shop}.myshopify.com or http://127.0.0.1:PORT. */
  adminUrl: string;
  apiVersion: string;
  accessToken: string;
  /** The app's client secret (webhook HMAC key). */
  webhookSecret: string;
  /** GID of the location stock is set at; default: the shop's first location. */
  locationId?: string;
}

/** inventorySetQuantities and productVariantsBulkUpdate both take at most 250 items (Shopify's array input limit). */
const BATCH = 250;
const SKU_QUERY_CHUNK = 50;
const CANCEL_REASONS = new Set(['CUSTOMER', 'DECLINED', 'FRAUD', 'INVENTORY', 'OTHER', 'STAFF']);

export const SHOPIFY_CAPABILITIES: ChannelCapabilities = {
  orderIntake: 'webhook',
  stockBatchSize: BATCH,
  priceBatchSize: BATCH,
  // One SKU search per read (the search string stays short; ~4 cost points per variant).
  stockReadBatchSize: SKU_QUERY_CHUNK,
  partialShipment: true,
  cancelFromSeller: true,
  acknowledgesOrders: false,
  // Standard plan: 100 GraphQL points/s shared by everything; reads cost ~10-50 points, mutations 10.
  rateClasses: { orders: { perSecond: 4 }, fulfilment: { perSecond: 2 }, catalog: { perSecond: 2 } },
  limitations: [
    'Webhooks are at-least-once and unordered (8 retries over 4 hours, then dropped): run the poller for reconciliation.',
    'Orders older than 60 days are invisible without the read_all_orders scope.',
    'SKUs are not unique on Shopify: a SKU shared by several variants is refused for stock and price pushes and reads as not listed.',
    `Lines without a SKU are kept with a placeholder SKU (shopify-no-sku:line-<id>) so the order stops at needs_attention instead of being dropped.`,
    'Cancelling single lines is not possible through orderCancel (Shopify cancels whole orders; removing lines needs an order edit).',
    'Stock is set at one location (config locationId or the first location); multi-location allocation is not modelled.',
    'Prices are written in the shop currency only; a price in another currency is refused.',
    'fulfillmentCreate has no idempotency key: a repeated shipment is recognised by its tracking number.',
    `Polled orders with refunds read their refunded units and tax in one extra query; an order with ${ORDER_REFUNDS} or more refunds (or a refund of more than ${REFUND_LINES} lines or ${REFUND_SHIPPING_LINES} shipping lines) is refused as protocol rather than read wrong.`,
    "Shopify gives a line's tax and discount for the quantity as ordered; after an edit both are scaled to the quantity that stands (the tax's rounding steered to Shopify's current total tax; the discount may differ from Shopify's by a cent per edited line).",
    'Shopify has no order acknowledgement; acknowledgeOrder does nothing.',
    'Money is read in shop currency (shopMoney); presentment currency is ignored.',
  ],
};

interface VariantRef {
  variantId: string;
  productId: string;
  inventoryItemId: string;
}

export function createShopifyAdapter(config: ShopifyAdapterConfig): ChannelAdapter {
  const gql = new ShopifyGraphQL(config);
  const variants = new Map<string, VariantRef | 'ambiguous'>();
  let shop: { currency: string; locationId: string } | undefined;

  async function restOfLines(order: GqlOrder): Promise<GqlLineItem[]> {
    const lines = [...order.lineItems.nodes];
    let pageInfo = order.lineItems.pageInfo;
    while (pageInfo.hasNextPage) {
      const page = await gql.request({ query: Q.orderLines, variables: { id: order.id, after: pageInfo.endCursor }, schema: OrderLinesPage, what: 'order lines' });
      if (!page.order) throw new ChannelError(`order ${order.id} vanished while reading its lines`, 'transient');
      lines.push(...page.order.lineItems.nodes);
      pageInfo = page.order.lineItems.pageInfo;
    }
    return lines;
  }

  /**
   * Refunded units per line item and the tax the refunds paid back (shop money), read only for orders where some
   * line is below what was ordered (edited or refunded); otherwise none of either.
   */
  async function refunds(order: GqlOrder, lines: GqlLineItem[]): Promise<{ units: Map<string, number>; tax: string }> {
    const units = new Map<string, number>();
    if (lines.every((l) => l.currentQuantity >= l.quantity)) return { units, tax: '0' };
    const read = await gql.request({ query: Q.orderRefundedUnits, variables: { id: order.id }, schema: OrderRefundedUnits, what: 'refunded units' });
    if (!read.order) throw new ChannelError(`order ${order.id} vanished while reading its refunds`, 'transient');
    // A partial read would turn refunded units into an edit (after shipment: an order parked for nothing).
    const partial = read.order.refunds.some((r) => r.refundLineItems.pageInfo.hasNextPage || r.refundShippingLines.pageInfo.hasNextPage);
    if (read.order.refunds.length >= ORDER_REFUNDS || partial) {
      throw new ChannelError(`order ${order.legacyResourceId} has more refunds or refund lines than one read holds`, 'protocol');
    }
    let tax = money('0', order.currencyCode);
    for (const r of read.order.refunds) {
      for (const l of r.refundLineItems.nodes) {
        units.set(l.lineItem.id, (units.get(l.lineItem.id) ?? 0) + l.quantity);
        tax = addMoney(tax, money(l.totalTaxSet.shopMoney.amount, order.currencyCode));
      }
      for (const s of r.refundShippingLines.nodes) tax = addMoney(tax, money(s.taxAmountSet.shopMoney.amount, order.currencyCode));
    }
    return { units, tax: tax.amount };
  }

  async function toCanonical(order: GqlOrder): Promise<CanonicalOrder> {
    try {
      const lines = await restOfLines(order);
      const refunded = await refunds(order, lines);
      return orderFromGraphql(order, lines, config.account, refunded.units, refunded.tax);
    } catch (err) {
      if (err instanceof ChannelError) throw err;
      throw new ChannelError(`order ${order.legacyResourceId} does not map to a canonical order: ${(err as Error).message}`, 'protocol');
    }
  }

  /** SKU -> variant ids, cached per adapter instance; also learns the shop currency and location on first use. */
  async function resolve(skus: string[]): Promise<void> {
    const unknown = [...new Set(skus)].filter((s) => !variants.has(s));
    for (let i = 0; i < unknown.length || (!shop && i === 0); i += SKU_QUERY_CHUNK) {
      const chunk = unknown.slice(i, i + SKU_QUERY_CHUNK);
      const query = chunk.length ? chunk.map((s) => `sku:${searchValue(s)}`).join(' OR ') : 'sku:""';
      const found = new Map<string, VariantRef[]>();
      let after: string | null = null;
      do {
        const page: z.infer<typeof VariantLookup> = await gql.request({ query: Q.variantsBySku(!shop), variables: { query, after }, schema: VariantLookup, what: 'variant lookup' });
        if (!shop && page.shop) {
          const location = config.locationId ?? page.locations?.nodes[0]?.id;
          if (!location) throw new ChannelError('the shop has no location to set stock at', 'rejected');
          shop = { currency: page.shop.currencyCode, locationId: location };
        }
        for (const v of page.productVariants.nodes) {
          if (!v.sku || !chunk.includes(v.sku)) continue; // search is fuzzy; keep exact matches only
          found.set(v.sku, [...(found.get(v.sku) ?? []), { variantId: v.id, productId: v.product.id, inventoryItemId: v.inventoryItem.id }]);
        }
        after = page.productVariants.pageInfo.hasNextPage ? page.productVariants.pageInfo.endCursor : null;
      } while (after);
      for (const sku of chunk) {
        const refs = found.get(sku);
        if (refs?.length === 1) variants.set(sku, refs[0]!);
        else if (refs && refs.length > 1) variants.set(sku, 'ambiguous');
      }
    }
  }

  function lookup(sku: string): VariantRef | string {
    const ref = variants.get(sku);
    if (!ref) return `unknown SKU ${sku} on ${config.shopDomain}`;
    if (ref === 'ambiguous') return `SKU ${sku} is shared by several variants on ${config.shopDomain}`;
    return ref;
  }

  /** One result per SKU of a batch; userErrors name the failing input by its index at `field[indexAt]`. */
  function batchResults(errors: z.infer<typeof UserErrors>, skus: string[], indexAt: number): ItemResult[] {
    if (!errors.length) return skus.map((sku) => ({ sku, ok: true }));
    const bySku = new Map<string, string>();
    for (const e of errors) {
      const index = Number(e.field?.[indexAt]);
      const sku = Number.isInteger(index) ? skus[index] : undefined;
      if (sku) bySku.set(sku, `${e.code ?? 'rejected'}: ${e.message}`);
    }
    const general = errors.filter((e) => !Number.isInteger(Number(e.field?.[indexAt]))).map((e) => e.message).join('; ');
    return skus.map((sku) => ({
      sku,
      ok: false,
      error: bySku.get(sku) ?? (general || 'not applied: another item in the same call was rejected'),
    }));
  }

  return {
    channel: 'shopify',
    account: config.account,
    capabilities: SHOPIFY_CAPABILITIES,

    verifyWebhook: (request) => verifyShopifyWebhook({ request, secret: config.webhookSecret, shopDomain: config.shopDomain }),
    parseWebhook: (request) => parseShopifyWebhook({ ...request, account: config.account }),

    async listOrdersChangedSince(input): Promise<OrderPage> {
      const at = Date.parse(input.since);
      if (Number.isNaN(at)) throw new ChannelError(`listOrdersChangedSince: not a timestamp: ${input.since}`, 'rejected');
      const since = new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z');
      const first = Math.min(Math.max(input.limit ?? LIST_PAGE_MAX, 1), LIST_PAGE_MAX);
      const page = await gql.request({
        query: Q.ordersChangedSince,
        variables: { first, after: input.cursor ?? null, query: `updated_at:>='${since}'` },
        schema: OrdersPage,
        what: 'orders changed since',
      });
      const orders: CanonicalOrder[] = [];
      for (const node of page.orders.nodes) orders.push(await toCanonical(node));
      const next = page.orders.pageInfo.hasNextPage ? page.orders.pageInfo.endCursor : null;
      return next ? { orders, nextCursor: next } : { orders };
    },

    async getOrder({ externalId }) {
      const result = await gql.request({ query: Q.order, variables: { id: `gid://shopify/Order/${externalId}` }, schema: OrderById, what: 'order' });
      if (!result.order) throw new ChannelError(`Shopify order ${externalId} not found`, 'rejected', { status: 200, vendorCode: 'NOT_FOUND' });
      return toCanonical(result.order);
    },

    async acknowledgeOrder() {
      // Shopify has no acknowledgement step.
    },

    async confirmShipment(input: ConfirmShipmentInput) {
      const plan = await gql.request({ query: Q.fulfilmentPlan, variables: { id: `gid://shopify/Order/${input.externalId}` }, schema: FulfilmentPlan, what: 'fulfilment orders' });
      if (!plan.order) throw new ChannelError(`Shopify order ${input.externalId} not found`, 'rejected');
      const earlier = plan.order.fulfillments.find((f) => f.trackingInfo.some((t) => t.number === input.trackingNumber));
      if (earlier) return { shipmentRef: legacyId(earlier.id) }; // the same package was already confirmed
      if (plan.order.cancelledAt) throw new ChannelError(`Shopify order ${input.externalId} is cancelled`, 'rejected');
      const remaining = new Map<string, number>();
      for (const fo of plan.order.fulfillmentOrders.nodes) for (const l of fo.lineItems.nodes) remaining.set(l.id, l.remainingQuantity);
      // Location GID -> fulfilment order GID -> lines; one fulfillmentCreate per location.
      const byLocation = new Map<string, Map<string, { id: string; quantity: number }[]>>();
      for (const want of input.lines) {
        let needed = want.quantity;
        for (const fo of plan.order.fulfillmentOrders.nodes) {
          if (needed === 0 || !['OPEN', 'IN_PROGRESS'].includes(fo.status)) continue;
          for (const l of fo.lineItems.nodes) {
            if (needed === 0 || legacyId(l.lineItem.id) !== want.lineId) continue;
            const take = Math.min(needed, remaining.get(l.id) ?? 0);
            if (take <= 0) continue;
            remaining.set(l.id, (remaining.get(l.id) ?? 0) - take);
            needed -= take;
            const location = fo.assignedLocation.location?.id ?? 'unknown';
            const fos = byLocation.get(location) ?? new Map<string, { id: string; quantity: number }[]>();
            fos.set(fo.id, [...(fos.get(fo.id) ?? []), { id: l.id, quantity: take }]);
            byLocation.set(location, fos);
          }
        }
        if (needed > 0) throw new ChannelError(`line ${want.lineId}: ${needed} more than Shopify has left to fulfil`, 'rejected');
      }
      const refs: string[] = [];
      for (const fos of byLocation.values()) {
        const result = await gql.request({
          query: Q.fulfillmentCreate,
          variables: {
            fulfillment: {
              notifyCustomer: false,
              trackingInfo: { company: input.carrier, number: input.trackingNumber, ...(input.trackingUrl ? { url: input.trackingUrl } : {}) },
              lineItemsByFulfillmentOrder: [...fos].map(([fulfillmentOrderId, lines]) => ({ fulfillmentOrderId, fulfillmentOrderLineItems: lines })),
            },
          },
          schema: FulfillmentCreateResult,
          what: 'fulfillmentCreate',
        });
        const { fulfillment, userErrors } = result.fulfillmentCreate;
        if (userErrors.length || !fulfillment) {
          throw new ChannelError(`fulfillmentCreate: ${userErrors.map((e) => e.message).join('; ') || 'no fulfillment returned'}`, 'rejected');
        }
        refs.push(legacyId(fulfillment.id));
      }
      return { shipmentRef: refs.join(',') };
    },

    async cancelOrder(input) {
      if (input.lineIds?.length) {
        throw new ChannelError('Shopify cancels whole orders only; remove single lines with an order edit', 'rejected');
      }
      const id = `gid://shopify/Order/${input.externalId}`;
      const upper = input.reason.toUpperCase();
      const result = await gql.request({
        query: Q.orderCancel,
        variables: { orderId: id, reason: CANCEL_REASONS.has(upper) ? upper : 'OTHER', refund: true, restock: true, staffNote: input.reason },
        schema: OrderCancelResult,
        what: 'orderCancel',
      });
      const errors = result.orderCancel.orderCancelUserErrors;
      if (!errors.length) return;
      // Cancelling twice is a success for us: check before calling it a rejection.
      const state = await gql.request({ query: Q.orderCancelledAt, variables: { id }, schema: OrderCancelledAt, what: 'order state' });
      if (state.order?.cancelledAt) return;
      throw new ChannelError(`orderCancel: ${errors.map((e) => e.message).join('; ')}`, 'rejected', { vendorCode: errors[0]?.code ?? undefined });
    },

    async pushStock({ items }: { items: StockUpdate[] }): Promise<PushResult> {
      const start = gql.calls;
      await resolve(items.map((i) => i.sku));
      const results: ItemResult[] = [];
      const ready: { item: StockUpdate; ref: VariantRef }[] = [];
      for (const item of items) {
        const ref = lookup(item.sku);
        if (typeof ref === 'string') results.push({ sku: item.sku, ok: false, error: ref });
        else ready.push({ item, ref });
      }
      for (let i = 0; i < ready.length; i += BATCH) {
        const batch = ready.slice(i, i + BATCH);
        const result = await gql.request({
          query: Q.inventorySet,
          variables: {
            input: {
              name: 'available',
              reason: 'correction',
              referenceDocumentUri: `gid://channelsync/StockSync/${config.account}`,
              // changeFromQuantity is always sent: null opts out of compare-and-set (required from 2026-07).
              quantities: batch.map(({ item, ref }) => ({ inventoryItemId: ref.inventoryItemId, locationId: shop!.locationId, quantity: item.quantity, changeFromQuantity: item.expectedCurrent ?? null })),
            },
          },
          schema: InventorySetResult,
          what: 'inventorySetQuantities',
        });
        // field: ["input", "quantities", "<index>", ...]; Shopify applies all or nothing.
        results.push(...batchResults(result.inventorySetQuantities.userErrors, batch.map((b) => b.item.sku), 2));
      }
      return { results, calls: gql.calls - start };
    },

    async pushPrices({ items }: { items: PriceUpdate[] }): Promise<PushResult> {
      const start = gql.calls;
      await resolve(items.map((i) => i.sku));
      const results: ItemResult[] = [];
      const byProduct = new Map<string, { item: PriceUpdate; ref: VariantRef }[]>();
      for (const item of items) {
        const ref = lookup(item.sku);
        if (typeof ref === 'string') results.push({ sku: item.sku, ok: false, error: ref });
        else if (item.price.currency !== shop!.currency) results.push({ sku: item.sku, ok: false, error: `price in ${item.price.currency}, shop currency is ${shop!.currency}` });
        else byProduct.set(ref.productId, [...(byProduct.get(ref.productId) ?? []), { item, ref }]);
      }
      for (const [productId, all] of byProduct) {
        for (let i = 0; i < all.length; i += BATCH) {
          const batch = all.slice(i, i + BATCH);
          const result = await gql.request({
            query: Q.priceUpdate,
            variables: { productId, variants: batch.map(({ item, ref }) => ({ id: ref.variantId, price: item.price.amount })) },
            schema: PriceUpdateResult,
            what: 'productVariantsBulkUpdate',
          });
          // field: ["variants", "<index>", ...]
          results.push(...batchResults(result.productVariantsBulkUpdate.userErrors, batch.map((b) => b.item.sku), 1));
        }
      }
      return { results, calls: gql.calls - start };
    },

    async readStock({ skus }: { skus: string[] }): Promise<StockReadResult> {
      const start = gql.calls;
      if (!shop) await resolve([]);
      const found = new Map<string, number[]>();
      for (let i = 0; i < skus.length; i += SKU_QUERY_CHUNK) {
        const chunk = skus.slice(i, i + SKU_QUERY_CHUNK);
        let after: string | null = null;
        do {
          const page: z.infer<typeof StockLookup> = await gql.request({
            query: Q.stockBySku,
            variables: { query: chunk.map((s) => `sku:${searchValue(s)}`).join(' OR '), after, locationId: shop!.locationId },
            schema: StockLookup,
            what: 'stock by SKU',
          });
          for (const v of page.productVariants.nodes) {
            if (!v.sku || !chunk.includes(v.sku)) continue; // search is fuzzy; keep exact matches only
            // Not stocked at our location: nothing can be sold from it, so it shows 0.
            const available = v.inventoryItem.inventoryLevel ? (v.inventoryItem.inventoryLevel.quantities.find((q) => q.name === 'available')?.quantity ?? 0) : 0;
            found.set(v.sku, [...(found.get(v.sku) ?? []), available]);
          }
          after = page.productVariants.pageInfo.hasNextPage ? page.productVariants.pageInfo.endCursor : null;
        } while (after);
      }
      // A SKU shared by several variants cannot be pushed either: it reads as not listed, like pushStock refuses it.
      const results: StockReading[] = skus.map((sku) => {
        const levels = found.get(sku);
        return { sku, quantity: levels?.length === 1 ? levels[0]! : null };
      });
      return { results, calls: gql.calls - start };
    },
  };
}

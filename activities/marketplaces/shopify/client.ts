import { type z } from 'zod';
import { ChannelError } from '../errors';
import { parseJson, send } from '../http';
import { GraphQLEnvelope } from './schemas';

// Admin GraphQL over http.ts. Shopify reports throttling and most failures with HTTP 200, so the body decides:
// THROTTLED -> rate_limited (wait computed from throttleStatus), other errors -> rejected/auth/transient.

export interface ShopifyClientConfig {
  adminUrl: string;
  apiVersion: string;
  accessToken: string;
  timeoutMs?: number;
}

export class ShopifyGraphQL {
  /** HTTP calls made so far (PushResult.calls is a difference of this). */
  calls = 0;

  constructor(private readonly config: ShopifyClientConfig) {}

  async request<T extends z.ZodType>(input: { query: string; variables?: Record<string, unknown>; schema: T; what: string }): Promise<z.infer<T>> {
    const url = `${this.config.adminUrl.replace(/\/$/, '')}/admin/api/${this.config.apiVersion}/graphql.json`;
    this.calls++;
    const response = await send({
      method: 'POST',
      url,
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-Shopify-Access-Token': this.config.accessToken },
      body: JSON.stringify({ query: input.query, variables: input.variables ?? {} }),
      timeoutMs: this.config.timeoutMs,
    });
    const envelope = parseJson(GraphQLEnvelope, response.text, `Shopify ${input.what}`);
    if (envelope.errors !== undefined) throw classify(envelope, input.what);
    const parsed = input.schema.safeParse(envelope.data);
    if (!parsed.success) {
      const where = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
      throw new ChannelError(`Shopify ${input.what}: unexpected data: ${where}`, 'protocol');
    }
    return parsed.data;
  }
}

export function throttleWaitMs(status: { requestedQueryCost: number; throttleStatus: { currentlyAvailable: number; restoreRate: number } }): number {
  const missing = Math.max(0, status.requestedQueryCost - status.throttleStatus.currentlyAvailable);
  return Math.ceil((missing / Math.max(status.throttleStatus.restoreRate, 1)) * 1000);
}

function classify(envelope: z.infer<typeof GraphQLEnvelope>, what: string): ChannelError {
  const errors = typeof envelope.errors === 'string' ? [{ message: envelope.errors, extensions: undefined }] : (envelope.errors ?? []);
  const codes = errors.map((e) => e.extensions?.code).filter((c): c is string => Boolean(c));
  const message = `Shopify ${what}: ${errors.map((e) => e.message).join('; ')}`;
  const vendorCode = codes[0];
  if (codes.includes('THROTTLED')) {
    const cost = envelope.extensions?.cost;
    return new ChannelError(message, 'rate_limited', { status: 200, vendorCode: 'THROTTLED', retryAfterMs: cost ? throttleWaitMs(cost) : 1000 });
  }
  if (codes.includes('ACCESS_DENIED') || codes.includes('UNAUTHORIZED')) return new ChannelError(message, 'auth', { status: 200, vendorCode });
  if (codes.includes('INTERNAL_SERVER_ERROR') || codes.includes('SERVICE_UNAVAILABLE')) return new ChannelError(message, 'transient', { status: 200, vendorCode });
  return new ChannelError(message, 'rejected', { status: 200, vendorCode });
}

/** GraphQL string literal for Shopify search syntax values. */
export function searchValue(value: string): string {
  return `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

const MONEY = 'shopMoney { amount currencyCode }';
const ADDRESS = 'name firstName lastName company address1 address2 city province provinceCode countryCodeV2 zip phone';
export const LINE_FIELDS = `id sku name quantity currentQuantity variant { id } originalUnitPriceSet { ${MONEY} } totalDiscountSet { ${MONEY} } taxLines { priceSet { ${MONEY} } }`;
/** Fulfillments read with an order for its delivery (one per package; a plain list, 1 cost point). */
const ORDER_FULFILLMENTS = 50;
const ORDER_FIELDS = `id legacyResourceId name email createdAt updatedAt cancelledAt cancelReason displayFinancialStatus displayFulfillmentStatus
  currencyCode taxesIncluded test
  totalPriceSet { ${MONEY} } currentTotalPriceSet { ${MONEY} } totalRefundedSet { ${MONEY} } totalShippingPriceSet { ${MONEY} }
  currentTotalTaxSet { ${MONEY} } shippingLine { taxLines { priceSet { ${MONEY} } } }
  customer { firstName lastName email phone }
  shippingAddress { ${ADDRESS} } billingAddress { ${ADDRESS} }
  fulfillments(first: ${ORDER_FULFILLMENTS}) { status displayStatus deliveredAt }`;

// Page sizes keep each query under Shopify's 1,000-point single-query limit (lines cost ~9 points each).
export const LIST_PAGE_MAX = 8;
export const LIST_LINES = 10;
export const ORDER_LINES = 80;
/**
 * Refunds, lines and shipping lines per refund read to add refunded units back, with the tax they paid back
 * (≤ 931 points even if the list were priced per item: 1 + 10 × (1 + (3 + 20 × 4) + (3 + 2 × 3))).
 */
export const ORDER_REFUNDS = 10;
export const REFUND_LINES = 20;
export const REFUND_SHIPPING_LINES = 2;

export const Q = {
  ordersChangedSince: `query OrdersChangedSince($first: Int!, $after: String, $query: String!) {
    orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
      pageInfo { hasNextPage endCursor }
      nodes { ${ORDER_FIELDS} lineItems(first: ${LIST_LINES}) { pageInfo { hasNextPage endCursor } nodes { ${LINE_FIELDS} } } }
    }
  }`,
  order: `query OrderById($id: ID!) {
    order(id: $id) { ${ORDER_FIELDS} lineItems(first: ${ORDER_LINES}) { pageInfo { hasNextPage endCursor } nodes { ${LINE_FIELDS} } } }
  }`,
  orderRefundedUnits: `query OrderRefundedUnits($id: ID!) {
    order(id: $id) {
      refunds(first: ${ORDER_REFUNDS}) {
        refundLineItems(first: ${REFUND_LINES}) { pageInfo { hasNextPage } nodes { quantity totalTaxSet { ${MONEY} } lineItem { id } } }
        refundShippingLines(first: ${REFUND_SHIPPING_LINES}) { pageInfo { hasNextPage } nodes { taxAmountSet { ${MONEY} } } }
      }
    }
  }`,
  orderLines: `query OrderLines($id: ID!, $after: String) {
    order(id: $id) { lineItems(first: ${ORDER_LINES}, after: $after) { pageInfo { hasNextPage endCursor } nodes { ${LINE_FIELDS} } } }
  }`,
  fulfilmentPlan: `query FulfilmentPlan($id: ID!) {
    order(id: $id) {
      cancelledAt
      fulfillmentOrders(first: 5) {
        nodes { id status assignedLocation { location { id } } lineItems(first: 50) { nodes { id remainingQuantity lineItem { id } } } }
      }
      fulfillments(first: 20) { id trackingInfo { number } }
    }
  }`,
  fulfillmentCreate: `mutation FulfillmentCreate($fulfillment: FulfillmentInput!) {
    fulfillmentCreate(fulfillment: $fulfillment) { fulfillment { id status } userErrors { field message } }
  }`,
  orderCancel: `mutation OrderCancel($orderId: ID!, $reason: OrderCancelReason!, $refund: Boolean!, $restock: Boolean!, $staffNote: String) {
    orderCancel(orderId: $orderId, reason: $reason, refund: $refund, restock: $restock, notifyCustomer: false, staffNote: $staffNote) {
      job { id } orderCancelUserErrors { field message code }
    }
  }`,
  orderCancelledAt: `query OrderCancelledAt($id: ID!) { order(id: $id) { cancelledAt } }`,
  variantsBySku: (withContext: boolean) => `query VariantsBySku($query: String!, $after: String) {
    ${withContext ? 'shop { currencyCode } locations(first: 1) { nodes { id } }' : ''}
    productVariants(first: 100, after: $after, query: $query) {
      pageInfo { hasNextPage endCursor }
      nodes { id sku product { id } inventoryItem { id } }
    }
  }`,
  stockBySku: `query StockBySku($query: String!, $after: String, $locationId: ID!) {
    productVariants(first: 100, after: $after, query: $query) {
      pageInfo { hasNextPage endCursor }
      nodes { sku inventoryItem { inventoryLevel(locationId: $locationId) { quantities(names: ["available"]) { name quantity } } } }
    }
  }`,
  inventorySet: `mutation SetStock($input: InventorySetQuantitiesInput!) {
    inventorySetQuantities(input: $input) { inventoryAdjustmentGroup { id } userErrors { field message code } }
  }`,
  priceUpdate: `mutation SetPrices($productId: ID!, $variants: [ProductVariantsBulkInput!]!) {
    productVariantsBulkUpdate(productId: $productId, variants: $variants) { productVariants { id price } userErrors { field message code } }
  }`,
} as const;

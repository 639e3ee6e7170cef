import { randomBytes, randomInt } from 'node:crypto';
import { fromCents, toCents } from './decimal';

// In-memory state of one simulated eBay seller account.

export interface SimProduct {
  sku: string;
  title: string;
  quantity: number;
  price: string;
  currency: string;
  offerId: string;
  listingId: string;
  offerStatus: 'PUBLISHED' | 'UNPUBLISHED';
}

export interface SimLine {
  lineItemId: string;
  legacyItemId: string;
  sku: string;
  title: string;
  quantity: number;
  unitPrice: string;
  shippedQuantity: number;
}

export interface SimAddress {
  fullName: string;
  addressLine1: string;
  addressLine2?: string;
  city: string;
  stateOrProvince?: string;
  postalCode?: string;
  countryCode: string;
  phone?: string;
  email?: string;
}

export interface SimFulfillment {
  fulfillmentId: string;
  shippedDate: string;
  shippingCarrierCode: string;
  trackingNumber: string;
  lineItems: { lineItemId: string; quantity: number }[];
}

export interface SimRefund {
  refundId: string;
  amount: string;
  refundDate: string;
}

export interface SimOrder {
  orderId: string;
  legacyOrderId: string;
  salesRecordReference: string;
  currency: string;
  creationDate: string;
  lastModifiedDate: string;
  buyerUsername: string;
  shipTo: SimAddress;
  buyerCheckoutNotes?: string;
  shippingCost: string;
  lines: SimLine[];
  paymentStatus: 'PENDING' | 'PAID' | 'FAILED' | 'PARTIALLY_REFUNDED' | 'FULLY_REFUNDED';
  cancelState: 'NONE_REQUESTED' | 'IN_PROGRESS' | 'CANCELED';
  cancelledDate?: string;
  refunds: SimRefund[];
  fulfillments: SimFulfillment[];
}

export interface Faults {
  latencyMs: number;
  serverErrors: number;
  rateLimits: number;
  dropNotifications: number;
}

export function digits(count: number): string {
  let out = String(randomInt(1, 10));
  while (out.length < count) out += String(randomInt(0, 10));
  return out;
}

export function newToken(prefix: string): string {
  return `${prefix}${randomBytes(24).toString('base64url')}`;
}

/** Milliseconds until the next midnight in US Pacific time, when eBay's daily quotas restart. */
export function msUntilPacificMidnight(now = Date.now()): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: 'America/Los_Angeles', hourCycle: 'h23', hour: 'numeric', minute: 'numeric', second: 'numeric',
  }).formatToParts(new Date(now));
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const elapsed = ((get('hour') * 60 + get('minute')) * 60 + get('second')) * 1000 + (now % 1000);
  return 86_400_000 - elapsed;
}

export function pacificDay(now = Date.now()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Los_Angeles' }).format(new Date(now));
}

export function lineStatus(line: SimLine): 'NOT_STARTED' | 'IN_PROGRESS' | 'FULFILLED' {
  if (line.shippedQuantity <= 0) return 'NOT_STARTED';
  return line.shippedQuantity >= line.quantity ? 'FULFILLED' : 'IN_PROGRESS';
}

export function orderFulfillmentStatus(order: SimOrder): 'NOT_STARTED' | 'IN_PROGRESS' | 'FULFILLED' {
  const statuses = order.lines.map(lineStatus);
  if (statuses.every((s) => s === 'FULFILLED')) return 'FULFILLED';
  return statuses.every((s) => s === 'NOT_STARTED') ? 'NOT_STARTED' : 'IN_PROGRESS';
}

export function orderSubtotal(order: SimOrder): bigint {
  return order.lines.reduce((sum, l) => sum + toCents(l.unitPrice) * BigInt(l.quantity), 0n);
}

export function orderTotal(order: SimOrder): string {
  return fromCents(orderSubtotal(order) + toCents(order.shippingCost));
}

export class EbayStore {
  readonly products = new Map<string, SimProduct>();
  readonly orders = new Map<string, SimOrder>();
  readonly faults: Faults = { latencyMs: 0, serverErrors: 0, rateLimits: 0, dropNotifications: 0 };
  /** access token -> expiry (epoch ms) and kind. */
  readonly tokens = new Map<string, { expiresAt: number; kind: 'user' | 'application' }>();
  tokensIssued = 0;
  /** `${api}/${pacific day}` -> calls made. */
  readonly quotaUsed = new Map<string, number>();
  /** `${sku}/${pacific day}` -> listing revisions made (eBay allows 250 a day). */
  readonly revisions = new Map<string, number>();
  private lastStamp = 0;

  constructor(readonly dailyQuota: number) {}

  /** Strictly increasing timestamps, so lastModifiedDate always moves forward. */
  stamp(): string {
    this.lastStamp = Math.max(Date.now(), this.lastStamp + 1);
    return new Date(this.lastStamp).toISOString();
  }

  upsertProduct(input: { sku: string; price: string; stock: number; currency?: string; title?: string }): SimProduct {
    const existing = this.products.get(input.sku);
    const product: SimProduct = existing
      ? { ...existing, price: input.price, quantity: input.stock, currency: input.currency ?? existing.currency }
      : {
          sku: input.sku,
          title: input.title ?? `Item ${input.sku}`,
          quantity: input.stock,
          price: input.price,
          currency: input.currency ?? 'USD',
          offerId: digits(10),
          listingId: digits(12),
          offerStatus: 'PUBLISHED',
        };
    this.products.set(input.sku, product);
    return product;
  }

  /** Counts one call against the API's daily quota; false once the quota is spent. */
  takeQuota(api: string): boolean {
    const key = `${api}/${pacificDay()}`;
    const used = this.quotaUsed.get(key) ?? 0;
    if (used >= this.dailyQuota) return false;
    this.quotaUsed.set(key, used + 1);
    return true;
  }

  quotaRemaining(api: string): number {
    return Math.max(0, this.dailyQuota - (this.quotaUsed.get(`${api}/${pacificDay()}`) ?? 0));
  }

  /** Counts one revision of a listing; false once the daily cap is reached. */
  takeRevision(sku: string): boolean {
    const key = `${sku}/${pacificDay()}`;
    const used = this.revisions.get(key) ?? 0;
    if (used >= 250) return false;
    this.revisions.set(key, used + 1);
    return true;
  }

  newOrderId(): string {
    let id: string;
    do id = `${String(randomInt(1, 100)).padStart(2, '0')}-${digits(5)}-${digits(5)}`;
    while (this.orders.has(id));
    return id;
  }

  touch(order: SimOrder): void {
    order.lastModifiedDate = this.stamp();
  }
}

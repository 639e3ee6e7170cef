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
  /** Everything this refund paid back (the sum of its lines for a line-level refund). */
  amount: string;
  refundDate: string;
  /** Line-level refund (issueRefund refundItems): shown under lineItems[].refunds instead of paymentSummary. */
  lines?: { lineItemId: string; amount: string }[];
  reason?: string;
  comment?: string;
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

export interface RefundRequest {
  /** orderLevelRefundAmount; absent with `lines`, and absent altogether = the rest of the order. */
  amount?: string;
  /** refundItems: money per line item. */
  lines?: { lineItemId: string; amount: string }[];
  reason?: string;
  comment?: string;
}

/** Why eBay refuses a refund: issueRefund's errorId, HTTP status and message. */
export interface RefundRefusal {
  errorId: number;
  status: 400 | 409;
  message: string;
}

/** Records a refund as eBay would once processed, or says why eBay would refuse it. */
export function issueRefund(store: EbayStore, order: SimOrder, request: RefundRequest): SimRefund | RefundRefusal {
  const total = toCents(orderTotal(order));
  const done = order.refunds.reduce((n, r) => n + toCents(r.amount), 0n);
  let amount: bigint;
  if (request.lines?.length) {
    amount = 0n;
    for (const ref of request.lines) {
      const line = order.lines.find((l) => l.lineItemId === ref.lineItemId);
      if (!line) return { errorId: 34914, status: 400, message: "Can't find the item in the order." };
      const cents = toCents(ref.amount);
      const before = order.refunds.flatMap((r) => r.lines ?? []).filter((l) => l.lineItemId === ref.lineItemId).reduce((n, l) => n + toCents(l.amount), 0n);
      if (cents <= 0n) return { errorId: 34907, status: 400, message: 'The amount value must be positive and within two decimals.' };
      if (before + cents > toCents(line.unitPrice) * BigInt(line.quantity)) {
        return { errorId: 34924, status: 409, message: 'The item refund amount exceeds the item remaining amount.' };
      }
      amount += cents;
    }
  } else {
    amount = request.amount ? toCents(request.amount) : total - done;
  }
  if (done >= total) return { errorId: 34917, status: 400, message: 'This order was already refunded.' };
  if (amount <= 0n || done + amount > total) return { errorId: 34915, status: 400, message: 'The refund amount exceeds order amount.' };
  const refund: SimRefund = {
    refundId: digits(10),
    amount: fromCents(amount),
    refundDate: store.stamp(),
    ...(request.lines?.length ? { lines: request.lines.map((l) => ({ lineItemId: l.lineItemId, amount: fromCents(toCents(l.amount)) })) } : {}),
    ...(request.reason ? { reason: request.reason } : {}),
    ...(request.comment ? { comment: request.comment } : {}),
  };
  order.refunds.push(refund);
  order.paymentStatus = done + amount === total ? 'FULLY_REFUNDED' : 'PARTIALLY_REFUNDED';
  store.touch(order);
  return refund;
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

  /**
   * Never decreasing and never ahead of the clock, as on eBay: two changes in the same millisecond share a stamp
   * (stamping ahead would hide the newest orders from a lastmodifieddate window that ends now).
   */
  stamp(): string {
    this.lastStamp = Math.max(Date.now(), this.lastStamp);
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

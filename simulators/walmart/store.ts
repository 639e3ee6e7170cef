import { randomUUID } from 'node:crypto';

// In-memory Walmart seller account: purchase orders with line-level statuses, stock, prices and feeds.
// Amounts are kept as decimal strings and only turned into JSON numbers on the wire (as Walmart does).

export type LineStatus = 'Created' | 'Acknowledged' | 'Shipped' | 'Delivered' | 'Cancelled' | 'Refund';

export const CANCEL_REASONS = [
  'CUSTOMER_REQUESTED_SELLER_TO_CANCEL',
  'SELLER_CANCEL_PRICING_ERROR',
  'SELLER_CANCEL_OUT_OF_STOCK',
  'SELLER_CANCEL_FRAUD_STOP_SHIPMENT',
  'SELLER_CANCEL_ADDRESS_NOT_SERVICEABLE',
] as const;

export interface Tracking {
  shipDateTime: number;
  carrier?: string;
  otherCarrier?: string;
  methodCode: string;
  trackingNumber: string;
  trackingURL?: string;
}

export interface StatusEntry {
  status: LineStatus;
  quantity: number;
  cancellationReason?: string;
  tracking?: Tracking;
}

export interface SimRefund {
  refundId: string;
  comments?: string;
  reason: string;
  chargeType: 'PRODUCT' | 'SHIPPING';
  /** Negative decimal strings, as Walmart reports refunded charges and their tax. */
  amount: string;
  tax?: string;
}

export interface RefundRequest {
  lineNumber: string;
  /** Positive or negative; stored negative. */
  amount: string;
  tax?: string;
  chargeType?: 'PRODUCT' | 'SHIPPING';
  reason: string;
  comments?: string;
  /** Units refunded: moved from Shipped/Delivered to the `Refund` line status. */
  quantity?: number;
}

export interface SimLine {
  lineNumber: string;
  sku: string;
  productName: string;
  quantity: number;
  /** Per-unit item price and per-unit tax (decimal strings). */
  unitPrice: string;
  unitTax?: string;
  /** The line's shipping charge and its tax (not per unit). */
  shipping?: string;
  shippingTax?: string;
  statuses: StatusEntry[];
  refunds: SimRefund[];
  statusDate: number;
  sellerOrderId?: string;
}

export interface SimAddress {
  name: string;
  address1: string;
  address2?: string;
  city: string;
  state: string;
  postalCode: string;
  country: string;
}

export interface SimOrder {
  purchaseOrderId: string;
  customerOrderId: string;
  customerEmailId: string;
  buyerId: string;
  orderDate: number;
  lastModified: number;
  currency: string;
  shipNodeType: 'SellerFulfilled' | 'WFSFulfilled' | '3PLFulfilled';
  phone: string;
  methodCode: 'Standard' | 'Express' | 'OneDay' | 'Freight' | 'WhiteGlove' | 'Value';
  address: SimAddress;
  lines: SimLine[];
}

export interface SimShipment {
  purchaseOrderId: string;
  trackingNumber: string;
  carrier: string;
  lines: { lineNumber: string; quantity: number }[];
}

export interface FeedItemResult {
  sku: string;
  index: number;
  ok: boolean;
  errorCode?: string;
  errorText?: string;
}

export interface SimFeed {
  feedId: string;
  feedType: 'inventory' | 'price';
  submittedAt: number;
  readyAt: number;
  items: FeedItemResult[];
  applied: boolean;
  /** Writes the accepted items into the catalogue once the feed is processed. */
  apply: () => void;
}

export class SimError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export interface Product {
  sku: string;
  price: string;
  stock: number;
}

const DAY_MS = 86_400_000;

export class WalmartStore {
  readonly orders = new Map<string, SimOrder>();
  readonly products = new Map<string, Product>();
  readonly shipments: SimShipment[] = [];
  readonly feeds = new Map<string, SimFeed>();
  private nextPo = 1_000_000_000_001;
  private nextRefund = 1;

  constructor(products: Product[]) {
    for (const p of products) this.products.set(p.sku, { ...p });
  }

  product(sku: string): Product {
    const found = this.products.get(sku);
    if (!found) throw new SimError(404, 'CONTENT_NOT_FOUND.GMP_INVENTORY_API', `SKU ${sku} is not set up for this seller`, 'sku');
    return found;
  }

  order(purchaseOrderId: string): SimOrder {
    const found = this.orders.get(purchaseOrderId);
    if (!found) throw new SimError(404, 'CONTENT_NOT_FOUND.GMP_ORDER_API', `purchase order ${purchaseOrderId} not found`, 'purchaseOrderId');
    return found;
  }

  createOrder(input: {
    lines: { sku: string; quantity: number; unitPrice: string; unitTax?: string; shipping?: string; shippingTax?: string; productName?: string }[];
    currency: string;
    shipNodeType: SimOrder['shipNodeType'];
    address?: Partial<SimAddress>;
    orderDate?: number;
  }): SimOrder {
    const now = Date.now();
    const orderDate = input.orderDate ?? now;
    const po = String(this.nextPo++);
    const order: SimOrder = {
      purchaseOrderId: po,
      customerOrderId: String(5_000_000_000_000 + Number(po.slice(-9))),
      customerEmailId: `${randomUUID().replace(/-/g, '').toUpperCase()}@relay.walmart.com`,
      buyerId: randomUUID(),
      orderDate,
      lastModified: now,
      currency: input.currency,
      shipNodeType: input.shipNodeType,
      phone: '3155550100',
      methodCode: 'Standard',
      address: {
        name: 'Kathryn Cole',
        address1: '3258 Warners Rd',
        city: 'Warners',
        state: 'NY',
        postalCode: '13164',
        country: 'USA',
        ...input.address,
      },
      lines: input.lines.map((l, i) => ({
        lineNumber: String(i + 1),
        sku: l.sku,
        productName: l.productName ?? `Product ${l.sku}`,
        quantity: l.quantity,
        unitPrice: l.unitPrice,
        unitTax: l.unitTax,
        shipping: l.shipping,
        shippingTax: l.shippingTax,
        statuses: [{ status: 'Created', quantity: l.quantity }],
        refunds: [],
        statusDate: orderDate,
      })),
    };
    this.orders.set(po, order);
    return order;
  }

  /** Acknowledge is per PO: every Created quantity becomes Acknowledged. Re-acknowledging is allowed. */
  acknowledge(po: string): SimOrder {
    const order = this.order(po);
    const open = order.lines.flatMap((l) => l.statuses).filter((s) => s.status !== 'Cancelled');
    if (open.length > 0 && open.every((s) => s.status === 'Shipped' || s.status === 'Delivered')) {
      throw new SimError(400, 'INVALID_REQUEST_CONTENT.GMP_ORDER_API', 'Do not acknowledge orders that have already been shipped');
    }
    for (const line of order.lines) {
      let changed = false;
      for (const s of line.statuses) {
        if (s.status === 'Created') {
          s.status = 'Acknowledged';
          changed = true;
        }
      }
      if (changed) this.touch(order, line);
      line.statuses = merge(line.statuses);
    }
    return order;
  }

  ship(po: string, lines: { lineNumber: string; quantity: number; sellerOrderId: string; tracking: Tracking }[]): SimOrder {
    const order = this.order(po);
    // Validate everything first so a bad line leaves the order untouched.
    const wanted = new Map<string, number>();
    for (const req of lines) wanted.set(req.lineNumber, (wanted.get(req.lineNumber) ?? 0) + req.quantity);
    for (const [lineNumber, qty] of wanted) {
      const line = this.line(order, lineNumber);
      if (countOf(line, 'Created') > 0) {
        throw new SimError(400, 'INVALID_REQUEST_CONTENT.GMP_ORDER_API', `line ${lineNumber} must be acknowledged before it can be shipped`, 'orderLineStatus');
      }
      const available = countOf(line, 'Acknowledged');
      if (qty > available) {
        throw new SimError(400, 'INVALID_REQUEST_CONTENT.GMP_ORDER_API', `line ${lineNumber}: cannot ship ${qty}, only ${available} acknowledged and not shipped`, 'statusQuantity');
      }
    }
    const byTracking = new Map<string, SimShipment>();
    for (const req of lines) {
      const line = this.line(order, req.lineNumber);
      move(line, 'Acknowledged', { status: 'Shipped', quantity: req.quantity, tracking: req.tracking });
      line.sellerOrderId = req.sellerOrderId;
      this.touch(order, line);
      const key = req.tracking.trackingNumber;
      const shipment = byTracking.get(key) ?? {
        purchaseOrderId: po,
        trackingNumber: key,
        carrier: req.tracking.carrier ?? req.tracking.otherCarrier ?? '',
        lines: [],
      };
      shipment.lines.push({ lineNumber: req.lineNumber, quantity: req.quantity });
      byTracking.set(key, shipment);
    }
    this.shipments.push(...byTracking.values());
    return order;
  }

  cancel(po: string, lines: { lineNumber: string; quantity: number; reason: string }[]): SimOrder {
    const order = this.order(po);
    for (const req of lines) {
      const line = this.line(order, req.lineNumber);
      const open = countOf(line, 'Created') + countOf(line, 'Acknowledged');
      if (req.quantity > open) {
        throw new SimError(400, 'INVALID_REQUEST_CONTENT.GMP_ORDER_API', `line ${req.lineNumber}: cannot cancel ${req.quantity}, only ${open} not yet shipped`, 'statusQuantity');
      }
    }
    for (const req of lines) {
      const line = this.line(order, req.lineNumber);
      let left = req.quantity;
      for (const from of ['Created', 'Acknowledged'] as const) {
        const take = Math.min(left, countOf(line, from));
        if (take > 0) move(line, from, { status: 'Cancelled', quantity: take, cancellationReason: req.reason });
        left -= take;
      }
      this.touch(order, line);
    }
    return order;
  }

  /**
   * The carrier delivered: shipped units of these lines (all lines when absent) become `Delivered`, keeping their
   * tracking; statusDate and lastModified move, so the change shows to lastModified searches (Walmart sends no
   * notification for it).
   */
  deliver(po: string, lineNumbers?: string[]): SimOrder {
    const order = this.order(po);
    for (const lineNumber of lineNumbers ?? []) this.line(order, lineNumber);
    for (const line of order.lines) {
      if (lineNumbers && !lineNumbers.includes(line.lineNumber)) continue;
      if (countOf(line, 'Shipped') === 0) continue;
      for (const bucket of line.statuses) if (bucket.status === 'Shipped') bucket.status = 'Delivered';
      line.statuses = merge(line.statuses);
      this.touch(order, line);
    }
    return order;
  }

  /** One refundOrderLines call: one refund id for the call, its charges appended to each line's refund. */
  refund(po: string, lines: RefundRequest[]): SimOrder {
    const order = this.order(po);
    const negative = (amount: string) => (amount.startsWith('-') ? amount : `-${amount}`);
    const positive = (amount: string) => amount.replace(/^-/, '');
    // Validate everything first so a bad line leaves the order untouched.
    const asked = new Map<string, { cents: bigint; units: number }>();
    for (const req of lines) {
      this.line(order, req.lineNumber);
      const sum = asked.get(req.lineNumber) ?? { cents: 0n, units: 0 };
      sum.cents += cents(positive(req.amount)) + cents(positive(req.tax ?? '0'));
      sum.units += req.quantity ?? 0;
      asked.set(req.lineNumber, sum);
    }
    for (const [lineNumber, sum] of asked) {
      const line = this.line(order, lineNumber);
      const charged = (cents(line.unitPrice) + cents(line.unitTax ?? '0')) * BigInt(line.quantity - countOf(line, 'Cancelled')) + cents(line.shipping ?? '0') + cents(line.shippingTax ?? '0');
      const done = line.refunds.reduce((n, r) => n + cents(positive(r.amount)) + cents(positive(r.tax ?? '0')), 0n);
      if (done + sum.cents > charged) throw new SimError(400, 'INVALID_REQUEST_CONTENT.GMP_ORDER_API', `line ${lineNumber}: refund exceeds what was charged`, 'chargeAmount');
      const out = countOf(line, 'Shipped') + countOf(line, 'Delivered');
      if (sum.units > out) throw new SimError(400, 'INVALID_REQUEST_CONTENT.GMP_ORDER_API', `line ${lineNumber}: only ${out} unit(s) shipped and not refunded`, 'statusQuantity');
    }
    const refundId = `R${this.nextRefund++}`;
    for (const req of lines) {
      const line = this.line(order, req.lineNumber);
      line.refunds.push({
        refundId,
        reason: req.reason,
        comments: req.comments,
        chargeType: req.chargeType ?? 'PRODUCT',
        amount: negative(req.amount),
        ...(req.tax && cents(positive(req.tax)) !== 0n ? { tax: negative(req.tax) } : {}),
      });
      // Refunded units keep the tracking they shipped with (the adapter recognises its shipments by it).
      let units = req.quantity ?? 0;
      const moved: StatusEntry[] = [];
      for (const bucket of line.statuses) {
        if (units === 0 || (bucket.status !== 'Delivered' && bucket.status !== 'Shipped')) continue;
        const take = Math.min(units, bucket.quantity);
        bucket.quantity -= take;
        units -= take;
        moved.push({ status: 'Refund', quantity: take, ...(bucket.tracking ? { tracking: bucket.tracking } : {}) });
      }
      line.statuses = merge([...line.statuses.filter((b) => b.quantity > 0), ...moved]);
      this.touch(order, line);
    }
    return order;
  }

  /** Orders matching the getAllOrders filters, ordered by purchase order id (stable keyset for paging). */
  search(filter: {
    createdStart?: number;
    createdEnd?: number;
    modifiedStart?: number;
    modifiedEnd?: number;
    status?: LineStatus;
    sku?: string;
    purchaseOrderId?: string;
    customerOrderId?: string;
    shipNodeType: string;
    afterPo?: string;
  }): SimOrder[] {
    const now = Date.now();
    // createdStartDate defaults to 7 days back unless the caller filters by modification date.
    const createdStart = filter.createdStart ?? (filter.modifiedStart === undefined ? now - 7 * DAY_MS : undefined);
    return [...this.orders.values()]
      .filter((o) => o.orderDate >= now - 180 * DAY_MS)
      .filter((o) => createdStart === undefined || o.orderDate >= createdStart)
      .filter((o) => filter.createdEnd === undefined || o.orderDate <= filter.createdEnd)
      .filter((o) => filter.modifiedStart === undefined || o.lastModified >= filter.modifiedStart)
      .filter((o) => filter.modifiedEnd === undefined || o.lastModified <= filter.modifiedEnd)
      .filter((o) => o.shipNodeType === filter.shipNodeType)
      .filter((o) => !filter.status || o.lines.some((l) => l.statuses.some((s) => s.status === filter.status)))
      .filter((o) => !filter.sku || o.lines.some((l) => l.sku === filter.sku))
      .filter((o) => !filter.purchaseOrderId || o.purchaseOrderId === filter.purchaseOrderId)
      .filter((o) => !filter.customerOrderId || o.customerOrderId === filter.customerOrderId)
      .sort((a, b) => comparePo(a.purchaseOrderId, b.purchaseOrderId))
      .filter((o) => !filter.afterPo || comparePo(o.purchaseOrderId, filter.afterPo) > 0);
  }

  private line(order: SimOrder, lineNumber: string): SimLine {
    const line = order.lines.find((l) => l.lineNumber === lineNumber);
    if (!line) {
      throw new SimError(400, 'INVALID_REQUEST_CONTENT.GMP_ORDER_API', `line ${lineNumber} does not exist on PO ${order.purchaseOrderId}`, 'lineNumber');
    }
    return line;
  }

  private touch(order: SimOrder, line: SimLine): void {
    // Keep modification times strictly increasing so lastModified filters are deterministic.
    const now = Math.max(Date.now(), order.lastModified + 1);
    order.lastModified = now;
    line.statusDate = now;
  }
}

/** Decimal text (a leading '-' allowed) -> integer cents, and back (non-negative). */
export function cents(amount: string): bigint {
  const [whole = '0', frac = ''] = amount.replace('-', '').split('.');
  const value = BigInt(whole) * 100n + BigInt(frac.padEnd(2, '0').slice(0, 2) || '0');
  return amount.startsWith('-') ? -value : value;
}

export function fromCents(value: bigint): string {
  return `${value / 100n}.${String(value % 100n).padStart(2, '0')}`;
}

export function countOf(line: SimLine, status: LineStatus): number {
  return line.statuses.filter((s) => s.status === status).reduce((n, s) => n + s.quantity, 0);
}

function move(line: SimLine, from: LineStatus, to: StatusEntry): void {
  let left = to.quantity;
  for (const s of line.statuses) {
    if (s.status !== from || left === 0) continue;
    const take = Math.min(left, s.quantity);
    s.quantity -= take;
    left -= take;
  }
  line.statuses = merge([...line.statuses.filter((s) => s.quantity > 0), to]);
}

/** Joins buckets with the same status and no per-bucket details (tracking, reason). */
function merge(statuses: StatusEntry[]): StatusEntry[] {
  const out: StatusEntry[] = [];
  for (const s of statuses) {
    const same = out.find((o) => o.status === s.status && !o.tracking && !s.tracking && o.cancellationReason === s.cancellationReason);
    if (same) same.quantity += s.quantity;
    else out.push({ ...s });
  }
  return out;
}

function comparePo(a: string, b: string): number {
  return a.length === b.length ? a.localeCompare(b) : a.length - b.length;
}

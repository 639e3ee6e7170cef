import { randomUUID } from 'node:crypto';
import { connection, GraphQLFieldError } from './graphql-doc';

// The shop's state and its two renderings: REST (snake_case, shop-offset times, what webhooks carry)
// and GraphQL (camelCase, UTC times, GIDs). Money is kept in integer cents; Shopify prints strings.

export interface ProductSeed {
  sku: string;
  price: string;
  stock: number;
  title?: string;
}

interface Variant {
  productId: number;
  variantId: number;
  inventoryItemId: number;
  sku: string;
  title: string;
  priceCents: bigint;
  /** available quantity per location id */
  available: Map<number, number>;
}

export interface SimAddress {
  firstName: string;
  lastName: string;
  company?: string;
  address1: string;
  address2?: string;
  city: string;
  province?: string;
  provinceCode?: string;
  country?: string;
  countryCode: string;
  zip?: string;
  phone?: string;
}

interface Line {
  id: number;
  variant?: Variant;
  sku: string;
  title: string;
  quantity: number;
  currentQuantity: number;
  priceCents: bigint;
  /** A line-level discount over the quantity as ordered; removed and refunded units take their share with them. */
  discountCents: bigint;
  taxRate: number;
  fulfilled: number;
}

interface FulfillmentOrder {
  id: number;
  locationId: number;
  status: 'OPEN' | 'IN_PROGRESS' | 'CLOSED' | 'CANCELLED';
  lines: { id: number; lineItemId: number; total: number; remaining: number }[];
}

export interface Fulfillment {
  id: number;
  createdAt: number;
  company: string;
  number: string;
  url: string | null;
  lines: { lineItemId: number; quantity: number }[];
  /** REST shipment_status from the carrier's events (null until one arrives); GraphQL shows it as displayStatus. */
  shipmentStatus?: 'delivered';
  deliveredAt?: number;
  /** Last change of the record (a shipment status); createdAt until then. */
  updatedAt?: number;
}

interface Refund {
  id: number;
  orderId: number;
  createdAt: number;
  note: string | null;
  /** `subtotal` is after the units' share of the line discount (`discount`), as Shopify's refund line subtotal. */
  lines: { id: number; lineItemId: number; quantity: number; restockType: string; subtotal: bigint; discount: bigint; tax: bigint }[];
  shippingCents: bigint;
  /** The shipping's tax given back with it (the adjustment's tax_amount, the refund shipping line's taxAmountSet). */
  shippingTaxCents: bigint;
  amountCents: bigint;
}

export interface Order {
  id: number;
  number: number;
  token: string;
  email: string | null;
  createdAt: number;
  updatedAt: number;
  cancelledAt: number | null;
  cancelReason: string | null;
  closedAt: number | null;
  financialStatus: 'pending' | 'authorized' | 'partially_paid' | 'paid' | 'partially_refunded' | 'refunded' | 'voided';
  currency: string;
  taxesIncluded: boolean;
  test: boolean;
  note: string | null;
  customer: { id: number; firstName: string; lastName: string; email: string | null; phone: string | null } | null;
  shippingAddress: SimAddress | null;
  billingAddress: SimAddress | null;
  shippingCents: bigint;
  shippingTaxCents: bigint;
  lines: Line[];
  fulfillmentOrders: FulfillmentOrder[];
  fulfillments: Fulfillment[];
  refunds: Refund[];
}

export class SimError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly field: string[] | null = null,
  ) {
    super(message);
  }
}

export function toCents(amount: string): bigint {
  const m = /^(-?)(\d+)(?:\.(\d{1,}))?$/.exec(amount.trim());
  if (!m) throw new SimError(`not a decimal amount: ${amount}`, 'INVALID');
  const frac = (m[3] ?? '').padEnd(3, '0');
  let cents = BigInt(m[2]!) * 100n + BigInt(frac.slice(0, 2));
  if (Number(frac[2]) >= 5) cents += 1n;
  return m[1] ? -cents : cents;
}

/** REST style: always two decimals. */
export function restAmount(cents: bigint): string {
  const negative = cents < 0n;
  const abs = negative ? -cents : cents;
  return `${negative ? '-' : ''}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
}

/** GraphQL Decimal style: trailing zeros trimmed but one decimal kept ("12.5", "10.0"). */
export function graphqlAmount(cents: bigint): string {
  return restAmount(cents).replace(/0$/, '');
}

export const gid = (type: string, id: number): string => `gid://shopify/${type}/${id}`;

export function parseGid(value: string, type: string): number | undefined {
  const m = new RegExp(`^gid://shopify/${type}/(\\d+)$`).exec(value);
  return m ? Number(m[1]) : undefined;
}

export class ShopStore {
  readonly variants = new Map<string, Variant>(); // by sku
  readonly orders = new Map<number, Order>();
  readonly locationId = 76_543_210_001;
  private seq = { order: 5_660_000_000_000, number: 1000, line: 13_400_000_000_000, product: 8_100_000_000, variant: 44_000_000_000, item: 46_000_000_000, fo: 6_300_000_000, fulfillment: 5_100_000_000, refund: 910_000_000, other: 1 };

  constructor(
    readonly shopDomain: string,
    readonly currency: string,
    /** The shop's UTC offset in minutes; REST timestamps are printed in it. */
    readonly offsetMinutes: number,
  ) {}

  addProduct(seed: ProductSeed): void {
    const productId = ++this.seq.product;
    this.variants.set(seed.sku, {
      productId,
      variantId: ++this.seq.variant,
      inventoryItemId: ++this.seq.item,
      sku: seed.sku,
      title: seed.title ?? `Product ${seed.sku}`,
      priceCents: toCents(seed.price),
      available: new Map([[this.locationId, seed.stock]]),
    });
  }

  nextId(kind: keyof ShopStore['seq']): number {
    return ++this.seq[kind];
  }

  order(id: number): Order {
    const o = this.orders.get(id);
    if (!o) throw new SimError('Not Found', 'NOT_FOUND');
    return o;
  }

  createOrder(input: {
    lines: { sku: string; quantity: number; price?: string; discount?: string; taxRate?: number; title?: string }[];
    email?: string | null;
    customer?: { firstName: string; lastName: string; email?: string; phone?: string };
    shippingAddress?: SimAddress | null;
    billingAddress?: SimAddress | null;
    shippingPrice?: string;
    shippingTax?: string;
    financialStatus?: Order['financialStatus'];
    taxesIncluded?: boolean;
    test?: boolean;
    note?: string;
  }): Order {
    const now = Date.now();
    const lines: Line[] = input.lines.map((l) => {
      const variant = this.variants.get(l.sku);
      if (variant) variant.available.set(this.locationId, (variant.available.get(this.locationId) ?? 0) - l.quantity);
      return {
        id: this.nextId('line'),
        variant,
        sku: l.sku,
        title: l.title ?? variant?.title ?? l.sku,
        quantity: l.quantity,
        currentQuantity: l.quantity,
        priceCents: l.price !== undefined ? toCents(l.price) : (variant?.priceCents ?? 0n),
        discountCents: toCents(l.discount ?? '0'),
        taxRate: l.taxRate ?? 0,
        fulfilled: 0,
      };
    });
    const id = this.nextId('order');
    const email = input.email !== undefined ? input.email : (input.customer?.email ?? 'buyer@example.com');
    const customer = input.customer
      ? { id: this.nextId('other') + 7_000_000_000, firstName: input.customer.firstName, lastName: input.customer.lastName, email, phone: input.customer.phone ?? null }
      : null;
    const defaultAddress: SimAddress = { firstName: 'Ada', lastName: 'Lovelace', address1: '1 Analytical Way', city: 'Ottawa', province: 'Ontario', provinceCode: 'ON', country: 'Canada', countryCode: 'CA', zip: 'K1A 0B1' };
    const shippingAddress = input.shippingAddress === undefined ? defaultAddress : input.shippingAddress;
    const order: Order = {
      id,
      number: ++this.seq.number,
      token: randomUUID().replace(/-/g, ''),
      email,
      createdAt: now,
      updatedAt: now,
      cancelledAt: null,
      cancelReason: null,
      closedAt: null,
      financialStatus: input.financialStatus ?? 'paid',
      currency: this.currency,
      taxesIncluded: input.taxesIncluded ?? false,
      test: input.test ?? false,
      note: input.note ?? null,
      customer,
      shippingAddress,
      billingAddress: input.billingAddress === undefined ? shippingAddress : input.billingAddress,
      shippingCents: toCents(input.shippingPrice ?? '0'),
      shippingTaxCents: toCents(input.shippingTax ?? '0'),
      lines,
      fulfillmentOrders: [
        {
          id: this.nextId('fo'),
          locationId: this.locationId,
          status: 'OPEN',
          lines: lines.map((l) => ({ id: this.nextId('other') + 20_000_000_000, lineItemId: l.id, total: l.quantity, remaining: l.quantity })),
        },
      ],
      fulfillments: [],
      refunds: [],
    };
    this.orders.set(id, order);
    return order;
  }

  touch(order: Order): void {
    // Timestamps have one-second resolution on Shopify; keep updated_at moving forward.
    order.updatedAt = Math.max(Date.now(), order.updatedAt);
  }

  editQuantities(orderId: number, changes: { lineItemId: number; quantity: number }[]): Order {
    const order = this.order(orderId);
    if (order.cancelledAt) throw new SimError('Order is cancelled', 'INVALID');
    for (const change of changes) {
      const line = this.line(order, change.lineItemId);
      if (change.quantity < line.fulfilled) throw new SimError('Cannot reduce below the fulfilled quantity', 'INVALID');
      const delta = change.quantity - line.currentQuantity;
      line.currentQuantity = change.quantity;
      if (line.variant) line.variant.available.set(this.locationId, (line.variant.available.get(this.locationId) ?? 0) - delta);
      for (const fo of order.fulfillmentOrders) {
        for (const fl of fo.lines) if (fl.lineItemId === line.id) fl.remaining = Math.max(0, fl.remaining + delta);
      }
    }
    this.touch(order);
    return order;
  }

  line(order: Order, lineItemId: number): Line {
    const line = order.lines.find((l) => l.id === lineItemId);
    if (!line) throw new SimError(`Line item ${lineItemId} does not belong to order ${order.id}`, 'INVALID');
    return line;
  }

  cancel(orderId: number, input: { reason: string; restock: boolean; refund: boolean }): { order: Order; refund?: Refund } {
    const order = this.order(orderId);
    if (order.cancelledAt) throw new SimError('Order has already been cancelled', 'INVALID');
    order.cancelledAt = Date.now();
    order.cancelReason = input.reason.toLowerCase();
    order.closedAt = order.cancelledAt;
    for (const fo of order.fulfillmentOrders) if (fo.status !== 'CLOSED') fo.status = 'CANCELLED';
    let refund: Refund | undefined;
    const paid = this.paidCents(order);
    if (input.refund && paid > 0n && (order.financialStatus === 'paid' || order.financialStatus === 'partially_refunded')) {
      refund = this.refund(orderId, {
        lines: order.lines.filter((l) => l.currentQuantity > l.fulfilled).map((l) => ({ lineItemId: l.id, quantity: l.currentQuantity - l.fulfilled, restock: input.restock })),
        refundShipping: true,
        note: 'Order cancelled',
      });
    } else {
      if (order.financialStatus === 'authorized' || order.financialStatus === 'pending') order.financialStatus = 'voided';
      if (input.restock) {
        for (const l of order.lines) {
          const open = l.currentQuantity - l.fulfilled;
          if (l.variant && open > 0) l.variant.available.set(this.locationId, (l.variant.available.get(this.locationId) ?? 0) + open);
        }
      }
    }
    this.touch(order);
    return { order, refund };
  }

  refund(orderId: number, input: { lines: { lineItemId: number; quantity: number; restock?: boolean }[]; refundShipping?: boolean; note?: string }): Refund {
    const order = this.order(orderId);
    const refundLines = input.lines.map((r) => {
      const line = this.line(order, r.lineItemId);
      if (r.quantity > line.currentQuantity) throw new SimError(`Cannot refund more than ${line.currentQuantity} of line ${line.id}`, 'INVALID');
      line.currentQuantity -= r.quantity;
      for (const fo of order.fulfillmentOrders) {
        for (const fl of fo.lines) if (fl.lineItemId === line.id) fl.remaining = Math.min(fl.remaining, Math.max(0, line.currentQuantity - line.fulfilled));
      }
      if (r.restock && line.variant) line.variant.available.set(this.locationId, (line.variant.available.get(this.locationId) ?? 0) + r.quantity);
      const discount = discountOf(line, r.quantity);
      const subtotal = line.priceCents * BigInt(r.quantity) - discount;
      return { id: this.nextId('other') + 30_000_000_000, lineItemId: line.id, quantity: r.quantity, restockType: r.restock ? (line.fulfilled > 0 ? 'return' : 'cancel') : 'no_restock', subtotal, discount, tax: taxOf(subtotal, line.taxRate) };
    });
    const shippingCents = input.refundShipping ? order.shippingCents - order.refunds.reduce((s, r) => s + r.shippingCents, 0n) : 0n;
    const shippingTaxCents = input.refundShipping ? order.shippingTaxCents - order.refunds.reduce((s, r) => s + r.shippingTaxCents, 0n) : 0n;
    // The shipping's tax is on top of its price unless prices include tax.
    const amountCents = refundLines.reduce((s, l) => s + l.subtotal + l.tax, 0n) + shippingCents + (order.taxesIncluded ? 0n : shippingTaxCents);
    const refund: Refund = { id: this.nextId('refund'), orderId, createdAt: Date.now(), note: input.note ?? null, lines: refundLines, shippingCents, shippingTaxCents, amountCents };
    order.refunds.push(refund);
    const refunded = order.refunds.reduce((s, r) => s + r.amountCents, 0n);
    order.financialStatus = refunded >= this.paidCents(order) ? 'refunded' : 'partially_refunded';
    this.touch(order);
    return refund;
  }

  fulfil(order: Order, input: { items: { foId: number; lines?: { foLineId: number; quantity: number }[] }[]; company: string; number: string; url: string | null }): Fulfillment {
    const plan: { fo: FulfillmentOrder; foLine: FulfillmentOrder['lines'][number]; quantity: number }[] = [];
    for (const item of input.items) {
      const fo = order.fulfillmentOrders.find((f) => f.id === item.foId);
      if (!fo) throw new SimError('Fulfillment order does not exist.', 'INVALID', ['fulfillment', 'lineItemsByFulfillmentOrder']);
      if (fo.status === 'CLOSED' || fo.status === 'CANCELLED') throw new SimError(`Fulfillment order ${fo.id} has an unfulfillable status= ${fo.status.toLowerCase()}.`, 'INVALID');
      const wanted = item.lines ?? fo.lines.filter((l) => l.remaining > 0).map((l) => ({ foLineId: l.id, quantity: l.remaining }));
      for (const w of wanted) {
        const foLine = fo.lines.find((l) => l.id === w.foLineId);
        if (!foLine) throw new SimError('Invalid fulfillment order line item id.', 'INVALID');
        if (w.quantity > foLine.remaining || w.quantity <= 0) throw new SimError(`Invalid fulfillment order line item quantity requested.`, 'INVALID');
        plan.push({ fo, foLine, quantity: w.quantity });
      }
    }
    if (plan.length === 0) throw new SimError('Nothing left to fulfil.', 'INVALID');
    const fulfillment: Fulfillment = { id: this.nextId('fulfillment'), createdAt: Date.now(), company: input.company, number: input.number, url: input.url, lines: [] };
    for (const p of plan) {
      p.foLine.remaining -= p.quantity;
      this.line(order, p.foLine.lineItemId).fulfilled += p.quantity;
      fulfillment.lines.push({ lineItemId: p.foLine.lineItemId, quantity: p.quantity });
      p.fo.status = p.fo.lines.every((l) => l.remaining === 0) ? 'CLOSED' : 'IN_PROGRESS';
    }
    order.fulfillments.push(fulfillment);
    this.touch(order);
    return fulfillment;
  }

  /**
   * The carrier delivered these fulfillments (every one when none is named): a `delivered` fulfillment event, so
   * shipment_status / displayStatus DELIVERED and deliveredAt = `at`. Returns the events, as REST shows them.
   */
  deliver(orderId: number, input: { fulfillmentIds?: number[]; at?: number }): Record<string, unknown>[] {
    const order = this.order(orderId);
    const chosen = order.fulfillments.filter((f) => !input.fulfillmentIds || input.fulfillmentIds.includes(f.id));
    if (input.fulfillmentIds && chosen.length !== input.fulfillmentIds.length) throw new SimError('Fulfillment does not exist.', 'NOT_FOUND');
    if (chosen.length === 0) throw new SimError('The order has no fulfillment to deliver.', 'INVALID');
    const now = Date.now();
    const at = input.at ?? now;
    this.touch(order);
    return chosen.map((f) => {
      f.shipmentStatus = 'delivered';
      f.deliveredAt = at;
      f.updatedAt = now;
      const id = this.nextId('other') + 27_000_000_000;
      return {
        id, fulfillment_id: f.id, status: 'delivered', message: null, happened_at: this.restTime(at), city: null, province: null, country: null, zip: null,
        address1: null, latitude: null, longitude: null, shop_id: 6_830_000_001, created_at: this.restTime(now), updated_at: this.restTime(now),
        estimated_delivery_at: null, order_id: order.id, admin_graphql_api_id: gid('FulfillmentEvent', id),
      };
    });
  }

  private paidCents(order: Order): bigint {
    return totals(order).originalTotal;
  }

  // ---- timestamps ----

  restTime(ms: number | null): string | null {
    if (ms === null) return null;
    const shifted = new Date(ms + this.offsetMinutes * 60_000).toISOString().slice(0, 19);
    const sign = this.offsetMinutes < 0 ? '-' : '+';
    const abs = Math.abs(this.offsetMinutes);
    return `${shifted}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  }

  // ---- REST rendering ----

  restOrder(o: Order): Record<string, unknown> {
    const t = totals(o);
    const set = (cents: bigint) => moneySet(cents, o.currency);
    const fulfilledAll = o.lines.every((l) => l.fulfilled >= l.currentQuantity);
    const fulfilledAny = o.lines.some((l) => l.fulfilled > 0);
    return {
      id: o.id,
      admin_graphql_api_id: gid('Order', o.id),
      app_id: 580111,
      browser_ip: '203.0.113.7',
      cancel_reason: o.cancelReason,
      cancelled_at: this.restTime(o.cancelledAt),
      closed_at: this.restTime(o.closedAt),
      confirmed: true,
      contact_email: o.email,
      created_at: this.restTime(o.createdAt),
      currency: o.currency,
      current_subtotal_price: restAmount(t.currentSubtotal),
      current_subtotal_price_set: set(t.currentSubtotal),
      current_total_discounts: restAmount(t.currentDiscounts),
      current_total_discounts_set: set(t.currentDiscounts),
      current_total_price: restAmount(t.currentTotal),
      current_total_price_set: set(t.currentTotal),
      current_total_tax: restAmount(t.currentTax),
      current_total_tax_set: set(t.currentTax),
      email: o.email ?? '',
      financial_status: o.financialStatus,
      fulfillment_status: fulfilledAny ? (fulfilledAll ? 'fulfilled' : 'partial') : null,
      name: `#${o.number}`,
      note: o.note,
      number: o.number - 1000,
      order_number: o.number,
      presentment_currency: o.currency,
      processed_at: this.restTime(o.createdAt),
      source_name: 'web',
      subtotal_price: restAmount(t.originalSubtotal),
      subtotal_price_set: set(t.originalSubtotal),
      tags: '',
      tax_lines: t.originalTax > 0n ? [{ price: restAmount(t.originalTax), rate: o.lines[0]?.taxRate ?? 0, title: 'Tax', price_set: set(t.originalTax) }] : [],
      taxes_included: o.taxesIncluded,
      test: o.test,
      token: o.token,
      total_discounts: restAmount(t.originalDiscounts),
      total_discounts_set: set(t.originalDiscounts),
      total_line_items_price: restAmount(t.lineItemsPrice),
      total_line_items_price_set: set(t.lineItemsPrice),
      total_price: restAmount(t.originalTotal),
      total_price_set: set(t.originalTotal),
      total_shipping_price_set: set(o.shippingCents),
      total_tax: restAmount(t.originalTax),
      total_tax_set: set(t.originalTax),
      total_weight: 0,
      updated_at: this.restTime(o.updatedAt),
      user_id: null,
      billing_address: restAddress(o.billingAddress),
      customer: o.customer
        ? { id: o.customer.id, email: o.customer.email, first_name: o.customer.firstName, last_name: o.customer.lastName, phone: o.customer.phone, admin_graphql_api_id: gid('Customer', o.customer.id), currency: o.currency }
        : null,
      discount_codes: [],
      // One manual line discount per discounted line; a line's discount_allocations point at it by index.
      discount_applications: discounted(o).map((l) => ({
        type: 'manual', title: 'Line discount', description: 'Line discount', value: restAmount(l.discountCents), value_type: 'fixed_amount',
        allocation_method: 'one', target_selection: 'explicit', target_type: 'line_item',
      })),
      fulfillments: o.fulfillments.map((f) => ({
        id: f.id,
        admin_graphql_api_id: gid('Fulfillment', f.id),
        created_at: this.restTime(f.createdAt),
        location_id: this.locationId,
        name: `#${o.number}.${o.fulfillments.indexOf(f) + 1}`,
        order_id: o.id,
        status: 'success',
        tracking_company: f.company,
        tracking_number: f.number,
        tracking_numbers: [f.number],
        tracking_url: f.url,
        tracking_urls: f.url ? [f.url] : [],
        shipment_status: f.shipmentStatus ?? null,
        updated_at: this.restTime(f.updatedAt ?? f.createdAt),
        line_items: f.lines.map((fl) => ({ ...this.restLine(o, this.line(o, fl.lineItemId)), quantity: fl.quantity })),
      })),
      line_items: o.lines.map((l) => this.restLine(o, l)),
      refunds: o.refunds.map((r) => this.restRefund(r)),
      shipping_address: restAddress(o.shippingAddress),
      shipping_lines: o.shippingCents > 0n
        ? [{
            id: o.id + 1, code: 'Standard', price: restAmount(o.shippingCents), price_set: set(o.shippingCents), source: 'shopify', title: 'Standard',
            tax_lines: o.shippingTaxCents > 0n ? [{ price: restAmount(o.shippingTaxCents), rate: shippingTaxRate(o), title: 'Tax', price_set: set(o.shippingTaxCents) }] : [],
            discount_allocations: [],
          }]
        : [],
    };
  }

  restLine(o: Order, l: Line): Record<string, unknown> {
    const set = (cents: bigint) => moneySet(cents, o.currency);
    // As ordered, removed and refunded units included (Shopify never rewrites them).
    const tax = lineTaxOf(l, l.quantity);
    const application = discounted(o).indexOf(l);
    return {
      id: l.id,
      admin_graphql_api_id: gid('LineItem', l.id),
      current_quantity: l.currentQuantity,
      fulfillable_quantity: Math.max(0, l.currentQuantity - l.fulfilled),
      fulfillment_service: 'manual',
      fulfillment_status: l.fulfilled === 0 ? null : l.fulfilled >= l.currentQuantity ? 'fulfilled' : 'partial',
      gift_card: false,
      grams: 0,
      name: l.title,
      price: restAmount(l.priceCents),
      price_set: set(l.priceCents),
      product_exists: Boolean(l.variant),
      product_id: l.variant?.productId ?? null,
      properties: [],
      quantity: l.quantity,
      requires_shipping: true,
      sku: l.sku,
      taxable: l.taxRate > 0,
      title: l.title,
      total_discount: restAmount(l.discountCents),
      total_discount_set: set(l.discountCents),
      variant_id: l.variant?.variantId ?? null,
      variant_inventory_management: 'shopify',
      variant_title: null,
      vendor: null,
      tax_lines: tax > 0n ? [{ price: restAmount(tax), rate: l.taxRate, title: 'Tax', price_set: set(tax) }] : [],
      duties: [],
      discount_allocations: application < 0 ? [] : [{ amount: restAmount(l.discountCents), amount_set: set(l.discountCents), discount_application_index: application }],
    };
  }

  restRefund(r: Refund): Record<string, unknown> {
    const o = this.order(r.orderId);
    const set = (cents: bigint) => moneySet(cents, o.currency);
    return {
      id: r.id,
      admin_graphql_api_id: gid('Refund', r.id),
      created_at: this.restTime(r.createdAt),
      note: r.note,
      order_id: r.orderId,
      processed_at: this.restTime(r.createdAt),
      restock: r.lines.some((l) => l.restockType !== 'no_restock'),
      total_duties_set: set(0n),
      user_id: null,
      order_adjustments: r.shippingCents > 0n
        ? [{ id: r.id + 1, amount: restAmount(-r.shippingCents), amount_set: set(-r.shippingCents), kind: 'shipping_refund', order_id: r.orderId, reason: 'Shipping refund', refund_id: r.id, tax_amount: restAmount(-r.shippingTaxCents), tax_amount_set: set(-r.shippingTaxCents) }]
        : [],
      transactions: [
        { id: r.id + 2, admin_graphql_api_id: gid('OrderTransaction', r.id + 2), amount: restAmount(r.amountCents), currency: o.currency, gateway: 'bogus', kind: 'refund', order_id: r.orderId, parent_id: o.id + 3, status: 'success', created_at: this.restTime(r.createdAt), processed_at: this.restTime(r.createdAt), test: o.test },
      ],
      refund_line_items: r.lines.map((rl) => ({
        id: rl.id,
        line_item_id: rl.lineItemId,
        location_id: rl.restockType === 'no_restock' ? null : this.locationId,
        quantity: rl.quantity,
        restock_type: rl.restockType,
        subtotal: restAmount(rl.subtotal),
        subtotal_set: set(rl.subtotal),
        total_tax: restAmount(rl.tax),
        total_tax_set: set(rl.tax),
        line_item: this.restLine(o, this.line(o, rl.lineItemId)),
      })),
    };
  }

  // ---- GraphQL rendering ----

  graphqlOrder(o: Order): Record<string, unknown> {
    const t = totals(o);
    const bag = (cents: bigint) => moneyBag(cents, o.currency);
    const fulfilledAll = o.lines.every((l) => l.fulfilled >= l.currentQuantity);
    const fulfilledAny = o.lines.some((l) => l.fulfilled > 0);
    return {
      __typename: 'Order',
      id: gid('Order', o.id),
      legacyResourceId: String(o.id),
      name: `#${o.number}`,
      email: o.email,
      createdAt: utc(o.createdAt),
      updatedAt: utc(o.updatedAt),
      processedAt: utc(o.createdAt),
      cancelledAt: o.cancelledAt === null ? null : utc(o.cancelledAt),
      cancelReason: o.cancelReason?.toUpperCase() ?? null,
      closedAt: o.closedAt === null ? null : utc(o.closedAt),
      closed: o.closedAt !== null,
      displayFinancialStatus: o.financialStatus.toUpperCase(),
      displayFulfillmentStatus: fulfilledAny ? (fulfilledAll ? 'FULFILLED' : 'PARTIALLY_FULFILLED') : 'UNFULFILLED',
      currencyCode: o.currency,
      presentmentCurrencyCode: o.currency,
      taxesIncluded: o.taxesIncluded,
      test: o.test,
      tags: [],
      note: o.note,
      phone: null,
      totalPriceSet: bag(t.originalTotal),
      currentTotalPriceSet: bag(t.currentTotal),
      // What the refunds paid back; Shopify's current total is net of it.
      totalRefundedSet: bag(o.refunds.reduce((s, r) => s + r.amountCents, 0n)),
      subtotalPriceSet: bag(t.originalSubtotal),
      currentSubtotalPriceSet: bag(t.currentSubtotal),
      totalTaxSet: bag(t.originalTax),
      currentTotalTaxSet: bag(t.currentTax),
      totalShippingPriceSet: bag(o.shippingCents),
      // The summary of the shipping lines (one here, as in the REST shipping_lines).
      shippingLine: o.shippingCents > 0n
        ? {
            __typename: 'ShippingLine', title: 'Standard', code: 'Standard', source: 'shopify', originalPriceSet: bag(o.shippingCents), discountedPriceSet: bag(o.shippingCents),
            taxLines: o.shippingTaxCents > 0n ? [{ __typename: 'TaxLine', title: 'Tax', rate: shippingTaxRate(o), priceSet: bag(o.shippingTaxCents) }] : [],
          }
        : null,
      totalDiscountsSet: bag(t.originalDiscounts),
      currentTotalDiscountsSet: bag(t.currentDiscounts),
      customer: o.customer
        ? { __typename: 'Customer', id: gid('Customer', o.customer.id), firstName: o.customer.firstName, lastName: o.customer.lastName, email: o.customer.email, phone: o.customer.phone, displayName: `${o.customer.firstName} ${o.customer.lastName}` }
        : null,
      shippingAddress: graphqlAddress(o.shippingAddress),
      billingAddress: graphqlAddress(o.billingAddress),
      lineItems: connection(
        o.lines.map((l) => {
          const tax = lineTaxOf(l, l.quantity);
          return {
            __typename: 'LineItem',
            id: gid('LineItem', l.id),
            sku: l.sku || null,
            name: l.title,
            title: l.title,
            quantity: l.quantity,
            currentQuantity: l.currentQuantity,
            unfulfilledQuantity: Math.max(0, l.currentQuantity - l.fulfilled),
            requiresShipping: true,
            variant: l.variant ? this.graphqlVariant(l.variant) : null,
            originalUnitPriceSet: bag(l.priceCents),
            discountedUnitPriceSet: bag(l.quantity === 0 ? l.priceCents : l.priceCents - discountOf(l, 1)),
            totalDiscountSet: bag(l.discountCents),
            discountAllocations: l.discountCents > 0n
              ? [{ __typename: 'DiscountAllocation', allocatedAmountSet: bag(l.discountCents), discountApplication: { __typename: 'ManualDiscountApplication', title: 'Line discount', allocationMethod: 'ONE', targetSelection: 'EXPLICIT', targetType: 'LINE_ITEM' } }]
              : [],
            taxLines: tax > 0n ? [{ __typename: 'TaxLine', title: 'Tax', rate: l.taxRate, priceSet: bag(tax) }] : [],
          };
        }),
      ),
      fulfillmentOrders: connection(
        o.fulfillmentOrders.map((fo) => ({
          __typename: 'FulfillmentOrder',
          id: gid('FulfillmentOrder', fo.id),
          status: fo.status,
          assignedLocation: { __typename: 'FulfillmentOrderAssignedLocation', name: 'Shop location', location: { __typename: 'Location', id: gid('Location', fo.locationId) } },
          lineItems: connection(
            fo.lines.map((fl) => ({
              __typename: 'FulfillmentOrderLineItem',
              id: gid('FulfillmentOrderLineItem', fl.id),
              totalQuantity: fl.total,
              remainingQuantity: fl.remaining,
              lineItem: { __typename: 'LineItem', id: gid('LineItem', fl.lineItemId), sku: this.line(o, fl.lineItemId).sku || null },
            })),
          ),
        })),
      ),
      fulfillments: o.fulfillments.map((f) => this.graphqlFulfillment(f)),
      refunds: o.refunds.map((r) => ({
        __typename: 'Refund',
        id: gid('Refund', r.id),
        createdAt: utc(r.createdAt),
        note: r.note,
        totalRefundedSet: bag(r.amountCents),
        refundLineItems: connection(
          r.lines.map((l) => ({
            __typename: 'RefundLineItem',
            id: gid('RefundLineItem', l.id),
            quantity: l.quantity,
            restockType: l.restockType.toUpperCase(),
            restocked: l.restockType !== 'no_restock',
            subtotalSet: bag(l.subtotal),
            totalTaxSet: bag(l.tax),
            lineItem: { __typename: 'LineItem', id: gid('LineItem', l.lineItemId), sku: this.line(o, l.lineItemId).sku || null },
          })),
        ),
        refundShippingLines: connection(
          r.shippingCents > 0n
            ? [{ __typename: 'RefundShippingLine', id: gid('RefundShippingLine', r.id + 1), subtotalAmountSet: bag(r.shippingCents), taxAmountSet: bag(r.shippingTaxCents) }]
            : [],
        ),
      })),
    };
  }

  graphqlFulfillment(f: Fulfillment): Record<string, unknown> {
    return {
      __typename: 'Fulfillment',
      id: gid('Fulfillment', f.id),
      status: 'SUCCESS',
      createdAt: utc(f.createdAt),
      updatedAt: utc(f.updatedAt ?? f.createdAt),
      displayStatus: f.shipmentStatus === 'delivered' ? 'DELIVERED' : 'FULFILLED',
      deliveredAt: f.deliveredAt === undefined ? null : utc(f.deliveredAt),
      trackingInfo: [{ __typename: 'FulfillmentTrackingInfo', company: f.company, number: f.number, url: f.url }],
    };
  }

  graphqlVariant(v: Variant): Record<string, unknown> {
    return {
      __typename: 'ProductVariant',
      id: gid('ProductVariant', v.variantId),
      legacyResourceId: String(v.variantId),
      sku: v.sku,
      title: 'Default Title',
      displayName: `${v.title} - Default Title`,
      price: graphqlAmount(v.priceCents),
      compareAtPrice: null,
      inventoryQuantity: [...v.available.values()].reduce((a, b) => a + b, 0),
      product: { __typename: 'Product', id: gid('Product', v.productId), title: v.title },
      inventoryItem: {
        __typename: 'InventoryItem',
        id: gid('InventoryItem', v.inventoryItemId),
        sku: v.sku,
        tracked: true,
        inventoryLevel: (args: Record<string, unknown>) => this.graphqlInventoryLevel(v, args),
      },
    };
  }

  /** InventoryItem.inventoryLevel(locationId:): null when the item is not stocked at that location. */
  private graphqlInventoryLevel(v: Variant, args: Record<string, unknown>): Record<string, unknown> | null {
    if (typeof args.locationId !== 'string') {
      throw new GraphQLFieldError("Field 'inventoryLevel' is missing required arguments: locationId", { code: 'missingRequiredArguments', arguments: 'locationId' });
    }
    const locationId = parseGid(args.locationId, 'Location');
    if (locationId === undefined || !v.available.has(locationId)) return null;
    const available = v.available.get(locationId) ?? 0;
    // Reservations are not modelled: what is on hand is what is available.
    const figures: Record<string, number> = { available, on_hand: available, committed: 0, incoming: 0, damaged: 0, quality_control: 0, reserved: 0, safety_stock: 0 };
    return {
      __typename: 'InventoryLevel',
      id: `${gid('InventoryLevel', locationId)}?inventory_item_id=${v.inventoryItemId}`,
      location: { __typename: 'Location', id: gid('Location', locationId) },
      quantities: (q: Record<string, unknown>) => {
        if (!Array.isArray(q.names)) {
          throw new GraphQLFieldError("Field 'quantities' is missing required arguments: names", { code: 'missingRequiredArguments', arguments: 'names' });
        }
        return q.names.map((name) => {
          if (typeof name !== 'string' || !(name in figures)) {
            throw new GraphQLFieldError(`The quantity name '${String(name)}' is not valid.`, { code: 'INVALID_QUANTITY_NAME' });
          }
          return { __typename: 'InventoryQuantity', name, quantity: figures[name], updatedAt: utc(Date.now()) };
        });
      },
    };
  }
}

export function utc(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function discounted(o: Order): Line[] {
  return o.lines.filter((l) => l.discountCents > 0n);
}

function taxOf(cents: bigint, rate: number): bigint {
  return BigInt(Math.round(Number(cents) * rate));
}

/** The rate the shipping's tax stands for (its tax line's `rate`), to four decimals. */
function shippingTaxRate(o: Order): number {
  return o.shippingCents > 0n ? Math.round((Number(o.shippingTaxCents) / Number(o.shippingCents)) * 10_000) / 10_000 : 0;
}

/** Units on the order after edits, refunded ones included: what the line's figures stand for before refunds. */
function editedQuantity(o: Order, l: Line): number {
  return l.currentQuantity + o.refunds.flatMap((r) => r.lines).reduce((s, rl) => (rl.lineItemId === l.id ? s + rl.quantity : s), 0);
}

/** The line discount's share of `units` (proportional, half up): what an edit or a refund of them takes away. */
function discountOf(l: Line, units: number): bigint {
  if (units === l.quantity) return l.discountCents;
  if (l.quantity === 0) return 0n;
  const q = BigInt(l.quantity);
  return (2n * l.discountCents * BigInt(units) + q) / (2n * q);
}

/** Tax on `units` of the line after their share of the discount; an edit recalculates it for the new quantity. */
function lineTaxOf(l: Line, units: number): bigint {
  return taxOf(l.priceCents * BigInt(units) - discountOf(l, units), l.taxRate);
}

/**
 * As ordered, and current (Shopify's current_*): after edits, recalculated per line, then less exactly what the
 * refunds paid back. Line figures (tax_lines, total_discount) stay as ordered, as on Shopify.
 */
function totals(o: Order) {
  const sum = (f: (l: Line) => bigint) => o.lines.reduce((s, l) => s + f(l), 0n);
  const refundLines = o.refunds.flatMap((r) => r.lines);
  const refunded = (f: (rl: Refund['lines'][number]) => bigint) => refundLines.reduce((s, rl) => s + f(rl), 0n);
  const lineItemsPrice = sum((l) => l.priceCents * BigInt(l.quantity));
  const originalDiscounts = sum((l) => l.discountCents);
  const originalSubtotal = lineItemsPrice - originalDiscounts;
  // Shopify's tax totals include the shipping's.
  const originalTax = sum((l) => lineTaxOf(l, l.quantity)) + o.shippingTaxCents;
  const currentDiscounts = sum((l) => discountOf(l, editedQuantity(o, l))) - refunded((rl) => rl.discount);
  const currentSubtotal = sum((l) => l.priceCents * BigInt(editedQuantity(o, l)) - discountOf(l, editedQuantity(o, l))) - refunded((rl) => rl.subtotal);
  const refundedShippingTax = o.refunds.reduce((s, r) => s + r.shippingTaxCents, 0n);
  const currentTax = sum((l) => lineTaxOf(l, editedQuantity(o, l))) - refunded((rl) => rl.tax) + o.shippingTaxCents - refundedShippingTax;
  const refundedShipping = o.refunds.reduce((s, r) => s + r.shippingCents, 0n);
  const extraTax = o.taxesIncluded ? 0n : 1n;
  return {
    lineItemsPrice,
    originalDiscounts,
    currentDiscounts,
    originalSubtotal,
    currentSubtotal,
    originalTax,
    currentTax,
    originalTotal: originalSubtotal + o.shippingCents + originalTax * extraTax,
    currentTotal: currentSubtotal + o.shippingCents - refundedShipping + currentTax * extraTax,
  };
}

function moneySet(cents: bigint, currency: string) {
  const m = { amount: restAmount(cents), currency_code: currency };
  return { shop_money: m, presentment_money: { ...m } };
}

function moneyBag(cents: bigint, currency: string) {
  const m = { __typename: 'MoneyV2', amount: graphqlAmount(cents), currencyCode: currency };
  return { __typename: 'MoneyBag', shopMoney: m, presentmentMoney: { ...m } };
}

function restAddress(a: SimAddress | null): Record<string, unknown> | null {
  if (!a) return null;
  return {
    first_name: a.firstName, last_name: a.lastName, name: `${a.firstName} ${a.lastName}`.trim(), company: a.company ?? null,
    address1: a.address1, address2: a.address2 ?? null, city: a.city, province: a.province ?? null, province_code: a.provinceCode ?? null,
    country: a.country ?? a.countryCode, country_code: a.countryCode, zip: a.zip ?? null, phone: a.phone ?? null, latitude: null, longitude: null,
  };
}

function graphqlAddress(a: SimAddress | null): Record<string, unknown> | null {
  if (!a) return null;
  return {
    __typename: 'MailingAddress', name: `${a.firstName} ${a.lastName}`.trim(), firstName: a.firstName, lastName: a.lastName, company: a.company ?? null,
    address1: a.address1, address2: a.address2 ?? null, city: a.city, province: a.province ?? null, provinceCode: a.provinceCode ?? null,
    country: a.country ?? a.countryCode, countryCodeV2: a.countryCode, zip: a.zip ?? null, phone: a.phone ?? null,
  };
}

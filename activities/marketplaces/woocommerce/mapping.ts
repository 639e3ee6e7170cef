import {
  type Address,
  type CanonicalOrder,
  type ChannelOrderStatus,
  type Money,
  type OrderLine,
  Customer,
  fromScaled,
  minorDigits,
  money,
  toScaled,
  toUtcInstant,
} from '../../../domain';
import { type ShipmentLine } from '../types';
import { type WooAddress, type WooLineItem, type WooOrder } from './schemas';

// WooCommerce order JSON -> CanonicalOrder, plus the text format of our tracking notes.

/** SKU given to lines without one (deleted products leave product_id 0 and an empty SKU). */
export const MISSING_SKU_PREFIX = 'woocommerce-no-sku:product-';

/**
 * pending/on-hold/failed have not been paid (on-hold waits for a manual payment check), unless the store
 * recorded a payment date. WooCommerce has no shipped state of its own: `completed` is how shops say shipped.
 */
export function channelStatus(status: string, datePaidGmt: string | null | undefined): ChannelOrderStatus {
  switch (status) {
    case 'processing':
      return 'paid';
    case 'completed':
      return 'shipped';
    case 'cancelled':
    case 'trash':
      return 'cancelled';
    case 'refunded':
      return 'refunded';
    case 'pending':
    case 'on-hold':
    case 'failed':
    case 'checkout-draft':
      return datePaidGmt ? 'paid' : 'pending_payment';
    default:
      // Plugin statuses (e.g. "shipped", "awaiting-shipment"): the payment date is the one reliable signal.
      return datePaidGmt ? 'paid' : 'pending_payment';
  }
}

/**
 * `2026-11-26T21:52:44` (a `*_gmt` field: UTC written without a zone, per the REST docs) -> the canonical
 * `2026-11-26T21:52:44.000Z`. Never the site-local twins (`date_modified`): their zone is the site's setting.
 */
export function gmtToIso(gmt: string): string {
  return toUtcInstant(`${gmt}Z`, 'WooCommerce *_gmt date');
}

/** ISO instant -> WooCommerce's GMT query format, floored to the second. */
export function isoToGmt(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`not an ISO-8601 instant: ${iso}`);
  return new Date(ms).toISOString().slice(0, 19);
}

function personName(a: WooAddress): string {
  return `${a.first_name} ${a.last_name}`.trim() || a.company.trim();
}

function addressOf(a: WooAddress, fallbackName: string): Address | undefined {
  const country = a.country.trim().toUpperCase();
  if (!a.address_1.trim() || !a.city.trim() || !/^[A-Z]{2}$/.test(country)) return undefined;
  const optional = (v: string | undefined): string | undefined => (v && v.trim() ? v.trim() : undefined);
  return {
    name: personName(a) || fallbackName,
    company: optional(a.company),
    street1: a.address_1.trim(),
    street2: optional(a.address_2),
    city: a.city.trim(),
    region: optional(a.state),
    postalCode: optional(a.postcode),
    countryCode: country,
    phone: optional(a.phone),
  };
}

function customerOf(order: WooOrder): Customer {
  const email = order.billing.email?.trim();
  const validEmail = email && Customer.shape.email.safeParse(email).success ? email : undefined;
  return {
    name: personName(order.billing) || personName(order.shipping) || validEmail || 'Guest',
    email: validEmail,
    phone: order.billing.phone?.trim() || undefined,
  };
}

/**
 * Unit price before discounts. `subtotal` is the pre-discount line amount; `price` (a JSON number) is
 * total / quantity, i.e. after discounts, so it is only used when the line has no discount.
 */
function unitPriceOf(line: WooLineItem, currency: string): Money {
  const digits = minorDigits(currency);
  const subtotal = toScaled(line.subtotal, digits);
  const total = toScaled(line.total, digits);
  if (subtotal === total || line.quantity <= 0) return money(line.price, currency);
  const quantity = BigInt(line.quantity);
  if (subtotal % quantity === 0n) return { amount: fromScaled(subtotal / quantity, digits), currency };
  return money(Number(line.subtotal) / line.quantity, currency);
}

function lineOf(line: WooLineItem, currency: string): OrderLine {
  const digits = minorDigits(currency);
  const discount = toScaled(line.subtotal, digits) - toScaled(line.total, digits);
  return {
    lineId: String(line.id),
    // Keep a recognisable placeholder so the order reaches the ERP, where an unknown SKU is an operator
    // question rather than a lost order.
    sku: line.sku.trim() || `${MISSING_SKU_PREFIX}${line.product_id}${line.variation_id ? `-${line.variation_id}` : ''}`,
    title: line.name,
    quantity: line.quantity,
    unitPrice: unitPriceOf(line, currency),
    discount: discount > 0n ? { amount: fromScaled(discount, digits), currency } : undefined,
    tax: money(line.total_tax, currency),
  };
}

export function toCanonicalOrder(input: { account: string; order: WooOrder }): CanonicalOrder {
  const { order, account } = input;
  const customer = customerOf(order);
  return {
    channel: 'woocommerce',
    account,
    externalId: String(order.id),
    name: `#${order.number}`,
    status: channelStatus(order.status, order.date_paid_gmt),
    currency: order.currency,
    customer,
    shippingAddress: addressOf(order.shipping, customer.name),
    billingAddress: addressOf(order.billing, customer.name),
    lines: order.line_items.map((l) => lineOf(l, order.currency)),
    shippingTotal: money(order.shipping_total, order.currency),
    ...(order.shipping_tax !== undefined && toScaled(order.shipping_tax, 6) !== 0n ? { shippingTax: money(order.shipping_tax, order.currency) } : {}),
    total: money(order.total, order.currency),
    // The REST amounts (line subtotal/total, shipping_total) exclude tax whatever `prices_include_tax` says (that
    // is how the shop enters prices); the taxes come apart (line total_tax, shipping_tax).
    taxesIncluded: false,
    createdAt: gmtToIso(order.date_created_gmt),
    updatedAt: gmtToIso(order.date_modified_gmt),
    test: false,
  };
}

// ---- tracking notes ----
// WooCommerce core has no shipment object, so each package is an order note for the customer, ending in a
// machine-readable marker that makes the write idempotent and lets us add up what has shipped.

export interface ShipmentNote {
  shipmentId: string;
  lines: ShipmentLine[];
  carrier: string;
  trackingNumber: string;
}

const MARKER = /\[channelsync:shipment id=(\S+) lines=(\S*) carrier=(\S*) tracking=(\S*)\]/;

export function formatShipmentNote(input: ShipmentNote & { trackingUrl?: string; items: { title: string; sku: string; quantity: number }[] }): string {
  const lines = input.lines.map((l) => `${l.lineId}x${l.quantity}`).join(',');
  const enc = encodeURIComponent;
  return [
    `Shipped with ${input.carrier}, tracking number ${input.trackingNumber}${input.trackingUrl ? ` (${input.trackingUrl})` : ''}.`,
    `Items: ${input.items.map((i) => `${i.quantity} × ${i.title} (${i.sku})`).join(', ')}`,
    `[channelsync:shipment id=${enc(input.shipmentId)} lines=${lines} carrier=${enc(input.carrier)} tracking=${enc(input.trackingNumber)}]`,
  ].join('\n');
}

export function parseShipmentNote(note: string): ShipmentNote | undefined {
  const m = MARKER.exec(note);
  if (!m) return undefined;
  const lines: ShipmentLine[] = [];
  for (const part of (m[2] ?? '').split(',').filter(Boolean)) {
    const [lineId, quantity] = part.split('x');
    if (!lineId || !quantity || !/^\d+$/.test(quantity)) return undefined;
    lines.push({ lineId, quantity: Number(quantity) });
  }
  return {
    shipmentId: decodeURIComponent(m[1] ?? ''),
    lines,
    carrier: decodeURIComponent(m[3] ?? ''),
    trackingNumber: decodeURIComponent(m[4] ?? ''),
  };
}

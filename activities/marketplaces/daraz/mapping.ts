import {
  addMoney,
  type CanonicalOrder,
  type ChannelOrderStatus,
  fromScaled,
  money,
  type Money,
  multiplyMoney,
  type OrderLine,
  type OrderRefund,
  toScaled,
  toUtcInstant,
} from '../../../domain';
import { ChannelError } from '../errors';
import { type DarazItem, type DarazOrder, type ReverseOrder } from './schemas';

// Daraz -> domain. Status lives on items, one item row per unit; lines are folded back by seller SKU.

export type DarazCountry = 'PK' | 'BD' | 'LK' | 'NP';

/** Currency and the venture's UTC offset (request filters must carry an explicit offset). */
export const DARAZ_VENTURES: Record<DarazCountry, { currency: string; offsetMinutes: number }> = {
  PK: { currency: 'PKR', offsetMinutes: 300 },
  BD: { currency: 'BDT', offsetMinutes: 360 },
  LK: { currency: 'LKR', offsetMinutes: 330 },
  NP: { currency: 'NPR', offsetMinutes: 345 },
};

const CANCELLED = new Set(['canceled', 'cancelled']);
const RETURNED = new Set(['returned']);
const UNPAID = new Set(['unpaid']);
const HANDED_OVER = new Set([
  'ready_to_ship', 'shipped', 'delivered', 'confirmed', 'failed', 'failed_delivery', 'shipped_back', 'shipped_back_success',
  'shipped_back_failed', 'lost', 'lost_by_3pl', 'damaged_by_3pl', 'package_scrapped',
]);

/** Units that reached the buyer: `delivered`, and `confirmed` (FBL, and after delivery; regional-marketplaces.md A.4.3). */
const DELIVERED = new Set(['delivered', 'confirmed']);

/**
 * Delivered when every unit not cancelled reached the buyer (a unit returned since was delivered first). Daraz
 * gives no delivery time of its own: the latest `updated_at` of the delivered units (their last status change)
 * stands for it, else the order's `updated_at` (never earlier than the delivery).
 */
export function deliveredAtOf(order: Pick<DarazOrder, 'updated_at'>, items: readonly Pick<DarazItem, 'status' | 'updated_at'>[]): string | undefined {
  const live = items.filter((i) => !CANCELLED.has(i.status));
  const delivered = live.filter((i) => DELIVERED.has(i.status));
  if (delivered.length === 0 || !live.every((i) => DELIVERED.has(i.status) || RETURNED.has(i.status))) return undefined;
  // An unreadable unit time only loses precision here; it must not make the whole order unreadable.
  const times = delivered.flatMap((i) => {
    try {
      return i.updated_at ? [parseDarazTime(i.updated_at)] : [];
    } catch {
      return [];
    }
  });
  return times.length > 0 ? times.sort().at(-1) : parseDarazTime(order.updated_at);
}

export function isCancelled(status: string): boolean {
  return CANCELLED.has(status);
}

/** Accepts both documented shapes: `2018-02-09T22:44:30+08:00` and `2014-10-15 19:12:15 +0800`. */
export function parseDarazTime(text: string): string {
  // Fractions kept (two changes within one second stay ordered); toUtcInstant, unlike Date.parse, refuses Feb 30.
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2}(?:\.\d+)?)\s*(Z|[+-]\d{2}:?\d{2})$/.exec(text.trim());
  if (!m) throw new ChannelError(`Daraz timestamp in an unknown shape: ${text}`, 'protocol');
  const zone = m[3] === 'Z' ? 'Z' : `${m[3]!.slice(0, 3)}:${m[3]!.slice(-2)}`;
  try {
    return toUtcInstant(`${m[1]}T${m[2]}${zone}`);
  } catch {
    throw new ChannelError(`Daraz timestamp is not a date: ${text}`, 'protocol');
  }
}

/** Request filter form: venture-local time with an explicit offset, second precision. */
export function formatVentureTime(ms: number, offsetMinutes: number): string {
  const local = new Date(Math.floor(ms / 1000) * 1000 + offsetMinutes * 60_000).toISOString().slice(0, 19);
  const abs = Math.abs(offsetMinutes);
  const sign = offsetMinutes < 0 ? '-' : '+';
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

export function orderStatusOf(items: readonly Pick<DarazItem, 'status'>[]): ChannelOrderStatus {
  const live = items.filter((i) => !CANCELLED.has(i.status));
  if (live.length === 0) return 'cancelled';
  if (live.every((i) => RETURNED.has(i.status))) return 'refunded';
  if (live.every((i) => UNPAID.has(i.status))) return 'pending_payment';
  const out = live.filter((i) => HANDED_OVER.has(i.status) || RETURNED.has(i.status)).length;
  if (out === live.length) return 'shipped';
  return out > 0 ? 'partially_shipped' : 'paid';
}

function sum(values: Money[], currency: string): Money {
  return values.reduce((acc, v) => addMoney(acc, v), money('0', currency));
}

/**
 * One line per seller SKU: quantity counts the units not cancelled, the discount is what vouchers took off
 * (item_price - paid_price) over those units. The line id is the SKU, stable however units are split.
 */
export function foldUnitItems(items: readonly DarazItem[], currency: string): OrderLine[] {
  const bySku = new Map<string, DarazItem[]>();
  for (const item of items) bySku.set(item.sku, [...(bySku.get(item.sku) ?? []), item]);
  return [...bySku.entries()].map(([sku, units]) => {
    const live = units.filter((u) => !CANCELLED.has(u.status));
    const priced = live[0] ?? units[0]!;
    const discount = sum(live.map((u) => addMoney(money(u.item_price, currency), multiplyMoney(money(u.paid_price, currency), -1))), currency);
    const tax = sum(live.map((u) => money(u.tax_amount ?? '0', currency)), currency);
    const line: OrderLine = {
      lineId: sku,
      sku,
      title: priced.name,
      quantity: live.length,
      unitPrice: money(priced.item_price, currency),
    };
    if (discount.amount !== money('0', currency).amount) line.discount = discount;
    if (tax.amount !== money('0', currency).amount) line.tax = tax;
    return line;
  });
}

/** Items in these statuses have left the seller: only such an order can have a return or refund to read. */
export function mayHaveRefunds(items: readonly Pick<DarazItem, 'status'>[]): boolean {
  return items.some((i) => HANDED_OVER.has(i.status) || RETURNED.has(i.status));
}

/** Lazada line times are epoch seconds (milliseconds accepted). */
function lineTime(value: number): string {
  return new Date(value > 1e12 ? value : value * 1000).toISOString();
}

/**
 * Refunds from reverse orders (GetReverseOrdersForSeller). Each reverse order line is one unit with its own
 * reverse_status and refund_amount (cents), and Daraz refunds line by line, so each line that reached
 * REFUND_SUCCESS is one refund here, keyed by reverse order and line: exactly once, however the other lines of
 * the same return end. Cancellations (request_type CANCEL) are not refunds of goods: the order's cancellation
 * undoes the sale. A RETURN line brings the unit back (restock); a refund-only line does not. The spec is thin
 * here (Daraz documents no reverse API of its own; this follows Lazada's), so this is the plainest reading.
 */
export function refundsOf(input: { reverseOrders: readonly ReverseOrder[]; items: readonly DarazItem[]; currency: string }): OrderRefund[] {
  const { currency } = input;
  const refunds: OrderRefund[] = [];
  for (const reverse of input.reverseOrders) {
    if (reverse.request_type === 'CANCEL') continue;
    for (const line of reverse.reverse_order_lines) {
      if (line.reverse_status !== 'REFUND_SUCCESS' || line.is_need_refund === false) continue;
      const item = input.items.find((i) => i.order_item_id === line.trade_order_line_id);
      const sku = item?.sku ?? line.seller_sku_id;
      if (!sku) continue;
      const amount = money(fromScaled(BigInt(Math.round(line.refund_amount ?? 0)), 2), currency);
      // One unit back when the refund covers what the buyer paid for it; less is money only.
      const paid = item ? money(item.paid_price, currency) : undefined;
      const whole = !paid || toScaled(amount.amount, 2) >= toScaled(paid.amount, 2);
      const at = line.return_order_line_gmt_modified ?? line.return_order_line_gmt_create;
      refunds.push({
        refundId: `${reverse.reverse_order_id}/${line.reverse_order_line_id}`,
        occurredAt: at ? lineTime(at) : new Date(0).toISOString(),
        lines: [{ lineId: sku, quantity: whole ? 1 : 0, amount, restock: reverse.request_type === 'RETURN' }],
        total: amount,
        ...(line.reason_text ? { note: line.reason_text } : {}),
      });
    }
  }
  return refunds.sort((a, b) => a.occurredAt.localeCompare(b.occurredAt) || a.refundId.localeCompare(b.refundId));
}

export function toCanonicalOrder(input: {
  account: string;
  country: DarazCountry;
  order: DarazOrder;
  items: readonly DarazItem[];
  reverseOrders?: readonly ReverseOrder[];
}): CanonicalOrder {
  const { order, items, country } = input;
  const currency = items.find((i) => i.currency)?.currency ?? DARAZ_VENTURES[country].currency;
  if (items.length === 0) throw new ChannelError(`Daraz order ${order.order_id} has no items`, 'protocol');
  const live = items.filter((i) => !CANCELLED.has(i.status));
  const shipping = money(order.shipping_fee ?? '0', currency);
  const paid = sum(live.map((i) => money(i.paid_price, currency)), currency);
  const address = order.address_shipping;
  const name = [address?.first_name ?? order.customer_first_name, address?.last_name ?? order.customer_last_name]
    .filter((p) => p && p.trim())
    .join(' ') || 'Daraz customer';
  const street = address?.address1?.trim();
  const city = (address?.city || address?.address4)?.trim();
  const canonical: CanonicalOrder = {
    channel: 'daraz',
    account: input.account,
    externalId: order.order_id,
    name: order.order_number ?? order.order_id,
    status: orderStatusOf(items),
    currency,
    customer: { name, ...(address?.phone ? { phone: address.phone } : {}) },
    lines: foldUnitItems(items, currency),
    shippingTotal: shipping,
    total: addMoney(paid, shipping),
    // item_price is the tax-inclusive list price.
    taxesIncluded: true,
    createdAt: parseDarazTime(order.created_at),
    updatedAt: parseDarazTime(order.updated_at),
    test: false,
  };
  const refunds = refundsOf({ reverseOrders: input.reverseOrders ?? [], items, currency });
  // Absent when there are none, so snapshots of refund-free orders keep their fingerprint.
  if (refunds.length > 0) canonical.refunds = refunds;
  const deliveredAt = deliveredAtOf(order, items);
  if (deliveredAt) canonical.deliveredAt = deliveredAt;
  if (street && city) {
    canonical.shippingAddress = {
      name,
      street1: street,
      ...(address?.address2 ? { street2: address.address2 } : {}),
      city,
      ...(address?.address3 ? { region: address.address3 } : {}),
      ...(address?.post_code ? { postalCode: address.post_code } : {}),
      countryCode: country,
      ...(address?.phone ? { phone: address.phone } : {}),
    };
  }
  return canonical;
}

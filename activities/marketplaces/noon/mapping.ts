import { addMoney, type CanonicalOrder, type ChannelOrderStatus, money, type Money, type OrderLine, type OrderRefund, type RefundLine } from '../../../domain';
import { ChannelError } from '../errors';
import { type CustomerDetails, type NoonItem, type NoonOrder } from './schemas';

// noon -> domain. Like Daraz, an FBPI order has one item row per unit and item-level statuses.

export type NoonCountry = 'AE' | 'SA' | 'EG';
export const NOON_CURRENCY: Record<NoonCountry, string> = { AE: 'AED', SA: 'SAR', EG: 'EGP' };

export const SHIPPED = 'INTEGRATION_ITEM_STATUS_SHIPPED';
export const OUT_OF_STOCK = 'INTEGRATION_ITEM_STATUS_OUT_OF_STOCK';
export const UNACKNOWLEDGED = 'INTEGRATION_ITEM_STATUS_UNSPECIFIED';

/** Not sold any more: cancelled by the marketplace, or refused by us as out of stock. */
export function isDropped(item: Pick<NoonItem, 'mp_status' | 'integration_status'>): boolean {
  return item.mp_status === 'MP_ITEM_STATUS_CANCELLED' || item.integration_status === OUT_OF_STOCK;
}

export function orderStatusOf(items: readonly Pick<NoonItem, 'mp_status' | 'integration_status'>[]): ChannelOrderStatus {
  const live = items.filter((i) => !isDropped(i));
  if (live.length === 0) return 'cancelled';
  const shipped = live.filter((i) => i.integration_status === SHIPPED).length;
  if (shipped === live.length) return 'shipped';
  return shipped > 0 ? 'partially_shipped' : 'paid';
}

function price(item: NoonItem, currency: string): Money {
  if (item.delivered_invoice_price == null) throw new ChannelError(`noon item ${item.mp_item_nr} has no price`, 'protocol');
  return money(item.delivered_invoice_price, currency);
}

/** One line per partner SKU; quantity counts the units still sold. */
export function foldNoonItems(items: readonly NoonItem[], currency: string): OrderLine[] {
  const bySku = new Map<string, NoonItem[]>();
  for (const item of items) bySku.set(item.partner_sku, [...(bySku.get(item.partner_sku) ?? []), item]);
  return [...bySku.entries()].map(([sku, units]) => {
    const live = units.filter((u) => !isDropped(u));
    return { lineId: sku, sku, title: sku, quantity: live.length, unitPrice: price(live[0] ?? units[0]!, currency) };
  });
}

/**
 * Refunds: one per refund reference, its units folded by partner SKU (the line id). A refunded unit stays on its
 * line; the refund carries it. noon refunds follow a customer return or an RTO, so the units come back (restock).
 */
export function refundsOf(items: readonly NoonItem[], currency: string): OrderRefund[] {
  const byRef = new Map<string, NoonItem[]>();
  for (const item of items) {
    if (!item.refund_nr || item.refunded_amount == null || !item.refunded_at) continue;
    byRef.set(item.refund_nr, [...(byRef.get(item.refund_nr) ?? []), item]);
  }
  return [...byRef.entries()]
    .map(([refundNr, units]): OrderRefund => {
      const lines = new Map<string, RefundLine>();
      for (const unit of units) {
        const amount = money(unit.refunded_amount!, currency);
        const known = lines.get(unit.partner_sku);
        lines.set(unit.partner_sku, known ? { ...known, quantity: known.quantity + 1, amount: addMoney(known.amount, amount) } : { lineId: unit.partner_sku, quantity: 1, amount, restock: true });
      }
      const refundLines = [...lines.values()];
      const reason = units.find((u) => u.refund_reason_code)?.refund_reason_code;
      return {
        refundId: refundNr,
        occurredAt: new Date(units[0]!.refunded_at!).toISOString(),
        lines: refundLines,
        total: refundLines.reduce((sum, l) => addMoney(sum, l.amount), money('0', currency)),
        ...(reason ? { note: reason } : {}),
      };
    })
    .sort((a, b) => a.occurredAt.localeCompare(b.occurredAt));
}

export function toCanonicalOrder(input: { account: string; order: NoonOrder; customer?: CustomerDetails }): CanonicalOrder {
  const { order } = input;
  const currency = order.currency_code.toUpperCase();
  if (order.items.length === 0) throw new ChannelError(`noon order ${order.fbpi_order_nr} has no items`, 'protocol');
  const live = order.items.filter((i) => !isDropped(i));
  const total = live.reduce((acc, i) => addMoney(acc, price(i, currency)), money('0', currency));
  const name = [input.customer?.first_name, input.customer?.last_name].filter((p) => p && p.trim()).join(' ') || 'noon customer';
  const created = new Date(order.order_created_at).toISOString();
  const refunds = refundsOf(order.items, currency);
  return {
    channel: 'noon',
    account: input.account,
    externalId: order.fbpi_order_nr,
    name: order.mp_order_nr ?? order.fbpi_order_nr,
    status: orderStatusOf(order.items),
    currency,
    customer: { name },
    lines: foldNoonItems(order.items, currency),
    total,
    // noon invoice prices include VAT.
    taxesIncluded: true,
    createdAt: created,
    // FBPI orders carry no update time.
    updatedAt: created,
    test: false,
    // Absent when there are none, so snapshots of refund-free orders keep their fingerprint.
    ...(refunds.length > 0 ? { refunds } : {}),
  };
}

import { currencyScale, fromUnits, timesQuantity, toUnits } from './decimal';
import { type SimOrder, type SimRefund } from './store';

// Finances API v0 views: an order's money as Amazon posts it. Refunds live only here (never on the order):
// a RefundEvent is a ShipmentEvent whose ShipmentItemAdjustmentList carries negative charge adjustments.

/** Currency as the Finances model writes it: a JSON number. */
function currency(code: string, amount: string): { CurrencyCode: string; CurrencyAmount: number } {
  return { CurrencyCode: code, CurrencyAmount: Number(amount) };
}

function negate(amount: string): string {
  return amount.startsWith('-') ? amount.slice(1) : `-${amount}`;
}

/** Amazon keeps part of its referral fee when it refunds: the seller gets back 80% of the fee on the refunded principal. */
function commissionBack(principal: string, scale: number): string {
  return fromUnits((toUnits(principal, scale) * 15n * 80n) / 10_000n, scale);
}

export interface PostedEvent {
  list: 'ShipmentEventList' | 'RefundEventList';
  postedAt: number;
  event: Record<string, unknown>;
}

/** Every financial event of the order: one ShipmentEvent per confirmed package, one RefundEvent per refund. */
export function orderFinancialEvents(order: SimOrder): PostedEvent[] {
  const scale = currencyScale(order.currency);
  const c = order.currency;
  const events: PostedEvent[] = order.shipments.map((s) => ({
    list: 'ShipmentEventList' as const,
    postedAt: Date.parse(s.shipDate),
    event: {
      AmazonOrderId: order.amazonOrderId,
      MarketplaceName: 'Amazon.com',
      PostedDate: s.shipDate,
      ShipmentItemList: s.orderItems.flatMap((line) => {
        const item = order.items.find((i) => i.orderItemId === line.orderItemId);
        if (!item) return [];
        const principal = timesQuantity(item.unitPrice, line.quantity, scale);
        return [{
          SellerSKU: item.sku,
          OrderItemId: item.orderItemId,
          QuantityShipped: line.quantity,
          ItemChargeList: [{ ChargeType: 'Principal', ChargeAmount: currency(c, principal) }, { ChargeType: 'Tax', ChargeAmount: currency(c, timesQuantity('0', 0, scale)) }],
          ItemFeeList: [{ FeeType: 'Commission', FeeAmount: currency(c, negate(fromUnits((toUnits(principal, scale) * 15n) / 100n, scale))) }],
        }];
      }),
    },
  }));
  for (const refund of order.refunds) events.push({ list: 'RefundEventList', postedAt: refund.postedAt, event: refundEvent(order, refund) });
  return events.sort((a, b) => a.postedAt - b.postedAt);
}

function refundEvent(order: SimOrder, refund: SimRefund): Record<string, unknown> {
  const scale = currencyScale(order.currency);
  const c = order.currency;
  return {
    AmazonOrderId: order.amazonOrderId,
    MarketplaceName: 'Amazon.com',
    PostedDate: new Date(refund.postedAt).toISOString(),
    ShipmentItemAdjustmentList: refund.items.map((item) => ({
      SellerSKU: item.sku,
      OrderItemId: item.orderItemId,
      OrderAdjustmentItemId: item.adjustmentId,
      QuantityShipped: item.quantity,
      ItemChargeAdjustmentList: [
        { ChargeType: 'Principal', ChargeAmount: currency(c, negate(item.principal)) },
        { ChargeType: 'Tax', ChargeAmount: currency(c, negate(item.tax)) },
        ...(toUnits(item.shipping, scale) !== 0n ? [{ ChargeType: 'ShippingCharge', ChargeAmount: currency(c, negate(item.shipping)) }] : []),
      ],
      ItemFeeAdjustmentList: [{ FeeType: 'Commission', FeeAmount: currency(c, commissionBack(item.principal, scale)) }],
    })),
  };
}

/** FinancialEvents with the lists Amazon always sends (empty when nothing happened). */
export function financialEvents(events: readonly PostedEvent[]): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = { ShipmentEventList: [], RefundEventList: [], GuaranteeClaimEventList: [], ChargebackEventList: [], AdjustmentEventList: [] };
  for (const e of events) out[e.list]!.push(e.event);
  return out;
}

import {
  type Address,
  type CanonicalOrder,
  type ChannelOrderStatus,
  type Money,
  type OrderLine,
  type OrderRefund,
  type RefundLine,
  addMoney,
  fromScaled,
  minorDigits,
  money,
  multiplyMoney,
  toScaled,
  toUtcInstant,
} from '../../../domain';
import { type AmazonMoney, type AmazonOrder, type AmazonOrderItem, type FinancesShipmentEvent, type OrderStatus } from './schemas';

// Amazon order + items -> CanonicalOrder. Amazon quirks handled here: ItemPrice is the line total,
// Pending orders carry no prices or address, AFN orders are shipped by Amazon.

const STATUS: Record<OrderStatus, ChannelOrderStatus> = {
  PendingAvailability: 'pending_payment',
  Pending: 'pending_payment',
  Unshipped: 'paid',
  PartiallyShipped: 'partially_shipped',
  Shipped: 'shipped',
  InvoiceUnconfirmed: 'shipped',
  Canceled: 'cancelled',
  Unfulfillable: 'cancelled',
};

/** Marketplace currency, needed when a Pending order shows no money at all. */
const MARKETPLACE_CURRENCY: Record<string, string> = {
  ATVPDKIKX0DER: 'USD',
  A2EUQ1WTGCTBG2: 'CAD',
  A1AM78C64UM0Y8: 'MXN',
  A2Q3Y263D00KWC: 'BRL',
  A1F83G8C2ARO7P: 'GBP',
  A1PA6795UKMFR9: 'EUR',
  A13V1IB3VIYZZH: 'EUR',
  APJ6JRA9NG5V4: 'EUR',
  A1RKKUPIHCS9HS: 'EUR',
  A1805IZSGTT6HS: 'EUR',
  A2NODRKZP88ZB9: 'SEK',
  A1C3SOZRARQ6R3: 'PLN',
  A33AVAJ2PDY3EV: 'TRY',
  A2VIGQ35RCS4UG: 'AED',
  A17E79C6D8DWNP: 'SAR',
  A21TJRUUN4KGV: 'INR',
  A1VC38T7YXB528: 'JPY',
  A39IBJ37TRP1C6: 'AUD',
  A19VAU5U5O7RUS: 'SGD',
};

/** North American marketplaces show prices before tax; elsewhere ItemPrice includes VAT. */
const TAX_EXCLUSIVE_MARKETPLACES = new Set(['ATVPDKIKX0DER', 'A2EUQ1WTGCTBG2', 'A1AM78C64UM0Y8']);

export function marketplaceCurrency(marketplaceId: string): string {
  return MARKETPLACE_CURRENCY[marketplaceId] ?? 'USD';
}

/**
 * Unit price from Amazon's line total, exact: the division is carried to as many decimals as it
 * needs (up to 8), so unitPrice x quantity gives back ItemPrice whenever that is possible at all.
 */
export function unitPriceFromLineTotal(lineTotal: AmazonMoney, quantity: number): Money {
  const currency = lineTotal.CurrencyCode;
  if (quantity <= 0) return money('0', currency);
  const base = Math.max(minorDigits(currency), lineTotal.Amount.split('.')[1]?.length ?? 0);
  const q = BigInt(quantity);
  for (let scale = base; scale <= 8; scale++) {
    const total = toScaled(lineTotal.Amount, scale);
    if (total % q === 0n) return { amount: fromScaled(total / q, scale), currency };
  }
  // Not representable exactly (e.g. 10.00 / 3): round half up at 8 decimals.
  const scaled = toScaled(lineTotal.Amount, 9) / q;
  return { amount: fromScaled((scaled + 5n) / 10n, 8), currency };
}

function toMoney(value: AmazonMoney | undefined): Money | undefined {
  return value ? money(value.Amount, value.CurrencyCode) : undefined;
}

function mapAddress(order: AmazonOrder): Address | undefined {
  const a = order.ShippingAddress;
  // Without a restricted data token Amazon sends only city/region/postcode/country: not a shippable address.
  if (!a?.Name || !a.AddressLine1 || !a.City || !a.CountryCode) return undefined;
  return {
    name: a.Name,
    ...(a.CompanyName ? { company: a.CompanyName } : {}),
    street1: a.AddressLine1,
    ...(a.AddressLine2 || a.AddressLine3 ? { street2: [a.AddressLine2, a.AddressLine3].filter(Boolean).join(', ') } : {}),
    city: a.City,
    ...(a.StateOrRegion ? { region: a.StateOrRegion } : {}),
    ...(a.PostalCode ? { postalCode: a.PostalCode } : {}),
    countryCode: a.CountryCode.toUpperCase(),
    ...(a.Phone ? { phone: a.Phone } : {}),
  };
}

function mapLine(item: AmazonOrderItem, currency: string): OrderLine {
  const unitPrice = item.ItemPrice ? unitPriceFromLineTotal(item.ItemPrice, item.QuantityOrdered) : money('0', currency);
  const discount = toMoney(item.PromotionDiscount);
  // The line is net of its promotion discount, so its tax is too (OrderTotal is).
  const itemTax = toMoney(item.ItemTax);
  const discountTax = toMoney(item.PromotionDiscountTax);
  const tax = itemTax && discountTax ? addMoney(itemTax, multiplyMoney(discountTax, -1)) : itemTax;
  return {
    lineId: item.OrderItemId,
    sku: item.SellerSKU ?? item.ASIN,
    title: item.Title ?? '',
    quantity: item.QuantityOrdered,
    unitPrice,
    ...(discount && Number(discount.amount) !== 0 ? { discount } : {}),
    ...(tax ? { tax } : {}),
  };
}

export interface MapOrderInput {
  account: string;
  order: AmazonOrder;
  items: AmazonOrderItem[];
  /** The account's marketplace, used when the order itself does not say. */
  marketplaceId: string;
  /** The order's RefundEventList from the Finances API, when it was read. */
  refundEvents?: FinancesShipmentEvent[];
}

/**
 * Refunds from the Finances API (RefundEventList): they never show on the order. A refund event has no id, so
 * it is named by its PostedDate and the OrderAdjustmentItemIds of its items (Amazon's ids of each adjustment),
 * which do not change once posted. Per item, the buyer got back every charge adjustment (principal, tax,
 * shipping, gift wrap) net of promotion adjustments, all negative there; fee adjustments are between Amazon
 * and the seller and are left out. QuantityShipped is the number of units refunded.
 */
export function refundsFromEvents(input: { events: readonly FinancesShipmentEvent[]; lines: readonly OrderLine[]; currency: string }): OrderRefund[] {
  const { currency } = input;
  const refunds: OrderRefund[] = [];
  for (const event of input.events) {
    const items = event.ShipmentItemAdjustmentList ?? [];
    if (items.length === 0 || !event.PostedDate) continue;
    // Strict: a zone-less PostedDate would be read in the worker's zone (Date.parse), a wrong time not an error.
    const occurredAt = toUtcInstant(event.PostedDate, 'Amazon refund PostedDate');
    const lines = new Map<string, RefundLine>();
    for (const item of items) {
      const lineId =
        input.lines.find((l) => l.lineId === item.OrderItemId)?.lineId ??
        input.lines.find((l) => item.SellerSKU !== undefined && l.sku === item.SellerSKU)?.lineId ??
        item.OrderItemId ??
        item.SellerSKU ??
        'unknown';
      const given = [...(item.ItemChargeAdjustmentList ?? []).map((c) => c.ChargeAmount), ...(item.PromotionAdjustmentList ?? []).map((p) => p.PromotionAmount)]
        .filter((m) => m?.CurrencyAmount !== undefined)
        .reduce((sum, m) => addMoney(sum, money(-m!.CurrencyAmount!, m!.CurrencyCode ?? currency)), money('0', currency));
      const known = lines.get(lineId);
      lines.set(
        lineId,
        known
          ? { ...known, quantity: known.quantity + (item.QuantityShipped ?? 0), amount: addMoney(known.amount, given) }
          : { lineId, quantity: item.QuantityShipped ?? 0, amount: given, restock: false },
      );
    }
    const ids = items.map((i) => i.OrderAdjustmentItemId ?? i.OrderItemId ?? i.SellerSKU ?? '').sort().join(',');
    const refundLines = [...lines.values()];
    refunds.push({
      refundId: `${occurredAt}/${ids}`,
      occurredAt,
      lines: refundLines,
      total: refundLines.reduce((sum, l) => addMoney(sum, l.amount), money('0', currency)),
    });
  }
  return refunds.sort((a, b) => a.occurredAt.localeCompare(b.occurredAt));
}

/**
 * A Pending order has no prices yet: its lines carry unit price 0 and status pending_payment, and it
 * must not be imported until it becomes Unshipped (re-fetch then).
 */
export function mapOrder(input: MapOrderInput): CanonicalOrder {
  const { order, items } = input;
  const marketplaceId = order.MarketplaceId ?? input.marketplaceId;
  const currency =
    order.OrderTotal?.CurrencyCode ?? items.find((i) => i.ItemPrice)?.ItemPrice?.CurrencyCode ?? marketplaceCurrency(marketplaceId);
  const lines = items.map((item) => mapLine(item, currency));
  let shipping: Money | undefined;
  for (const item of items) {
    if (!item.ShippingPrice) continue;
    const net = item.ShippingDiscount ? addMoney(toMoney(item.ShippingPrice)!, multiplyMoney(toMoney(item.ShippingDiscount)!, -1)) : toMoney(item.ShippingPrice)!;
    shipping = shipping ? addMoney(shipping, net) : net;
  }
  // Net of the shipping discount's tax, as the shipping is net of the discount; OrderTotal includes it.
  let shippingTax: Money | undefined;
  for (const item of items) {
    if (!item.ShippingTax) continue;
    const net = item.ShippingDiscountTax ? addMoney(toMoney(item.ShippingTax)!, multiplyMoney(toMoney(item.ShippingDiscountTax)!, -1)) : toMoney(item.ShippingTax)!;
    shippingTax = shippingTax ? addMoney(shippingTax, net) : net;
  }
  const total = toMoney(order.OrderTotal) ?? money('0', currency);
  const address = mapAddress(order);
  const refunds = refundsFromEvents({ events: input.refundEvents ?? [], lines, currency });
  const shipByAt = shipBy(order.LatestShipDate);
  return {
    channel: 'amazon',
    account: input.account,
    externalId: order.AmazonOrderId,
    name: order.AmazonOrderId,
    status: STATUS[order.OrderStatus],
    currency,
    customer: {
      name: order.BuyerInfo?.BuyerName || address?.name || 'Amazon customer',
      ...(order.BuyerInfo?.BuyerEmail ? { email: order.BuyerInfo.BuyerEmail } : {}),
    },
    ...(address ? { shippingAddress: address } : {}),
    lines,
    ...(shipping ? { shippingTotal: shipping } : {}),
    ...(shippingTax && toScaled(shippingTax.amount, 6) !== 0n ? { shippingTax } : {}),
    total,
    taxesIncluded: !TAX_EXCLUSIVE_MARKETPLACES.has(marketplaceId),
    // Amazon writes whole seconds ("...:00Z") where its notifications carry milliseconds: one form for both.
    createdAt: toUtcInstant(order.PurchaseDate, `Amazon order ${order.AmazonOrderId} PurchaseDate`),
    updatedAt: toUtcInstant(order.LastUpdateDate, `Amazon order ${order.AmazonOrderId} LastUpdateDate`),
    test: false,
    fulfilledBy: order.FulfillmentChannel === 'AFN' ? 'channel' : 'merchant',
    // Absent when there are none, so snapshots of refund-free orders keep their fingerprint.
    ...(refunds.length > 0 ? { refunds } : {}),
    ...(shipByAt ? { shipBy: shipByAt } : {}),
  };
}

/** ISO-8601 UTC of a ship-by date, or undefined when absent or unreadable (it only drives an alert). */
function shipBy(value: string | undefined): string | undefined {
  try {
    return value === undefined ? undefined : toUtcInstant(value);
  } catch {
    return undefined;
  }
}

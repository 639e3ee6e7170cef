import {
  type Address,
  type CanonicalOrder,
  type ChannelOrderStatus,
  type Money,
  type OrderLine,
  addMoney,
  fromScaled,
  minorDigits,
  money,
  toScaled,
} from '../../../domain';
import { type AmazonMoney, type AmazonOrder, type AmazonOrderItem, type OrderStatus } from './schemas';

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
  const tax = toMoney(item.ItemTax);
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
    const net = item.ShippingDiscount ? addMoney(toMoney(item.ShippingPrice)!, negate(toMoney(item.ShippingDiscount)!)) : toMoney(item.ShippingPrice)!;
    shipping = shipping ? addMoney(shipping, net) : net;
  }
  const total = toMoney(order.OrderTotal) ?? money('0', currency);
  const address = mapAddress(order);
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
    total,
    taxesIncluded: !TAX_EXCLUSIVE_MARKETPLACES.has(marketplaceId),
    createdAt: order.PurchaseDate,
    updatedAt: order.LastUpdateDate,
    test: false,
    fulfilledBy: order.FulfillmentChannel === 'AFN' ? 'channel' : 'merchant',
  };
}

function negate(value: Money): Money {
  return { ...value, amount: value.amount.startsWith('-') ? value.amount.slice(1) : `-${value.amount}` };
}

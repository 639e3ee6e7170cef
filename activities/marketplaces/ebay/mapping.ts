import {
  CanonicalOrder, fromScaled, minorDigits, money, toScaled,
  type Address, type ChannelOrderStatus, type Money, type OrderLine,
} from '../../../domain';
import { ChannelError } from '../errors';
import { type EbayAmount, type EbayLineItem, type EbayOrder } from './schemas';

// eBay order -> CanonicalOrder. eBay amounts are {value, currency} strings; they stay decimal strings here.

export function toMoney(amount: EbayAmount): Money {
  return money(amount.value, amount.currency);
}

/** lineItemCost is unit price × quantity; divide back exactly (extra digits kept only if needed). */
export function unitPrice(lineCost: EbayAmount, quantity: number): Money {
  if (quantity <= 1) return toMoney(lineCost);
  const digits = minorDigits(lineCost.currency);
  const scaled = toScaled(lineCost.value, digits);
  if (scaled % BigInt(quantity) === 0n) return { amount: fromScaled(scaled / BigInt(quantity), digits), currency: lineCost.currency };
  const fine = toScaled(lineCost.value, digits + 6) / BigInt(quantity);
  return { amount: fromScaled(fine, digits + 6).replace(/0+$/, ''), currency: lineCost.currency };
}

function subtract(a: Money, b: Money): Money {
  const digits = minorDigits(a.currency);
  return { amount: fromScaled(toScaled(a.amount, digits) - toScaled(b.amount, digits), digits), currency: a.currency };
}

function sum(amounts: Money[], currency: string): Money | undefined {
  if (amounts.length === 0) return undefined;
  const digits = minorDigits(currency);
  const total = amounts.reduce((n, m) => n + toScaled(m.amount, digits), 0n);
  return { amount: fromScaled(total, digits), currency };
}

export function orderStatus(order: EbayOrder): ChannelOrderStatus {
  if (order.cancelStatus?.cancelState === 'CANCELED') return 'cancelled';
  if (order.orderPaymentStatus === 'FULLY_REFUNDED') return 'refunded';
  if (order.orderPaymentStatus === 'PENDING' || order.orderPaymentStatus === 'FAILED') return 'pending_payment';
  if (order.orderFulfillmentStatus === 'FULFILLED') return 'shipped';
  if (order.orderFulfillmentStatus === 'IN_PROGRESS') return 'partially_shipped';
  return 'paid';
}

function mapLine(line: EbayLineItem): OrderLine {
  const cost = toMoney(line.lineItemCost);
  const discounted = line.discountedLineItemCost ? toMoney(line.discountedLineItemCost) : undefined;
  const discount = discounted && toScaled(discounted.amount, 6) < toScaled(cost.amount, 6) ? subtract(cost, discounted) : undefined;
  // Only taxes the seller books; eBay collect-and-remit taxes live elsewhere and are not seller revenue.
  const taxes = (line.taxes ?? []).flatMap((t) => (t.amount ? [toMoney(t.amount)] : []));
  const tax = sum(taxes, cost.currency);
  return {
    lineId: line.lineItemId,
    // SKUs are optional on eBay (Trading-API listings); fall back to the listing (and variation) id.
    sku: line.sku || `ebay-item:${line.legacyItemId ?? line.lineItemId}${line.legacyVariationId ? `:${line.legacyVariationId}` : ''}`,
    title: line.title ?? '',
    quantity: line.quantity,
    unitPrice: unitPrice(line.lineItemCost, line.quantity),
    ...(discount ? { discount } : {}),
    ...(tax ? { tax } : {}),
  };
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function shippingAddress(order: EbayOrder): Address | undefined {
  const shipTo = order.fulfillmentStartInstructions?.[0]?.shippingStep?.shipTo;
  const a = shipTo?.contactAddress;
  // eBay drops name and street lines after 90 days; an address without them is not shippable.
  if (!shipTo?.fullName || !a?.addressLine1 || !a.city || !a.countryCode) return undefined;
  return {
    name: shipTo.fullName,
    ...(shipTo.companyName ? { company: shipTo.companyName } : {}),
    street1: a.addressLine1,
    ...(a.addressLine2 ? { street2: a.addressLine2 } : {}),
    city: a.city,
    ...(a.stateOrProvince ? { region: a.stateOrProvince } : {}),
    ...(a.postalCode ? { postalCode: a.postalCode } : {}),
    countryCode: a.countryCode.toUpperCase(),
    ...(shipTo.primaryPhone?.phoneNumber ? { phone: shipTo.primaryPhone.phoneNumber } : {}),
  };
}

export function toCanonicalOrder(order: EbayOrder, account: string): CanonicalOrder {
  const shipTo = order.fulfillmentStartInstructions?.[0]?.shippingStep?.shipTo;
  const total = toMoney(order.pricingSummary.total);
  const address = shippingAddress(order);
  const email = shipTo?.email && EMAIL.test(shipTo.email) ? shipTo.email : undefined;
  const phone = shipTo?.primaryPhone?.phoneNumber;
  const candidate = {
    channel: 'ebay' as const,
    account,
    externalId: order.orderId,
    name: order.orderId,
    status: orderStatus(order),
    currency: total.currency,
    customer: {
      name: shipTo?.fullName || order.buyer?.username || 'eBay buyer',
      ...(email ? { email } : {}),
      ...(phone ? { phone } : {}),
    },
    ...(address ? { shippingAddress: address } : {}),
    lines: order.lineItems.map(mapLine),
    ...(order.pricingSummary.deliveryCost ? { shippingTotal: toMoney(order.pricingSummary.deliveryCost) } : {}),
    total,
    // US listings are priced without sales tax; VAT markets differ and are not modelled yet.
    taxesIncluded: false,
    createdAt: order.creationDate,
    updatedAt: order.lastModifiedDate,
    test: false,
  };
  const parsed = CanonicalOrder.safeParse(candidate);
  if (!parsed.success) {
    const where = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ChannelError(`eBay order ${order.orderId} does not map to a canonical order: ${where}`, 'protocol');
  }
  return parsed.data;
}

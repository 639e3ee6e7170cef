import {
  addMoney, CanonicalOrder, fromScaled, minorDigits, money, moneyEquals, toScaled, toUtcInstant,
  type Address, type ChannelOrderStatus, type Money, type OrderLine, type OrderRefund, type RefundLine,
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

/** Whole units a line refund pays back at the line's price after discounts (a goodwill amount is 0 units). */
function refundedUnits(line: EbayLineItem, amount: Money): number {
  const cost = toScaled((line.discountedLineItemCost ?? line.lineItemCost).value, 6);
  if (cost <= 0n || line.quantity <= 0) return 0;
  const units = (toScaled(amount.amount, 6) * BigInt(line.quantity)) / cost;
  return Number(units > BigInt(line.quantity) ? BigInt(line.quantity) : units);
}

/**
 * eBay refunds. issueRefund with refundItems puts the refund on the lines it names (lineItems[].refunds,
 * one refundId shared by those lines); an order-level refund (orderLevelRefundAmount, or eBay's own when a
 * sale is cancelled) sits in paymentSummary.refunds. Refunds carry money only, no units: see refundedUnits.
 * Only issued refunds count (a line refund once it has a refundDate, an order-level one once REFUNDED).
 */
export function refundsOf(order: EbayOrder): OrderRefund[] {
  const found = new Map<string, OrderRefund>();
  for (const line of order.lineItems) {
    for (const r of line.refunds ?? []) {
      const id = r.refundId ?? r.refundReferenceId;
      if (!id || !r.amount || !r.refundDate) continue;
      const amount = toMoney(r.amount);
      const refundLine: RefundLine = { lineId: line.lineItemId, quantity: refundedUnits(line, amount), amount, restock: false };
      const known = found.get(id);
      if (known) {
        known.lines.push(refundLine);
        known.total = addMoney(known.total, amount);
      } else {
        // Canonical before the sort below: eBay's stamps need not share one precision.
        found.set(id, { refundId: id, occurredAt: toUtcInstant(r.refundDate, `eBay refund ${id} refundDate`), lines: [refundLine], total: amount });
      }
    }
  }
  const orderTotal = toMoney(order.pricingSummary.total);
  for (const r of order.paymentSummary?.refunds ?? []) {
    const id = r.refundId ?? r.refundReferenceId;
    if (!id || (r.refundStatus !== undefined && r.refundStatus !== 'REFUNDED')) continue;
    const amount = toMoney(r.amount);
    const known = found.get(id);
    if (known) {
      // The same refund seen at both levels: the order-level amount is what the buyer got back in all.
      known.total = amount;
      continue;
    }
    // An order-level refund of the whole order gives back every unit; a smaller one is money only.
    const lines: RefundLine[] = moneyEquals(amount, orderTotal)
      ? order.lineItems.map((l) => ({ lineId: l.lineItemId, quantity: l.quantity, amount: toMoney(l.discountedLineItemCost ?? l.lineItemCost), restock: false }))
      : [];
    found.set(id, { refundId: id, occurredAt: toUtcInstant(r.refundDate ?? order.lastModifiedDate, `eBay refund ${id} refundDate`), lines, total: amount });
  }
  return [...found.values()].sort((a, b) => a.occurredAt.localeCompare(b.occurredAt));
}

/** The earliest ship-by date over the lines (ISO-8601 UTC), if eBay gives one. */
function shipBy(order: EbayOrder): string | undefined {
  const times = order.lineItems.flatMap((l) => {
    try {
      // Strict: Date.parse would read a zone-less date in the worker's zone.
      return [toUtcInstant(l.lineItemFulfillmentInstructions?.shipByDate ?? '')];
    } catch {
      return [];
    }
  });
  // Canonical instants: string order is time order.
  return times.sort()[0];
}

export function toCanonicalOrder(order: EbayOrder, account: string): CanonicalOrder {
  const shipTo = order.fulfillmentStartInstructions?.[0]?.shippingStep?.shipTo;
  const total = toMoney(order.pricingSummary.total);
  const address = shippingAddress(order);
  const email = shipTo?.email && EMAIL.test(shipTo.email) ? shipTo.email : undefined;
  const phone = shipTo?.primaryPhone?.phoneNumber;
  const refunds = refundsOf(order);
  const shipByAt = shipBy(order);
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
    ...(shipByAt ? { shipBy: shipByAt } : {}),
    // Absent when there are none, so snapshots of refund-free orders keep their fingerprint.
    ...(refunds.length > 0 ? { refunds } : {}),
  };
  const parsed = CanonicalOrder.safeParse(candidate);
  if (!parsed.success) {
    const where = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ChannelError(`eBay order ${order.orderId} does not map to a canonical order: ${where}`, 'protocol');
  }
  return parsed.data;
}

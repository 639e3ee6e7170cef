import {
  type Address,
  CanonicalOrder,
  type ChannelOrderStatus,
  Customer,
  type Money,
  type OrderLine,
  type OrderRefund,
  addMoney,
  fromScaled,
  minorDigits,
  money,
  multiplyMoney,
  toScaled,
  toUtcInstant,
} from '../../../domain';
import { ChannelError } from '../errors';
import { type WalmartDate, type WalmartOrder, type WalmartOrderLine } from './schemas';

// Walmart wire shapes -> domain. Walmart charges are per unit (ItemPrice, tax); quantities are strings;
// dates are epoch milliseconds; money amounts are JSON numbers, converted once through money().

/** Epoch ms (number or digits) or ISO text with a zone -> ISO-8601 UTC with milliseconds. */
export function walmartDateToIso(value: WalmartDate): string {
  try {
    // Not Date.parse: it reads zone-less text in the worker's own zone, a wrong time rather than an error.
    return toUtcInstant(typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value);
  } catch {
    throw new ChannelError(`walmart: unreadable date ${JSON.stringify(value)} (epoch milliseconds or ISO-8601 with Z or an offset expected)`, 'protocol');
  }
}

/** The PO's ship-by date, ISO-8601 UTC; an unreadable one is left out (it only drives an alert). */
function shipBy(order: WalmartOrder): string | undefined {
  const value = order.shippingInfo.estimatedShipDate;
  if (value === undefined) return undefined;
  try {
    return walmartDateToIso(value);
  } catch {
    return undefined;
  }
}

/** Walmart query dates: yyyy-MM-ddTHH:mm:ssZ (no fractions), floored so the window never shrinks. */
export function toWalmartQueryDate(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new ChannelError(`walmart: not a date: ${iso}`, 'rejected');
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const ALPHA3: Record<string, string> = { USA: 'US', CAN: 'CA', MEX: 'MX', PRI: 'PR' };

function countryCode(country: string): string {
  const upper = country.trim().toUpperCase();
  const code = ALPHA3[upper] ?? upper;
  if (!/^[A-Z]{2}$/.test(code)) throw new ChannelError(`walmart: unknown country ${country}`, 'protocol');
  return code;
}

export function quantityIn(line: WalmartOrderLine, ...statuses: string[]): number {
  return line.orderLineStatuses.orderLineStatus
    .filter((s) => statuses.includes(s.status))
    .reduce((n, s) => n + Number(s.statusQuantity.amount), 0);
}

function zero(currency: string): Money {
  return money('0', currency);
}

/**
 * The PRODUCT charge and its tax are per unit; the SHIPPING charge and its tax are the line's, like the shipping
 * amount (so its tax is not multiplied by the quantity, and is kept apart from the line's tax: Odoo is not given it).
 */
function lineCharges(line: WalmartOrderLine, currency: string) {
  let unitPrice: Money | undefined;
  let unitTax = zero(currency);
  let shipping = zero(currency);
  let shippingTax = zero(currency);
  for (const charge of line.charges.charge) {
    const amount = money(charge.chargeAmount.amount, charge.chargeAmount.currency);
    const tax = charge.tax ? money(charge.tax.taxAmount.amount, charge.tax.taxAmount.currency) : undefined;
    if (charge.chargeType === 'SHIPPING') {
      shipping = addMoney(shipping, amount);
      if (tax) shippingTax = addMoney(shippingTax, tax);
      continue;
    }
    if (charge.chargeType === 'PRODUCT') unitPrice = unitPrice ? addMoney(unitPrice, amount) : amount;
    if (tax) unitTax = addMoney(unitTax, tax);
  }
  if (!unitPrice) throw new ChannelError(`walmart: line ${line.lineNumber} has no PRODUCT charge`, 'protocol');
  return { unitPrice, unitTax, shipping, shippingTax };
}

function orderStatus(order: WalmartOrder, refunded: Money, charged: Money): ChannelOrderStatus {
  const lines = order.orderLines.orderLine;
  const ordered = lines.reduce((n, l) => n + Number(l.orderLineQuantity.amount), 0);
  const cancelled = lines.reduce((n, l) => n + quantityIn(l, 'Cancelled'), 0);
  // Refunded units shipped first (Walmart refunds shipped lines only).
  const shipped = lines.reduce((n, l) => n + quantityIn(l, 'Shipped', 'Delivered', 'Refund'), 0);
  const digits = minorDigits(charged.currency);
  if (toScaled(refunded.amount, digits) > 0n && toScaled(refunded.amount, digits) >= toScaled(charged.amount, digits)) return 'refunded';
  if (cancelled >= ordered) return 'cancelled';
  if (shipped > 0 && shipped >= ordered - cancelled) return 'shipped';
  if (shipped > 0) return 'partially_shipped';
  // Walmart releases a PO to the seller only after payment.
  return 'paid';
}

/**
 * The order is delivered once every unit still on it (neither cancelled nor refunded) shows `Delivered`
 * (line statuses Shipped -> Delivered, marketplaces.md 5.2). Walmart gives no delivery time of its own: a line's
 * statusDate is when its status last changed, so the latest one of the delivered lines stands for it (without
 * one the time is unknown and the order is not reported delivered: its return window then runs from shipment).
 */
export function deliveredAtOf(order: WalmartOrder): string | undefined {
  const lines = order.orderLines.orderLine;
  const open = lines.reduce((n, l) => n + Number(l.orderLineQuantity.amount) - quantityIn(l, 'Cancelled', 'Refund'), 0);
  const delivered = lines.reduce((n, l) => n + quantityIn(l, 'Delivered'), 0);
  if (delivered === 0 || delivered < open) return undefined;
  const dates = lines.filter((l) => quantityIn(l, 'Delivered') > 0 && l.statusDate !== undefined).map((l) => Date.parse(walmartDateToIso(l.statusDate!)));
  return dates.length > 0 ? new Date(Math.max(...dates)).toISOString() : undefined;
}

/** Whole units a refunded PRODUCT charge pays back at the unit price (a smaller amount is money only). */
function refundedUnits(charge: Money, unitPrice: Money, quantity: number): number {
  const price = toScaled(unitPrice.amount, 6);
  if (price <= 0n) return 0;
  return Math.min(quantity, Number(toScaled(charge.amount, 6) / price));
}

/**
 * Walmart shows one refund per line (RefundType) whose refundCharges accumulate over every refund of that line
 * (negative amounts, tax on the charge); the boundaries between refunds are not shown and refundId may name only
 * the latest. So each refunded charge is a refund of its own here, keyed by line and its position in that
 * append-only list: a read never books a charge twice and a later read never renumbers an earlier one. A PRODUCT
 * charge gives back the units its amount pays for at the unit price; other charges (shipping) are money only.
 */
export function refundsOf(order: WalmartOrder, currency: string): OrderRefund[] {
  const refunds: OrderRefund[] = [];
  for (const line of order.orderLines.orderLine) {
    const charges = line.refund?.refundCharges.refundCharge ?? [];
    if (charges.length === 0) continue;
    const { unitPrice } = lineCharges(line, currency);
    const quantity = Number(line.orderLineQuantity.amount) - quantityIn(line, 'Cancelled');
    const at = walmartDateToIso(line.statusDate ?? order.orderDate);
    charges.forEach((c, index) => {
      const charged = money(Math.abs(c.charge.chargeAmount.amount), c.charge.chargeAmount.currency);
      const tax = c.charge.tax ? money(Math.abs(c.charge.tax.taxAmount.amount), c.charge.tax.taxAmount.currency) : undefined;
      const amount = tax ? addMoney(charged, tax) : charged;
      const units = (c.charge.chargeType ?? 'PRODUCT') === 'PRODUCT' ? refundedUnits(charged, unitPrice, quantity) : 0;
      refunds.push({
        refundId: `${line.lineNumber}:${index + 1}`,
        occurredAt: at,
        lines: [{ lineId: line.lineNumber, quantity: units, amount, restock: false }],
        total: amount,
        ...(c.refundReason || line.refund?.refundComments ? { note: [c.refundReason, line.refund?.refundComments].filter(Boolean).join(': ') } : {}),
      });
    });
  }
  return refunds;
}

export function toCanonicalOrder(order: WalmartOrder, account: string): CanonicalOrder {
  const firstCharge = order.orderLines.orderLine[0]?.charges.charge[0];
  const currency = firstCharge?.chargeAmount.currency ?? order.orderSummary?.totalAmount.currencyUnit ?? 'USD';
  let total = zero(currency);
  let shippingTotal = zero(currency);
  let shippingTax = zero(currency);
  let latest = typeof order.orderDate === 'number' ? order.orderDate : Date.parse(walmartDateToIso(order.orderDate));

  const lines: OrderLine[] = order.orderLines.orderLine.map((line) => {
    const charges = lineCharges(line, currency);
    const { unitPrice, unitTax, shipping } = charges;
    // The line's quantity is what the buyer still gets: ordered minus cancelled.
    const quantity = Math.max(0, Number(line.orderLineQuantity.amount) - quantityIn(line, 'Cancelled'));
    const tax = multiplyMoney(unitTax, quantity);
    total = addMoney(addMoney(addMoney(addMoney(total, multiplyMoney(unitPrice, quantity)), tax), shipping), charges.shippingTax);
    shippingTotal = addMoney(shippingTotal, shipping);
    shippingTax = addMoney(shippingTax, charges.shippingTax);
    if (line.statusDate !== undefined) latest = Math.max(latest, Date.parse(walmartDateToIso(line.statusDate)));
    return {
      lineId: line.lineNumber,
      sku: line.item.sku,
      title: line.item.productName,
      quantity,
      unitPrice,
      ...(toScaled(tax.amount, 6) !== 0n ? { tax } : {}),
    };
  });

  const address = order.shippingInfo.postalAddress;
  const shippingAddress: Address = {
    name: address.name,
    street1: address.address1,
    ...(address.address2 ? { street2: address.address2 } : {}),
    city: address.city,
    ...(address.state ? { region: address.state } : {}),
    ...(address.postalCode ? { postalCode: address.postalCode } : {}),
    countryCode: countryCode(address.country),
    ...(order.shippingInfo.phone ? { phone: order.shippingInfo.phone } : {}),
  };
  const digits = minorDigits(currency);
  const refunds = refundsOf(order, currency);
  // The refunds carry their tax, like the total: compare like with like.
  const refunded = refunds.reduce((sum, r) => addMoney(sum, r.total), zero(currency));
  const shipByAt = shipBy(order);
  const deliveredAt = deliveredAtOf(order);
  const candidate = {
    channel: 'walmart' as const,
    account,
    externalId: order.purchaseOrderId,
    name: order.customerOrderId,
    status: orderStatus(order, refunded, total),
    currency,
    customer: {
      name: address.name,
      // Relay addresses are normally valid; anything else is dropped rather than failing the order.
      ...(order.customerEmailId && Customer.shape.email.safeParse(order.customerEmailId).success ? { email: order.customerEmailId } : {}),
      ...(order.shippingInfo.phone ? { phone: order.shippingInfo.phone } : {}),
    },
    shippingAddress,
    lines,
    ...(toScaled(shippingTotal.amount, digits) !== 0n ? { shippingTotal } : {}),
    ...(toScaled(shippingTax.amount, digits) !== 0n ? { shippingTax } : {}),
    total: { amount: fromScaled(toScaled(total.amount, digits), digits), currency },
    taxesIncluded: false,
    createdAt: walmartDateToIso(order.orderDate),
    updatedAt: new Date(latest).toISOString(),
    test: false,
    ...(shipByAt ? { shipBy: shipByAt } : {}),
    ...(deliveredAt ? { deliveredAt } : {}),
    // Absent when there are none, so snapshots of refund-free orders keep their fingerprint.
    ...(refunds.length > 0 ? { refunds } : {}),
  };
  const parsed = CanonicalOrder.safeParse(candidate);
  if (!parsed.success) {
    const where = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ChannelError(`walmart: PO ${order.purchaseOrderId} does not map to a canonical order: ${where}`, 'protocol');
  }
  return parsed.data;
}

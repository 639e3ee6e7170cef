import { z } from 'zod';
import {
  type Address,
  addMoney,
  CanonicalOrder,
  type ChannelOrderStatus,
  type Customer,
  fromScaled,
  minorDigits,
  money,
  type Money,
  multiplyMoney,
  type OrderLine,
  type OrderRefundedEvent,
  toScaled,
} from '../../../domain';
import { type GqlLineItem, type GqlOrder, type RestOrder, type RestRefund } from './schemas';

// Shopify (REST webhook JSON or Admin GraphQL) -> canonical order. Both shapes first become the same
// plain facts so the rules (status, customer, SKU) live in one place.

/**
 * A line without a SKU (custom item, deleted variant) keeps the order whole: it gets this placeholder,
 * which matches no ERP product, so the order workflow stops at needs_attention naming the line.
 */
export const MISSING_SKU_PREFIX = 'shopify-no-sku:line-';

interface AddressFacts {
  name?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  company?: string | null;
  address1?: string | null;
  address2?: string | null;
  city?: string | null;
  province?: string | null;
  provinceCode?: string | null;
  countryCode?: string | null;
  zip?: string | null;
  phone?: string | null;
}

interface LineFacts {
  id: string;
  sku: string | null | undefined;
  title: string;
  /** The canonical quantity: net of edits, refunded units kept. */
  quantity: number;
  /** The quantity as ordered: Shopify gives the line's tax and discount for it, removed and refunded units included. */
  orderedQuantity: number;
  unitPrice: string | number;
  discount?: string | number;
  taxes: (string | number)[];
}

interface OrderFacts {
  externalId: string;
  name: string;
  email?: string | null;
  createdAt: string;
  updatedAt: string;
  cancelled: boolean;
  /** REST spelling: paid, partially_refunded, ... */
  financialStatus?: string | null;
  /** REST spelling: null, partial, fulfilled. */
  fulfillmentStatus?: string | null;
  currency: string;
  total: string | number;
  shipping?: string | number;
  /** The tax lines of the shipping as charged (REST shipping_lines[].tax_lines, GraphQL shippingLine.taxLines). */
  shippingTaxes: (string | number)[];
  taxesIncluded: boolean;
  test: boolean;
  customer?: { firstName?: string | null; lastName?: string | null; email?: string | null; phone?: string | null } | null;
  shippingAddress?: AddressFacts | null;
  billingAddress?: AddressFacts | null;
  lines: LineFacts[];
  /**
   * The lines' tax net of edits (refunded units kept), as Shopify's order totals imply it (see editedLineTax);
   * absent when the payload does not say. Steers the cents of rounding when tax is scaled to edited quantities.
   */
  lineTax?: Money;
  /** When the last fulfillment reached the buyer, if the order is delivered in full (see deliveredAtOf). */
  deliveredAt?: string;
}

export function statusOf(facts: Pick<OrderFacts, 'cancelled' | 'financialStatus' | 'fulfillmentStatus'>): ChannelOrderStatus {
  const financial = facts.financialStatus?.toLowerCase() ?? '';
  if (facts.cancelled || financial === 'voided') return 'cancelled';
  if (financial === 'refunded') return 'refunded';
  if (facts.fulfillmentStatus === 'fulfilled') return 'shipped';
  if (facts.fulfillmentStatus === 'partial') return 'partially_shipped';
  // AUTHORIZED means the payment is secured (manual capture later): treat as paid.
  if (['paid', 'partially_refunded', 'authorized'].includes(financial)) return 'paid';
  return 'pending_payment';
}

/** One fulfillment as both shapes report it: counted (not cancelled or failed), delivered, and when. */
export interface FulfilmentFacts {
  ok: boolean;
  delivered: boolean;
  at?: string | null;
}

/**
 * Shopify reports delivery per fulfillment (REST `shipment_status: delivered`; GraphQL `displayStatus: DELIVERED`
 * with `deliveredAt`); the order's fulfillment status (REST `fulfillment_status`, GraphQL
 * `displayFulfillmentStatus`) has no delivered value. So the order is delivered when it is fulfilled in full and
 * every fulfillment that counts was delivered; the latest delivery is the order's.
 */
export function deliveredAtOf(fulfilled: boolean, fulfillments: readonly FulfilmentFacts[]): string | undefined {
  const counted = fulfillments.filter((f) => f.ok);
  if (!fulfilled || counted.length === 0 || !counted.every((f) => f.delivered && f.at)) return undefined;
  return counted.map((f) => new Date(f.at!).toISOString()).sort().at(-1);
}

/** Numeric id from a GID ("gid://shopify/LineItem/12" -> "12"); anything else unchanged. */
export function legacyId(gid: string): string {
  return gid.slice(gid.lastIndexOf('/') + 1);
}

const Email = z.string().email();

function address(a: AddressFacts | null | undefined, fallbackName: string): Address | undefined {
  if (!a?.address1 || !a.city || !a.countryCode || !/^[A-Z]{2}$/.test(a.countryCode)) return undefined;
  const name = a.name?.trim() || [a.firstName, a.lastName].filter(Boolean).join(' ').trim() || fallbackName;
  return {
    name,
    company: a.company || undefined,
    street1: a.address1,
    street2: a.address2 || undefined,
    city: a.city,
    region: a.provinceCode || a.province || undefined,
    postalCode: a.zip || undefined,
    countryCode: a.countryCode,
    phone: a.phone || undefined,
  };
}

function customerOf(facts: OrderFacts): Customer {
  const email = [facts.email, facts.customer?.email].find((e) => e && Email.safeParse(e).success) ?? undefined;
  const fromCustomer = [facts.customer?.firstName, facts.customer?.lastName].filter(Boolean).join(' ').trim();
  const fromAddress = (a?: AddressFacts | null) => a?.name?.trim() || [a?.firstName, a?.lastName].filter(Boolean).join(' ').trim();
  const name = fromAddress(facts.billingAddress) || fromAddress(facts.shippingAddress) || fromCustomer || email || `Shopify customer ${facts.name}`;
  return { name, email, phone: facts.customer?.phone || facts.billingAddress?.phone || facts.shippingAddress?.phone || undefined };
}

function nonZero(m: Money): Money | undefined {
  return /^-?0+(\.0+)?$/.test(m.amount) ? undefined : m;
}

function line(l: LineFacts, currency: string, tax: Money, discount: Money | undefined): OrderLine {
  return {
    lineId: l.id,
    sku: l.sku?.trim() ? l.sku.trim() : `${MISSING_SKU_PREFIX}${l.id}`,
    title: l.title,
    quantity: l.quantity,
    unitPrice: money(l.unitPrice, currency),
    discount: discount && nonZero(discount),
    tax: nonZero(tax),
  };
}

/** An amount Shopify gives for `of` units, wanted for `to` units. */
interface Share {
  amount: Money;
  of: number;
  to: number;
}

/**
 * Each amount times to/of, on exact decimals, rounded half away from zero to the currency's minor unit; an amount
 * whose quantity did not change (or has no units to scale from) is kept as it is. Rounding is the only place a
 * cent can arise: at most half a cent per scaled line from the exact share, and Shopify's own figure for the
 * edited line (which it does not report per line) may sit up to a cent from ours.
 *
 * `target` is what the scaled amounts should add up to, when the order's totals say it: the difference is then
 * spread one cent at a time over the scaled lines, to those whose exact share was nearest the other way of
 * rounding. A difference larger than a cent per scaled line is not rounding (a tax override, an edited shipping
 * line, a refund we cannot see): the target is ignored and the order's total check says what differs.
 */
export function scaleShares(shares: readonly Share[], target?: Money): Money[] {
  const currency = shares[0]?.amount.currency ?? target?.currency ?? 'USD';
  const digits = minorDigits(currency);
  const scaled = shares.map((s) => {
    const minor = toScaled(s.amount.amount, digits);
    if (s.of === s.to || s.of <= 0) return { value: minor, num: minor, den: 1n, adjustable: false };
    const num = minor * BigInt(s.to);
    const den = BigInt(s.of);
    const abs = num < 0n ? -num : num;
    const rounded = (2n * abs + den) / (2n * den);
    return { value: num < 0n ? -rounded : rounded, num, den, adjustable: minor !== 0n && s.to > 0 };
  });
  const movable = scaled.map((s, i) => ({ ...s, i })).filter((s) => s.adjustable);
  if (target && target.currency === currency && movable.length > 0) {
    let gap = toScaled(target.amount, digits) - scaled.reduce((sum, s) => sum + s.value, 0n);
    if (gap !== 0n && (gap < 0n ? -gap : gap) <= BigInt(movable.length)) {
      // The remainder exact − rounded is (num − value × den) / den: a cent goes up where it is largest, down where smallest.
      const up = gap > 0n;
      const compare = (a: (typeof movable)[number], b: (typeof movable)[number]) => {
        const [ra, rb] = [(a.num - a.value * a.den) * b.den, (b.num - b.value * b.den) * a.den];
        if (ra === rb) return a.i - b.i;
        return ra > rb === up ? -1 : 1;
      };
      movable.sort(compare);
      for (const m of movable) {
        if (gap === 0n) break;
        scaled[m.i]!.value += up ? 1n : -1n;
        gap += up ? -1n : 1n;
      }
    }
  }
  return scaled.map((s) => ({ amount: fromScaled(s.value, digits), currency }));
}

/**
 * Shopify gives each line's tax (`tax_lines` / `taxLines`) and discount (`total_discount` / `totalDiscountSet`, and
 * `discount_allocations` / `discountAllocations`) for the quantity as ordered, units removed by edits and refunded
 * units included; neither API has them per line for the quantity that stands. So both are scaled to the canonical
 * quantity, and the discount percentage Odoo gets follows.
 *
 * Where a cent can arise (Odoo's total against the channel's, compareTotals): the tax is steered so the lines add
 * up to what Shopify's current totals imply (editedLineTax; both payloads carry them), so it adds none; without
 * them, up to a cent per edited line. The discount has no such figure (Shopify's discount totals mix in order-level
 * and shipping discounts): up to a cent per edited discounted line. One edited line stays within the default
 * totalTolerance of 0.01; several edited discounted lines may not, and the order parks naming the difference.
 */
function linesOf(facts: OrderFacts): OrderLine[] {
  const zero = money('0', facts.currency);
  const taxes = scaleShares(
    facts.lines.map((l) => ({
      amount: l.taxes.reduce<Money>((sum, t) => addMoney(sum, money(t, facts.currency)), zero),
      of: l.orderedQuantity,
      to: l.quantity,
    })),
    facts.lineTax,
  );
  const discounts = scaleShares(facts.lines.map((l) => ({ amount: money(l.discount ?? '0', facts.currency), of: l.orderedQuantity, to: l.quantity })));
  return facts.lines.map((l, i) => line(l, facts.currency, taxes[i]!, l.discount === undefined ? undefined : discounts[i]));
}

/**
 * The lines' tax net of edits (refunded units kept). Shopify's current total tax is net of edits and refunds, lines
 * and shipping: adding back what the refunds paid back (lines and shipping) and taking out the shipping's tax as
 * charged leaves it. Only documented "current" figures are used: whether total_tax / totalTaxSet follow edits is
 * not. An edit of the shipping itself would throw it off, which the size check in scaleShares catches.
 */
function editedLineTax(input: { currency: string; currentTax: string | number; refundedTax: Money; shippingTaxes: (string | number)[] }): Money {
  const { currency } = input;
  const shippingTax = input.shippingTaxes.reduce<Money>((s, a) => addMoney(s, money(a, currency)), money('0', currency));
  return money(addMoney(addMoney(money(input.currentTax, currency), input.refundedTax), multiplyMoney(shippingTax, -1)).amount, currency);
}

function canonical(facts: OrderFacts, account: string): CanonicalOrder {
  const customer = customerOf(facts);
  const candidate = {
    channel: 'shopify' as const,
    account,
    externalId: facts.externalId,
    name: facts.name,
    status: statusOf(facts),
    currency: facts.currency,
    customer,
    shippingAddress: address(facts.shippingAddress, customer.name),
    billingAddress: address(facts.billingAddress, customer.name),
    lines: linesOf(facts),
    shippingTotal: facts.shipping === undefined ? undefined : money(facts.shipping, facts.currency),
    // As charged, like the total (which adds refunds back): absent when the shipping is untaxed.
    shippingTax: nonZero(facts.shippingTaxes.reduce<Money>((sum, t) => addMoney(sum, money(t, facts.currency)), money('0', facts.currency))),
    total: money(facts.total, facts.currency),
    taxesIncluded: facts.taxesIncluded,
    createdAt: facts.createdAt,
    updatedAt: facts.updatedAt,
    test: facts.test,
    // Only with it, so snapshots of undelivered orders keep their shape.
    ...(facts.deliveredAt ? { deliveredAt: facts.deliveredAt } : {}),
  };
  return CanonicalOrder.parse(candidate);
}

function refundedUnits(o: RestOrder, lineId: number): number {
  return o.refunds.flatMap((r) => r.refund_line_items).reduce((sum, r) => (r.line_item_id === lineId ? sum + r.quantity : sum), 0);
}

/**
 * `current_total_price` is net of edits and of refunds, but the lines keep refunded units (a refund is its own event
 * and credit note): the money refunded is added back, so the total is the order as it stands after edits only.
 * Without it (older payloads), `total_price` is the order as placed and nothing is added.
 */
function restTotal(o: RestOrder): Money {
  if (o.current_total_price === undefined) return money(o.total_price, o.currency);
  return o.refunds.reduce((sum, r) => addMoney(sum, refundedInShopMoney(r, o.currency)), money(o.current_total_price, o.currency));
}

/** A refund paid out in another (presentment) currency counts by its lines and adjustments, which are in shop money. */
function refundedInShopMoney(r: RestRefund, currency: string): Money {
  const paidIn = refundCurrency(r);
  return refundFromRest(paidIn === undefined || paidIn === currency ? r : { ...r, transactions: [] }, currency).total;
}

/** Tax the refunds paid back, in shop money: their lines' and (negative on the adjustment) their shipping's. */
function restRefundedTax(o: RestOrder): Money {
  const zero = money('0', o.currency);
  return o.refunds.reduce((sum, r) => {
    const lines = r.refund_line_items.reduce((s, l) => addMoney(s, money(l.total_tax, o.currency)), sum);
    return r.order_adjustments.reduce((s, a) => addMoney(s, multiplyMoney(money(a.tax_amount, o.currency), -1)), lines);
  }, zero);
}

function restEditedLineTax(o: RestOrder): Money | undefined {
  if (o.current_total_tax === undefined) return undefined;
  return editedLineTax({
    currency: o.currency,
    currentTax: o.current_total_tax,
    refundedTax: restRefundedTax(o),
    shippingTaxes: o.shipping_lines.flatMap((s) => s.tax_lines.map((t) => t.price)),
  });
}

export function orderFromRest(o: RestOrder, account: string): CanonicalOrder {
  const addr = (a: RestOrder['shipping_address']): AddressFacts | null =>
    a ? { name: a.name, firstName: a.first_name, lastName: a.last_name, company: a.company, address1: a.address1, address2: a.address2, city: a.city, province: a.province, provinceCode: a.province_code, countryCode: a.country_code, zip: a.zip, phone: a.phone } : null;
  return canonical(
    {
      externalId: String(o.id),
      name: o.name,
      email: o.email || o.contact_email,
      createdAt: o.created_at,
      updatedAt: o.updated_at,
      cancelled: Boolean(o.cancelled_at),
      financialStatus: o.financial_status,
      fulfillmentStatus: o.fulfillment_status,
      // REST fulfillments carry no delivery time: updated_at is their last shipment_status change (delivered is the last).
      deliveredAt: deliveredAtOf(
        o.fulfillment_status === 'fulfilled',
        o.fulfillments.map((f) => ({ ok: f.status === 'success', delivered: f.shipment_status === 'delivered', at: f.updated_at })),
      ),
      currency: o.currency,
      total: restTotal(o).amount,
      lineTax: restEditedLineTax(o),
      shipping: o.total_shipping_price_set?.shop_money.amount,
      shippingTaxes: o.shipping_lines.flatMap((s) => s.tax_lines.map((t) => t.price)),
      taxesIncluded: o.taxes_included,
      test: o.test,
      customer: o.customer ? { firstName: o.customer.first_name, lastName: o.customer.last_name, email: o.customer.email, phone: o.customer.phone } : null,
      shippingAddress: addr(o.shipping_address),
      billingAddress: addr(o.billing_address),
      lines: o.line_items.map((l) => ({
        id: String(l.id),
        sku: l.sku,
        title: l.title,
        // Edits leave `quantity` as ordered; `current_quantity` is what is still on the order, net of refunded
        // units too. A refund is not an edit (it arrives as its own event and becomes a credit note), so the
        // refunded units are added back.
        quantity: l.current_quantity === undefined || l.current_quantity === null ? l.quantity : l.current_quantity + refundedUnits(o, l.id),
        orderedQuantity: l.quantity,
        unitPrice: l.price,
        discount: l.total_discount,
        taxes: l.tax_lines.map((t) => t.price),
      })),
    },
    account,
  );
}

const GQL_FULFILMENT: Record<string, string> = { FULFILLED: 'fulfilled', PARTIALLY_FULFILLED: 'partial' };

/**
 * `refunded`: units refunded per line item GID. `currentQuantity` is net of edits and of refunds; like the
 * webhook path, lines keep their refunded units (a refund is its own event and credit note, not an edit).
 * `refundedTax`: the tax the refunds paid back (lines and shipping, shop money), read with the units; without
 * refunds it is zero.
 */
export function orderFromGraphql(
  o: GqlOrder,
  lines: GqlLineItem[],
  account: string,
  refunded: ReadonlyMap<string, number> = new Map(),
  refundedTax: string | undefined = refunded.size === 0 ? '0' : undefined,
): CanonicalOrder {
  const addr = (a: GqlOrder['shippingAddress']): AddressFacts | null =>
    a ? { name: a.name, firstName: a.firstName, lastName: a.lastName, company: a.company, address1: a.address1, address2: a.address2, city: a.city, province: a.province, provinceCode: a.provinceCode, countryCode: a.countryCodeV2, zip: a.zip, phone: a.phone } : null;
  return canonical(
    {
      externalId: o.legacyResourceId,
      name: o.name,
      email: o.email,
      createdAt: new Date(o.createdAt).toISOString(),
      updatedAt: new Date(o.updatedAt).toISOString(),
      cancelled: o.cancelledAt !== null,
      financialStatus: o.displayFinancialStatus?.toLowerCase(),
      fulfillmentStatus: GQL_FULFILMENT[o.displayFulfillmentStatus] ?? null,
      deliveredAt: deliveredAtOf(
        o.displayFulfillmentStatus === 'FULFILLED',
        (o.fulfillments ?? []).map((f) => ({ ok: f.status === 'SUCCESS', delivered: f.displayStatus === 'DELIVERED' || Boolean(f.deliveredAt), at: f.deliveredAt })),
      ),
      currency: o.currencyCode,
      // Net of edits and refunds; the lines keep refunded units, so the money refunded is added back.
      total: addMoney(money(o.currentTotalPriceSet.shopMoney.amount, o.currencyCode), money(o.totalRefundedSet.shopMoney.amount, o.currencyCode)).amount,
      lineTax:
        o.currentTotalTaxSet && refundedTax !== undefined
          ? editedLineTax({
              currency: o.currencyCode,
              currentTax: o.currentTotalTaxSet.shopMoney.amount,
              refundedTax: money(refundedTax, o.currencyCode),
              shippingTaxes: (o.shippingLine?.taxLines ?? []).map((t) => t.priceSet.shopMoney.amount),
            })
          : undefined,
      shipping: o.totalShippingPriceSet.shopMoney.amount,
      shippingTaxes: (o.shippingLine?.taxLines ?? []).map((t) => t.priceSet.shopMoney.amount),
      taxesIncluded: o.taxesIncluded,
      test: o.test,
      customer: o.customer,
      shippingAddress: addr(o.shippingAddress),
      billingAddress: addr(o.billingAddress),
      lines: lines.map((l) => ({
        id: legacyId(l.id),
        sku: l.sku,
        title: l.name,
        quantity: l.currentQuantity + (refunded.get(l.id) ?? 0),
        orderedQuantity: l.quantity,
        unitPrice: l.originalUnitPriceSet.shopMoney.amount,
        discount: l.totalDiscountSet.shopMoney.amount,
        taxes: l.taxLines.map((t) => t.priceSet.shopMoney.amount),
      })),
    },
    account,
  );
}

/**
 * Returned goods only: 'cancel' is units that never shipped (cancelled before fulfilment), so reading it as a
 * restock would take shipped units of a partly shipped line back; 'no_restock' stays with the buyer.
 */
const RESTOCKING = new Set(['return', 'legacy_restock']);

export function refundFromRest(r: RestRefund, currency: string): OrderRefundedEvent['refund'] {
  const zero = money('0', currency);
  const lines = r.refund_line_items.map((l) => ({
    lineId: String(l.line_item_id),
    quantity: l.quantity,
    amount: addMoney(money(l.subtotal, currency), money(l.total_tax, currency)),
    restock: RESTOCKING.has(l.restock_type ?? ''),
  }));
  const refunds = r.transactions.filter((t) => t.kind === 'refund' && (t.status ?? 'success') === 'success');
  // Prefer money that actually moved; without transactions, lines minus order adjustments (negative = refunded),
  // each adjustment with its tax (a shipping refund gives back the shipping's tax too).
  const total = refunds.length
    ? refunds.reduce<Money>((sum, t) => addMoney(sum, money(t.amount, currency)), zero)
    : r.order_adjustments.reduce<Money>(
        (sum, a) => addMoney(sum, multiplyMoney(addMoney(money(a.amount, currency), money(a.tax_amount, currency)), -1)),
        lines.reduce<Money>((sum, l) => addMoney(sum, l.amount), zero),
      );
  return { refundId: String(r.id), lines, total: money(total.amount, currency), note: r.note || undefined };
}

/** The refund's currency: from its transactions, else from the line money sets. */
export function refundCurrency(r: RestRefund): string | undefined {
  return r.transactions.find((t) => t.currency)?.currency ?? r.refund_line_items.find((l) => l.subtotal_set)?.subtotal_set?.shop_money.currency_code;
}

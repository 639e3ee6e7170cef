import { z } from 'zod';
import {
  type Address,
  addMoney,
  CanonicalOrder,
  type ChannelOrderStatus,
  type Customer,
  money,
  type Money,
  type OrderLine,
  type OrderRefundedEvent,
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
  quantity: number;
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
  taxesIncluded: boolean;
  test: boolean;
  customer?: { firstName?: string | null; lastName?: string | null; email?: string | null; phone?: string | null } | null;
  shippingAddress?: AddressFacts | null;
  billingAddress?: AddressFacts | null;
  lines: LineFacts[];
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

function line(l: LineFacts, currency: string): OrderLine {
  const tax = l.taxes.reduce<Money>((sum, t) => addMoney(sum, money(t, currency)), money('0', currency));
  return {
    lineId: l.id,
    sku: l.sku?.trim() ? l.sku.trim() : `${MISSING_SKU_PREFIX}${l.id}`,
    title: l.title,
    quantity: l.quantity,
    unitPrice: money(l.unitPrice, currency),
    discount: l.discount === undefined ? undefined : nonZero(money(l.discount, currency)),
    tax: nonZero(tax),
  };
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
    lines: facts.lines.map((l) => line(l, facts.currency)),
    shippingTotal: facts.shipping === undefined ? undefined : money(facts.shipping, facts.currency),
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
      total: o.current_total_price ?? o.total_price,
      shipping: o.total_shipping_price_set?.shop_money.amount,
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
 */
export function orderFromGraphql(o: GqlOrder, lines: GqlLineItem[], account: string, refunded: ReadonlyMap<string, number> = new Map()): CanonicalOrder {
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
      total: o.currentTotalPriceSet.shopMoney.amount,
      shipping: o.totalShippingPriceSet.shopMoney.amount,
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
  // Prefer money that actually moved; without transactions, lines minus order adjustments (negative = refunded).
  const total = refunds.length
    ? refunds.reduce<Money>((sum, t) => addMoney(sum, money(t.amount, currency)), zero)
    : r.order_adjustments.reduce<Money>(
        (sum, a) => addMoney(sum, money(String(a.amount).startsWith('-') ? String(a.amount).slice(1) : `-${a.amount}`, currency)),
        lines.reduce<Money>((sum, l) => addMoney(sum, l.amount), zero),
      );
  return { refundId: String(r.id), lines, total: money(total.amount, currency), note: r.note || undefined };
}

/** The refund's currency: from its transactions, else from the line money sets. */
export function refundCurrency(r: RestRefund): string | undefined {
  return r.transactions.find((t) => t.currency)?.currency ?? r.refund_line_items.find((l) => l.subtotal_set)?.subtotal_set?.shop_money.currency_code;
}

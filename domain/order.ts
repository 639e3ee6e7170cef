import { z } from 'zod';
import { MAX_EXTERNAL_ID_LENGTH } from './channel-names';
import { AccountName, Channel } from './channels';
import { UtcInstant } from './instant';
import { CurrencyCode, Money } from './money';

export const Address = z.object({
  name: z.string().min(1),
  company: z.string().optional(),
  street1: z.string().min(1),
  street2: z.string().optional(),
  city: z.string().min(1),
  region: z.string().optional(),
  postalCode: z.string().optional(),
  countryCode: z.string().regex(/^[A-Z]{2}$/, 'ISO 3166-1 alpha-2 country code'),
  phone: z.string().optional(),
});
export type Address = z.infer<typeof Address>;

export const Customer = z.object({
  name: z.string().min(1),
  email: z.string().email().optional(),
  phone: z.string().optional(),
});
export type Customer = z.infer<typeof Customer>;

export const OrderLine = z.object({
  /** The channel's own line id, stable across edits. */
  lineId: z.string().min(1),
  sku: z.string().min(1),
  title: z.string(),
  quantity: z.number().int().nonnegative(),
  /** Price of one unit before discounts, in the order currency. */
  unitPrice: Money,
  /** Discount over the whole line (not per unit). */
  discount: Money.optional(),
  tax: Money.optional(),
});
export type OrderLine = z.infer<typeof OrderLine>;

export const RefundLine = z.object({
  lineId: z.string().min(1),
  quantity: z.number().int().nonnegative(),
  /** Amount refunded for this line, tax included when the channel says so. */
  amount: Money,
  restock: z.boolean(),
});
export type RefundLine = z.infer<typeof RefundLine>;

/** One refund as the channel reports it (an `order.refunded` event carries the same object). */
export const Refund = z.object({
  /** The channel's own id of the refund (or one derived from it, stable across reads): credit notes dedupe on it. */
  refundId: z.string().min(1),
  lines: z.array(RefundLine),
  /** Everything refunded by this refund, shipping and adjustments included. */
  total: Money,
  note: z.string().optional(),
});
export type Refund = z.infer<typeof Refund>;

/** A refund read back with the order (channels without refund events); `occurredAt` orders them. */
export const OrderRefund = Refund.extend({ occurredAt: UtcInstant });
export type OrderRefund = z.infer<typeof OrderRefund>;

/** Where the order stands on the channel (not in channelsync). */
export const ChannelOrderStatus = z.enum(['pending_payment', 'paid', 'partially_shipped', 'shipped', 'cancelled', 'refunded']);
export type ChannelOrderStatus = z.infer<typeof ChannelOrderStatus>;

export const OrderKey = z.object({
  channel: Channel,
  account: AccountName,
  /** The channel's order id (Shopify numeric id, Amazon order id, ...). */
  externalId: z.string().min(1).max(MAX_EXTERNAL_ID_LENGTH),
});
export type OrderKey = z.infer<typeof OrderKey>;

export const CanonicalOrder = OrderKey.extend({
  /** Human order number shown to the merchant ("#1001"). */
  name: z.string().min(1),
  status: ChannelOrderStatus,
  currency: CurrencyCode,
  customer: Customer,
  shippingAddress: Address.optional(),
  billingAddress: Address.optional(),
  lines: z.array(OrderLine).min(1),
  shippingTotal: Money.optional(),
  /**
   * Tax the channel charged on the shipping, when its API reports it apart from the line taxes; absent when
   * there is none or the channel does not say. Odoo is never given it: when prices exclude tax, `total`
   * includes it and the total check leaves it out (with prices including tax it is inside `shippingTotal`).
   */
  shippingTax: Money.optional(),
  total: Money,
  taxesIncluded: z.boolean(),
  /** ISO-8601 UTC with milliseconds (domain/instant.ts): any offset or precision given is normalised. */
  createdAt: UtcInstant,
  updatedAt: UtcInstant,
  test: z.boolean().default(false),
  /** Who ships it: 'channel' when the marketplace fulfils from its own stock (Amazon FBA); absent means the merchant. */
  fulfilledBy: z.enum(['merchant', 'channel']).optional(),
  /** The channel's ship-by deadline (ISO-8601 UTC), when it sets one; the workflow alerts before it passes. */
  shipBy: UtcInstant.optional(),
  /**
   * When the channel shows every unit still on the order as delivered to the buyer (ISO-8601 UTC): set only where
   * the channel's API reports delivery (Walmart, Shopify, Daraz). Absent = not delivered or not reported.
   */
  deliveredAt: UtcInstant.optional(),
  /** Every refund the channel shows on the order so far, for channels that report refunds only this way. */
  refunds: z.array(OrderRefund).optional(),
});
export type CanonicalOrder = z.infer<typeof CanonicalOrder>;


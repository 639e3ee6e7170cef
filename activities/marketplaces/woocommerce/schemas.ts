import { z } from 'zod';

// WooCommerce REST v3 payloads as channelsync reads them. Loose objects: stores add fields through plugins.

const Amount = z.string().regex(/^-?\d+(\.\d+)?$/, 'expected a decimal string such as "12.50"');
/** `*_gmt` dates: UTC without a zone designator. */
export const GmtDate = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/, 'expected YYYY-MM-DDTHH:MM:SS (UTC, no zone)');

const text = z.string().nullish().transform((v) => v ?? '');

export const WooAddress = z.looseObject({
  first_name: text,
  last_name: text,
  company: text,
  address_1: text,
  address_2: text,
  city: text,
  state: text,
  postcode: text,
  country: text,
  email: text.optional(),
  phone: text.optional(),
});
export type WooAddress = z.infer<typeof WooAddress>;

export const WooLineItem = z.looseObject({
  id: z.number().int(),
  name: text,
  product_id: z.number().int(),
  variation_id: z.number().int(),
  quantity: z.number().int(),
  subtotal: Amount,
  total: Amount,
  total_tax: Amount,
  sku: text,
  // Documented as a string, sent as a JSON number.
  price: z.union([z.number(), Amount]),
});
export type WooLineItem = z.infer<typeof WooLineItem>;

export const WooRefundSummary = z.looseObject({
  id: z.number().int(),
  reason: text,
  /** Negative, e.g. "-10.00". */
  total: Amount,
});

export const WooOrder = z.looseObject({
  id: z.number().int().positive(),
  number: z.union([z.string(), z.number()]).transform(String),
  status: z.string().min(1),
  currency: z.string().regex(/^[A-Z]{3}$/),
  prices_include_tax: z.boolean(),
  date_created_gmt: GmtDate,
  date_modified_gmt: GmtDate,
  date_paid_gmt: GmtDate.nullish(),
  shipping_total: Amount,
  /** Tax on the shipping lines (the sum of their total_tax); the order total includes it. */
  shipping_tax: Amount.optional(),
  total: Amount,
  billing: WooAddress,
  shipping: WooAddress,
  line_items: z.array(WooLineItem),
  refunds: z.array(WooRefundSummary).default([]),
});
export type WooOrder = z.infer<typeof WooOrder>;

/** `order.deleted` carries only the id. */
export const WooDeleted = z.looseObject({ id: z.number().int().positive() });

/** What we read from any other resource's webhook to name the event. */
export const WooAnyResource = z.looseObject({ id: z.number().int().optional(), date_modified_gmt: GmtDate.nullish() });

export const WooProduct = z.looseObject({
  id: z.number().int(),
  sku: text,
  type: z.string(),
  parent_id: z.number().int(),
  stock_quantity: z.number().int().nullish(),
  /** A variation inheriting its parent's stock says "parent". */
  manage_stock: z.union([z.boolean(), z.literal('parent')]).optional(),
  regular_price: text,
});
export type WooProduct = z.infer<typeof WooProduct>;

export const WooBatchResponse = z.looseObject({
  update: z
    .array(
      z.looseObject({
        id: z.number().int(),
        error: z.looseObject({ code: z.string(), message: z.string() }).optional(),
      }),
    )
    .default([]),
});

export const WooNote = z.looseObject({
  id: z.number().int(),
  note: z.string(),
  customer_note: z.boolean(),
  date_created_gmt: GmtDate.nullish(),
});
export type WooNote = z.infer<typeof WooNote>;

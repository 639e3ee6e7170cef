import { z } from 'zod';
import { ORDER_STATUSES } from './store';

// What the simulator accepts: REST v3 request bodies (as loose as WooCommerce) and admin inputs.

const Amount = z.union([z.string().regex(/^-?\d+(\.\d{1,2})?$/), z.number()]);

const AddressPatch = z
  .object({
    first_name: z.string(),
    last_name: z.string(),
    company: z.string(),
    address_1: z.string(),
    address_2: z.string(),
    city: z.string(),
    state: z.string(),
    postcode: z.string(),
    country: z.string(),
    email: z.string(),
    phone: z.string(),
  })
  .partial();

const MetaEntry = z.object({ id: z.number().int().optional(), key: z.string(), value: z.unknown() });

export const RestOrderUpdate = z.looseObject({
  status: z.enum([...ORDER_STATUSES]).optional(),
  set_paid: z.boolean().optional(),
  customer_note: z.string().optional(),
  shipping: AddressPatch.optional(),
  meta_data: z.array(MetaEntry).optional(),
});

export const RestOrderCreate = RestOrderUpdate.extend({
  currency: z.string().regex(/^[A-Z]{3}$/).optional(),
  billing: AddressPatch.optional(),
  line_items: z
    .array(
      z.looseObject({
        product_id: z.number().int().optional(),
        variation_id: z.number().int().optional(),
        sku: z.string().optional(),
        quantity: z.number().int().positive(),
        total: Amount.optional(),
      }),
    )
    .min(1),
  shipping_lines: z.array(z.looseObject({ total: Amount })).optional(),
});

export const RestNoteCreate = z.looseObject({ note: z.string().min(1), customer_note: z.boolean().optional() });

export const RestRefundCreate = z.looseObject({
  amount: Amount.optional(),
  reason: z.string().optional(),
  restock_items: z.boolean().optional(),
  line_items: z
    .array(z.looseObject({ id: z.number().int(), quantity: z.number().int().nonnegative().optional(), refund_total: Amount.optional() }))
    .optional(),
});

export const RestProductUpdate = z.looseObject({
  stock_quantity: z.number().int().nullable().optional(),
  manage_stock: z.union([z.boolean(), z.literal('parent')]).optional(),
  regular_price: z.string().regex(/^(\d+(\.\d{1,2})?)?$/, 'regular_price must be a decimal string').optional(),
});

export const RestBatch = z.looseObject({
  create: z.array(z.unknown()).optional(),
  update: z.array(z.looseObject({ id: z.number().int() })).optional(),
  delete: z.array(z.number().int()).optional(),
});

export const WEBHOOK_TOPIC = /^(order|product|coupon|customer)\.(created|updated|deleted|restored)$|^action\.(woocommerce|wc)_\w+$/;

export const RestWebhookCreate = z.looseObject({
  name: z.string().optional(),
  topic: z.string().regex(WEBHOOK_TOPIC),
  delivery_url: z.string().url(),
  secret: z.string().optional(),
  status: z.enum(['active', 'paused', 'disabled']).optional(),
});

export const RestWebhookUpdate = RestWebhookCreate.partial();

// ---- admin ----

export const AdminOrderCreate = z.object({
  lines: z.array(z.object({ sku: z.string().min(1), quantity: z.number().int().positive(), unitPrice: Amount.optional() })).min(1),
  status: z.enum(['pending', 'processing', 'on-hold']).optional(),
  currency: z.string().regex(/^[A-Z]{3}$/).optional(),
  shippingTotal: Amount.optional(),
  /** Tax on the shipping (shipping_tax; WooCommerce's shipping costs are always before tax). */
  shippingTax: Amount.optional(),
  billing: AddressPatch.optional(),
  shipping: AddressPatch.optional(),
  customerNote: z.string().optional(),
});
export type AdminOrderCreate = z.input<typeof AdminOrderCreate>;

export const AdminOrderEdit = z.object({
  lines: z
    .array(
      z.union([
        z.object({ lineId: z.number().int(), quantity: z.number().int().nonnegative() }),
        z.object({ sku: z.string().min(1), quantity: z.number().int().positive() }),
      ]),
    )
    .optional(),
  shipping: AddressPatch.optional(),
  customerNote: z.string().optional(),
});
export type AdminOrderEdit = z.input<typeof AdminOrderEdit>;

export const AdminRefund = z.object({
  lines: z.array(z.object({ lineId: z.number().int(), quantity: z.number().int().nonnegative(), amount: Amount.optional() })),
  amount: Amount.optional(),
  reason: z.string().optional(),
  restock: z.boolean().optional(),
});
export type AdminRefund = z.input<typeof AdminRefund>;

export const AdminStatus = z.object({ status: z.enum([...ORDER_STATUSES]) });

/** A stock edit made in wp-admin: a quantity, or stock management switched off (quantity null). */
export const AdminStock = z.object({ quantity: z.number().int().nullable(), manageStock: z.boolean().optional() });
export type AdminStock = z.infer<typeof AdminStock>;

export const AdminFaults = z.object({
  /** Delay added to every REST call. */
  latencyMs: z.number().int().nonnegative().optional(),
  /** The next N REST calls answer 503. */
  serverErrors: z.number().int().nonnegative().optional(),
  /** The next N REST calls answer 429 with Retry-After (a host/WAF limit; WooCommerce core has none). */
  rateLimits: z.number().int().nonnegative().optional(),
  retryAfterSeconds: z.number().int().nonnegative().optional(),
  /** The next N webhook deliveries are lost before sending. */
  dropWebhooks: z.number().int().nonnegative().optional(),
});
export type AdminFaults = z.input<typeof AdminFaults>;

export const AdminWebhookCreate = z.object({
  topic: z.string().regex(WEBHOOK_TOPIC),
  deliveryUrl: z.string().url(),
  secret: z.string().optional(),
});

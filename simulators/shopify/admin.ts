import { z } from 'zod';

// Inputs of the simulator's own admin API (/_admin/... and the typed helpers); zod at this boundary too.

const Decimal = z.string().regex(/^\d+(\.\d{1,2})?$/, 'a decimal amount such as "12.50"');

export const AddressInput = z.object({
  firstName: z.string(),
  lastName: z.string(),
  company: z.string().optional(),
  address1: z.string(),
  address2: z.string().optional(),
  city: z.string(),
  province: z.string().optional(),
  provinceCode: z.string().optional(),
  /** Defaults to the country code when omitted. */
  country: z.string().optional(),
  countryCode: z.string().length(2),
  zip: z.string().optional(),
  phone: z.string().optional(),
});

export const CreateOrderInput = z.object({
  lines: z
    .array(
      z.object({
        /** Empty string: a custom line without SKU (Shopify allows it). */
        sku: z.string(),
        quantity: z.number().int().positive(),
        price: Decimal.optional(),
        /** A line-level discount over the whole line as ordered (a manual discount); tax is on the discounted amount. */
        discount: Decimal.optional(),
        taxRate: z.number().min(0).max(1).optional(),
        title: z.string().optional(),
      }),
    )
    .min(1),
  email: z.string().nullable().optional(),
  customer: z.object({ firstName: z.string(), lastName: z.string(), email: z.string().optional(), phone: z.string().optional() }).optional(),
  shippingAddress: AddressInput.nullable().optional(),
  billingAddress: AddressInput.nullable().optional(),
  shippingPrice: Decimal.optional(),
  /** Tax on the shipping (one tax line on the shipping line); inside shippingPrice when taxesIncluded. */
  shippingTax: Decimal.optional(),
  financialStatus: z.enum(['pending', 'authorized', 'partially_paid', 'paid']).optional(),
  taxesIncluded: z.boolean().optional(),
  test: z.boolean().optional(),
  note: z.string().optional(),
});
export type CreateOrderInput = z.input<typeof CreateOrderInput>;

export const EditQuantitiesInput = z.object({
  lines: z.array(z.object({ lineItemId: z.number().int(), quantity: z.number().int().nonnegative() })).min(1),
});
export type EditQuantitiesInput = z.input<typeof EditQuantitiesInput>;

export const CancelInput = z.object({
  reason: z.enum(['customer', 'fraud', 'inventory', 'declined', 'other', 'staff']).default('customer'),
  restock: z.boolean().default(true),
  refund: z.boolean().default(true),
});
export type CancelInput = z.input<typeof CancelInput>;

export const RefundInput = z.object({
  lines: z.array(z.object({ lineItemId: z.number().int(), quantity: z.number().int().positive(), restock: z.boolean().optional() })),
  refundShipping: z.boolean().optional(),
  note: z.string().optional(),
});
export type RefundInput = z.input<typeof RefundInput>;

export const DeliverInput = z.object({
  /** Fulfillments the carrier delivered; every fulfillment of the order when absent. */
  fulfillmentIds: z.array(z.number().int()).optional(),
  /** When it was delivered (epoch ms); default now. */
  at: z.number().int().optional(),
});
export type DeliverInput = z.input<typeof DeliverInput>;

export const ProductInput = z.object({ sku: z.string().min(1), price: Decimal, stock: z.number().int(), title: z.string().optional() });

/** A stock change made in the Shopify admin (behind the integration's back). */
export const StockInput = z.object({ available: z.number().int() });

export const FaultInput = z.object({
  /** Added before every Admin API answer. */
  latencyMs: z.number().int().min(0).optional(),
  /** The next n Admin API calls answer 503. */
  serverErrors: z.number().int().min(0).optional(),
  /** The next n calls are throttled: GraphQL empties the bucket (THROTTLED), REST fills its bucket (429). */
  throttle: z.number().int().min(0).optional(),
  throttleSurface: z.enum(['graphql', 'rest', 'both']).optional(),
  /** The next n webhook deliveries are lost. */
  dropWebhooks: z.number().int().min(0).optional(),
  duplicateWebhooks: z.boolean().optional(),
  /** Keep deliveries until releaseWebhooks(). */
  holdWebhooks: z.boolean().optional(),
  /** Clear everything first. */
  reset: z.boolean().optional(),
});
export type FaultInput = z.input<typeof FaultInput>;

export const BuildDeliveryInput = z.object({
  topic: z.string().min(1),
  orderId: z.union([z.number(), z.string()]).optional(),
  refundId: z.number().optional(),
  /** Any payload (for topics channelsync does not use, or malformed bodies). */
  payload: z.unknown().optional(),
});
export type BuildDeliveryInput = z.input<typeof BuildDeliveryInput>;

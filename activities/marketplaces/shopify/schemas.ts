import { z } from 'zod';
import { UtcInstant } from '../../../domain';

// zod for everything Shopify sends us: REST-shaped webhook bodies (snake_case, money as strings,
// shop-offset timestamps) and Admin GraphQL answers (camelCase, UTC, GIDs).

/** ISO-8601 with the shop's offset ("2025-03-01T10:00:00-05:00"), normalised to UTC with milliseconds. */
export const ShopTime = UtcInstant;

/** Money is a string on Shopify; a few refund fields have been numbers in some versions. */
export const Amount = z.union([z.string().regex(/^-?\d+(\.\d+)?$/, 'expected a decimal amount'), z.number()]);

const RestMoneySet = z.object({ shop_money: z.object({ amount: Amount, currency_code: z.string() }) });

export const RestAddress = z.object({
  first_name: z.string().nullish(),
  last_name: z.string().nullish(),
  name: z.string().nullish(),
  company: z.string().nullish(),
  address1: z.string().nullish(),
  address2: z.string().nullish(),
  city: z.string().nullish(),
  province: z.string().nullish(),
  province_code: z.string().nullish(),
  country_code: z.string().nullish(),
  zip: z.string().nullish(),
  phone: z.string().nullish(),
});

export const RestLineItem = z.object({
  id: z.number().int(),
  sku: z.string().nullish(),
  title: z.string(),
  name: z.string().nullish(),
  quantity: z.number().int().nonnegative(),
  current_quantity: z.number().int().nonnegative().optional(),
  price: Amount,
  total_discount: Amount.optional(),
  tax_lines: z.array(z.object({ price: Amount })).default([]),
  variant_id: z.number().int().nullish(),
});

export const RestRefund = z.object({
  id: z.number().int().positive(),
  order_id: z.number().int().positive(),
  created_at: ShopTime,
  note: z.string().nullish(),
  refund_line_items: z
    .array(
      z.object({
        line_item_id: z.number().int(),
        quantity: z.number().int().nonnegative(),
        restock_type: z.string().nullish(),
        subtotal: Amount,
        total_tax: Amount.default('0'),
        subtotal_set: RestMoneySet.optional(),
      }),
    )
    .default([]),
  transactions: z
    .array(z.object({ kind: z.string(), status: z.string().nullish(), amount: Amount, currency: z.string().nullish() }))
    .default([]),
  /** Shipping refunds and discrepancies: `amount` and `tax_amount` are negative when money goes back. */
  order_adjustments: z.array(z.object({ amount: Amount, tax_amount: Amount.default('0'), kind: z.string().nullish() })).default([]),
});
export type RestRefund = z.infer<typeof RestRefund>;

export const RestOrder = z.object({
  id: z.number().int().positive(),
  name: z.string().min(1),
  email: z.string().nullish(),
  contact_email: z.string().nullish(),
  created_at: ShopTime,
  updated_at: ShopTime,
  cancelled_at: ShopTime.nullish(),
  cancel_reason: z.string().nullish(),
  financial_status: z.string().nullish(),
  fulfillment_status: z.string().nullish(),
  currency: z.string().length(3),
  total_price: Amount,
  current_total_price: Amount.optional(),
  /** Tax net of edits and refunds, lines and shipping: with the refunds and shipping_lines, the lines' tax as edited. */
  current_total_tax: Amount.optional(),
  shipping_lines: z.array(z.object({ tax_lines: z.array(z.object({ price: Amount })).default([]) })).default([]),
  total_shipping_price_set: RestMoneySet.optional(),
  taxes_included: z.boolean(),
  test: z.boolean().default(false),
  customer: z
    .object({ first_name: z.string().nullish(), last_name: z.string().nullish(), email: z.string().nullish(), phone: z.string().nullish() })
    .nullish(),
  shipping_address: RestAddress.nullish(),
  billing_address: RestAddress.nullish(),
  line_items: z.array(RestLineItem).min(1),
  /** Only what delivery needs: `shipment_status` (null until the carrier reports; `delivered` at the end). */
  fulfillments: z
    .array(z.object({ status: z.string().nullish(), shipment_status: z.string().nullish(), updated_at: ShopTime.nullish() }))
    .default([]),
  /** To tell refunded units from edited-away ones, and to add the money refunded back to current_total_price. */
  refunds: z.array(RestRefund).default([]),
});
export type RestOrder = z.infer<typeof RestOrder>;

/** Any other topic: we only need something to key it by. */
export const AnyTopicBody = z.object({
  id: z.union([z.number(), z.string()]).optional(),
  order_id: z.union([z.number(), z.string()]).optional(),
  updated_at: ShopTime.optional(),
  created_at: ShopTime.optional(),
  /** orders/edited sends an edit summary whose order lives one level down. */
  order_edit: z.object({ order_id: z.union([z.number(), z.string()]).optional(), created_at: ShopTime.optional() }).optional(),
});

// ---- Admin GraphQL ----

const Money = z.object({ shopMoney: z.object({ amount: z.string(), currencyCode: z.string() }) });

export const GqlAddress = z.object({
  name: z.string().nullish(),
  firstName: z.string().nullish(),
  lastName: z.string().nullish(),
  company: z.string().nullish(),
  address1: z.string().nullish(),
  address2: z.string().nullish(),
  city: z.string().nullish(),
  province: z.string().nullish(),
  provinceCode: z.string().nullish(),
  countryCodeV2: z.string().nullish(),
  zip: z.string().nullish(),
  phone: z.string().nullish(),
});

export const GqlLineItem = z.object({
  id: z.string(),
  sku: z.string().nullable(),
  name: z.string(),
  quantity: z.number().int(),
  currentQuantity: z.number().int(),
  variant: z.object({ id: z.string() }).nullable(),
  originalUnitPriceSet: Money,
  totalDiscountSet: Money,
  taxLines: z.array(z.object({ priceSet: Money })),
});
export type GqlLineItem = z.infer<typeof GqlLineItem>;

const PageInfo = z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() });

export const GqlLineItemPage = z.object({ pageInfo: PageInfo, nodes: z.array(GqlLineItem) });

export const GqlOrder = z.object({
  id: z.string(),
  legacyResourceId: z.string(),
  name: z.string(),
  email: z.string().nullable(),
  createdAt: z.string().datetime({ offset: true }),
  updatedAt: z.string().datetime({ offset: true }),
  cancelledAt: z.string().datetime({ offset: true }).nullable(),
  cancelReason: z.string().nullable(),
  displayFinancialStatus: z.string().nullable(),
  displayFulfillmentStatus: z.string(),
  currencyCode: z.string(),
  taxesIncluded: z.boolean(),
  test: z.boolean(),
  totalPriceSet: Money,
  currentTotalPriceSet: Money,
  /** Money refunded so far: currentTotalPriceSet is net of it (edits, returns and refunds). */
  totalRefundedSet: Money,
  /** Tax net of edits and refunds, lines and shipping; with the refunds and shippingLine, the lines' tax as edited. */
  currentTotalTaxSet: Money.optional(),
  /** The summary of the order's shipping: its tax as charged. */
  shippingLine: z.object({ taxLines: z.array(z.object({ priceSet: Money })) }).nullish(),
  totalShippingPriceSet: Money,
  customer: z.object({ firstName: z.string().nullable(), lastName: z.string().nullable(), email: z.string().nullable(), phone: z.string().nullable() }).nullable(),
  shippingAddress: GqlAddress.nullable(),
  billingAddress: GqlAddress.nullable(),
  lineItems: GqlLineItemPage,
  /** Delivery per fulfillment: `displayStatus` DELIVERED and `deliveredAt` (FulfillmentDisplayStatus, Fulfillment). */
  fulfillments: z
    .array(z.object({ status: z.string(), displayStatus: z.string().nullable(), deliveredAt: z.string().datetime({ offset: true }).nullable() }))
    .optional(),
});
export type GqlOrder = z.infer<typeof GqlOrder>;

export const OrdersPage = z.object({ orders: z.object({ pageInfo: PageInfo, nodes: z.array(GqlOrder) }) });
export const OrderById = z.object({ order: GqlOrder.nullable() });
export const OrderLinesPage = z.object({ order: z.object({ lineItems: GqlLineItemPage }).nullable() });
export const OrderRefundedUnits = z.object({
  order: z
    .object({
      refunds: z.array(
        z.object({
          refundLineItems: z.object({
            pageInfo: z.object({ hasNextPage: z.boolean() }),
            nodes: z.array(z.object({ quantity: z.number().int().nonnegative(), totalTaxSet: Money, lineItem: z.object({ id: z.string() }) })),
          }),
          refundShippingLines: z.object({ pageInfo: z.object({ hasNextPage: z.boolean() }), nodes: z.array(z.object({ taxAmountSet: Money })) }),
        }),
      ),
    })
    .nullable(),
});

export const FulfilmentPlan = z.object({
  order: z
    .object({
      cancelledAt: z.string().nullable(),
      fulfillmentOrders: z.object({
        nodes: z.array(
          z.object({
            id: z.string(),
            status: z.string(),
            assignedLocation: z.object({ location: z.object({ id: z.string() }).nullable() }),
            lineItems: z.object({
              nodes: z.array(z.object({ id: z.string(), remainingQuantity: z.number().int(), lineItem: z.object({ id: z.string() }) })),
            }),
          }),
        ),
      }),
      fulfillments: z.array(z.object({ id: z.string(), trackingInfo: z.array(z.object({ number: z.string().nullable() })) })),
    })
    .nullable(),
});

export const VariantLookup = z.object({
  shop: z.object({ currencyCode: z.string() }).optional(),
  locations: z.object({ nodes: z.array(z.object({ id: z.string() })) }).optional(),
  productVariants: z.object({
    pageInfo: PageInfo,
    nodes: z.array(z.object({ id: z.string(), sku: z.string().nullable(), product: z.object({ id: z.string() }), inventoryItem: z.object({ id: z.string() }) })),
  }),
});

/** Stock of variants found by SKU search: `available` at one location (null when the item is not stocked there). */
export const StockLookup = z.object({
  shop: z.object({ currencyCode: z.string() }).optional(),
  locations: z.object({ nodes: z.array(z.object({ id: z.string() })) }).optional(),
  productVariants: z.object({
    pageInfo: PageInfo,
    nodes: z.array(
      z.object({
        sku: z.string().nullable(),
        inventoryItem: z.object({
          inventoryLevel: z.object({ quantities: z.array(z.object({ name: z.string(), quantity: z.number().int() })) }).nullable(),
        }),
      }),
    ),
  }),
});

export const UserErrors = z.array(z.object({ field: z.array(z.string()).nullable(), message: z.string(), code: z.string().nullish() }));

export const InventorySetResult = z.object({ inventorySetQuantities: z.object({ userErrors: UserErrors }) });
export const PriceUpdateResult = z.object({ productVariantsBulkUpdate: z.object({ userErrors: UserErrors }) });
export const FulfillmentCreateResult = z.object({
  fulfillmentCreate: z.object({ fulfillment: z.object({ id: z.string() }).nullable(), userErrors: UserErrors }),
});
export const OrderCancelResult = z.object({
  orderCancel: z.object({ orderCancelUserErrors: UserErrors }),
});
export const OrderCancelledAt = z.object({ order: z.object({ cancelledAt: z.string().nullable() }).nullable() });

/** Envelope of every GraphQL answer: errors can arrive with HTTP 200 (THROTTLED among them). */
export const GraphQLEnvelope = z.object({
  data: z.unknown().optional(),
  errors: z
    .union([
      z.string(),
      z.array(z.object({ message: z.string(), extensions: z.object({ code: z.string().optional() }).passthrough().optional() })),
    ])
    .optional(),
  extensions: z
    .object({
      cost: z
        .object({
          requestedQueryCost: z.number(),
          actualQueryCost: z.number().nullable(),
          throttleStatus: z.object({ maximumAvailable: z.number(), currentlyAvailable: z.number(), restoreRate: z.number() }),
        })
        .optional(),
    })
    .optional(),
});

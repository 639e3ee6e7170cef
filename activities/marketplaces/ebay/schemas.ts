import { z } from 'zod';

// zod models of the eBay payloads the adapter reads: only the fields it uses, unknown keys stripped.

export const TokenResponse = z.object({
  access_token: z.string().min(1),
  expires_in: z.number().int().positive(),
  token_type: z.string().optional(),
});

export const Amount = z.object({ value: z.string(), currency: z.string() });
export type EbayAmount = z.infer<typeof Amount>;

export const ErrorEntry = z.object({
  errorId: z.number().int(),
  domain: z.string().optional(),
  category: z.string().optional(),
  message: z.string().optional(),
  longMessage: z.string().optional(),
});
export const ErrorBody = z.object({ errors: z.array(ErrorEntry) });

const ContactAddress = z.object({
  addressLine1: z.string().optional(),
  addressLine2: z.string().optional(),
  city: z.string().optional(),
  stateOrProvince: z.string().optional(),
  postalCode: z.string().optional(),
  countryCode: z.string().optional(),
});

const ShipTo = z.object({
  fullName: z.string().optional(),
  companyName: z.string().optional(),
  contactAddress: ContactAddress.optional(),
  primaryPhone: z.object({ phoneNumber: z.string().optional() }).optional(),
  email: z.string().optional(),
});

export const LineItem = z.object({
  lineItemId: z.string().min(1),
  legacyItemId: z.string().optional(),
  legacyVariationId: z.string().optional(),
  sku: z.string().optional(),
  title: z.string().optional(),
  quantity: z.number().int().nonnegative(),
  lineItemCost: Amount,
  discountedLineItemCost: Amount.optional(),
  taxes: z.array(z.object({ amount: Amount.optional(), taxType: z.string().optional() })).optional(),
  lineItemFulfillmentStatus: z.string().optional(),
  lineItemFulfillmentInstructions: z.object({ shipByDate: z.string().optional() }).passthrough().optional(),
  /** LineItemRefund: refunds issued for this line (refundDate appears once issued). */
  refunds: z
    .array(z.object({ refundId: z.string().optional(), refundReferenceId: z.string().optional(), refundDate: z.string().optional(), amount: Amount.optional() }))
    .optional(),
});
export type EbayLineItem = z.infer<typeof LineItem>;

/** OrderRefund: an order-level refund (line-level ones sit on the lines). refundStatus FAILED | PENDING | REFUNDED. */
export const OrderRefund = z.object({
  refundId: z.string().optional(),
  refundReferenceId: z.string().optional(),
  refundDate: z.string().optional(),
  refundStatus: z.string().optional(),
  amount: Amount,
});
export type EbayOrderRefund = z.infer<typeof OrderRefund>;

export const Order = z.object({
  orderId: z.string().min(1),
  creationDate: z.string(),
  lastModifiedDate: z.string(),
  orderFulfillmentStatus: z.string(),
  orderPaymentStatus: z.string(),
  buyer: z.object({ username: z.string().optional() }).optional(),
  cancelStatus: z.object({ cancelState: z.string().optional() }).optional(),
  pricingSummary: z.object({ total: Amount, deliveryCost: Amount.optional(), priceSubtotal: Amount.optional() }),
  fulfillmentStartInstructions: z
    .array(z.object({ shippingStep: z.object({ shipTo: ShipTo.optional() }).optional() }))
    .optional(),
  lineItems: z.array(LineItem).min(1),
  paymentSummary: z.object({ refunds: z.array(OrderRefund).optional() }).optional(),
});
export type EbayOrder = z.infer<typeof Order>;

export const OrderSearchPagedCollection = z.object({
  total: z.number().int().optional(),
  limit: z.number().int().optional(),
  offset: z.number().int().optional(),
  next: z.string().optional(),
  orders: z.array(Order).default([]),
});

export const ShippingFulfillmentPagedCollection = z.object({
  fulfillments: z
    .array(
      z.object({
        fulfillmentId: z.string(),
        shipmentTrackingNumber: z.string().optional(),
        lineItems: z.array(z.object({ lineItemId: z.string(), quantity: z.number().int() })).optional(),
      }),
    )
    .default([]),
});

export const BulkPriceQuantityResponse = z.object({
  responses: z.array(
    z.object({
      statusCode: z.number().int(),
      sku: z.string().optional(),
      offerId: z.string().optional(),
      errors: z.array(ErrorEntry).optional(),
    }),
  ),
});

/** bulkGetInventoryItem: one entry per SKU asked for, each with its own statusCode. */
export const BulkGetInventoryItemResponse = z.object({
  responses: z.array(
    z.object({
      statusCode: z.number().int(),
      sku: z.string().optional(),
      errors: z.array(ErrorEntry).optional(),
      inventoryItem: z
        .object({
          sku: z.string().optional(),
          availability: z
            .object({ shipToLocationAvailability: z.object({ quantity: z.number().int().optional() }).optional() })
            .optional(),
        })
        .optional(),
    }),
  ),
});

export const Offers = z.object({
  offers: z
    .array(
      z.object({
        offerId: z.string(),
        sku: z.string().optional(),
        marketplaceId: z.string().optional(),
        status: z.string().optional(),
      }),
    )
    .default([]),
});

export const PublicKey = z.object({ algorithm: z.string(), digest: z.string(), key: z.string().min(1) });

/** Decoded X-EBAY-SIGNATURE header. */
export const SignatureHeader = z.object({
  alg: z.string(),
  kid: z.string().min(1),
  signature: z.string().min(1),
  digest: z.string(),
});

export const NotificationEnvelope = z.object({
  metadata: z.object({ topic: z.string().min(1), schemaVersion: z.string().optional() }),
  notification: z.object({
    notificationId: z.string().min(1),
    eventDate: z.string().datetime({ offset: true }),
    publishDate: z.string().optional(),
    publishAttemptCount: z.number().int().optional(),
    data: z.record(z.string(), z.unknown()).optional(),
  }),
});

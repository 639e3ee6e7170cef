import { z } from 'zod';
import { CANCEL_REASONS } from './store';

// What the simulator accepts: Walmart request bodies and the admin API inputs.

const Decimal = z.union([z.string().regex(/^-?\d+(\.\d+)?$/), z.number().finite()]).transform((v) => String(v));
const QtyString = z.object({ unitOfMeasurement: z.enum(['EACH', 'EA']), amount: z.string().regex(/^\d+$/) });

export const ShipBody = z.object({
  orderShipment: z.object({
    orderLines: z.object({
      orderLine: z
        .array(
          z.object({
            lineNumber: z.string().min(1),
            intentToCancelOverride: z.boolean().optional(),
            sellerOrderId: z.string().min(1),
            orderLineStatuses: z.object({
              orderLineStatus: z
                .array(
                  z.object({
                    status: z.literal('Shipped'),
                    statusQuantity: QtyString,
                    trackingInfo: z.object({
                      shipDateTime: z.number().int(),
                      carrierName: z
                        .object({ carrier: z.string().optional(), otherCarrier: z.string().optional() })
                        .refine((c) => Boolean(c.carrier) !== Boolean(c.otherCarrier), 'give exactly one of carrier / otherCarrier'),
                      methodCode: z.enum(['Standard', 'Express', 'OneDay', 'Freight', 'WhiteGlove', 'Value']),
                      trackingNumber: z.string().min(1),
                      trackingURL: z.string().optional(),
                    }),
                  }),
                )
                .min(1),
            }),
          }),
        )
        .min(1),
    }),
  }),
});

export const CancelBody = z.object({
  orderCancellation: z.object({
    orderLines: z.object({
      orderLine: z
        .array(
          z.object({
            lineNumber: z.string().min(1),
            orderLineStatuses: z.object({
              orderLineStatus: z
                .array(z.object({ status: z.literal('Cancelled'), cancellationReason: z.enum(CANCEL_REASONS), statusQuantity: QtyString }))
                .min(1),
            }),
          }),
        )
        .min(1),
    }),
  }),
});

export const RefundBody = z.object({
  orderRefund: z.object({
    purchaseOrderId: z.string(),
    orderLines: z.object({
      orderLine: z
        .array(
          z.object({
            lineNumber: z.string().min(1),
            /** Full refund of the line with every applicable charge (tax, shipping); the charges then only give the reason. */
            isFullRefund: z.boolean().optional(),
            refunds: z.object({
              refund: z
                .array(
                  z.object({
                    refundComments: z.string().optional(),
                    refundCharges: z.object({
                      refundCharge: z
                        .array(
                          z.object({
                            refundReason: z.string().min(1),
                            charge: z.object({
                              chargeType: z.enum(['PRODUCT', 'SHIPPING']).default('PRODUCT'),
                              chargeName: z.string().optional(),
                              chargeAmount: z.object({ currency: z.string(), amount: z.number() }),
                              tax: z.object({ taxName: z.string().optional(), taxAmount: z.object({ currency: z.string(), amount: z.number() }) }).nullish(),
                            }),
                          }),
                        )
                        .min(1),
                    }),
                  }),
                )
                .min(1),
            }),
          }),
        )
        .min(1),
    }),
  }),
});

export const InventoryBody = z.object({
  sku: z.string().min(1),
  quantity: z.object({ unit: z.literal('EACH'), amount: z.number() }),
});

export const PriceBody = z.object({
  sku: z.string().min(1),
  pricing: z
    .array(z.object({ currentPriceType: z.enum(['BASE', 'REDUCED', 'CLEARANCE']), currentPrice: z.object({ currency: z.string(), amount: z.number() }) }))
    .min(1),
});

export const InventoryFeedFile = z.object({
  InventoryHeader: z.object({ version: z.string() }),
  Inventory: z.array(z.unknown()),
});

export const PriceFeedFile = z.object({
  PriceHeader: z.object({ version: z.string() }),
  Price: z.array(z.unknown()),
});

// ---- admin inputs ----

export const AdminOrderInput = z.object({
  lines: z
    .array(
      z.object({
        sku: z.string().min(1),
        quantity: z.number().int().positive(),
        unitPrice: Decimal,
        unitTax: Decimal.optional(),
        shipping: Decimal.optional(),
        /** Tax on the line's SHIPPING charge (once per line, like the charge). */
        shippingTax: Decimal.optional(),
        productName: z.string().optional(),
      }),
    )
    .min(1),
  currency: z.string().regex(/^[A-Z]{3}$/).default('USD'),
  shipNodeType: z.enum(['SellerFulfilled', 'WFSFulfilled', '3PLFulfilled']).default('SellerFulfilled'),
  orderDate: z.number().int().optional(),
  address: z
    .object({
      name: z.string().min(1),
      address1: z.string().min(1),
      address2: z.string().optional(),
      city: z.string().min(1),
      state: z.string().min(1),
      postalCode: z.string().min(1),
      country: z.string().min(1),
    })
    .partial()
    .optional(),
});
export type AdminOrderInput = z.input<typeof AdminOrderInput>;

export const AdminOrderEdit = z.object({
  address: AdminOrderInput.shape.address,
  phone: z.string().optional(),
  methodCode: z.enum(['Standard', 'Express', 'OneDay', 'Freight', 'WhiteGlove', 'Value']).optional(),
});
export type AdminOrderEdit = z.input<typeof AdminOrderEdit>;

export const AdminCancel = z.object({
  /** Lines to cancel in full; all open lines when absent (Walmart auto-cancel). */
  lineNumbers: z.array(z.string()).optional(),
  reason: z.enum(CANCEL_REASONS).default('SELLER_CANCEL_OUT_OF_STOCK'),
});
export type AdminCancel = z.input<typeof AdminCancel>;

export const AdminRefund = z.object({
  lines: z
    .array(
      z.object({
        lineNumber: z.string(),
        amount: Decimal,
        tax: Decimal.optional(),
        chargeType: z.enum(['PRODUCT', 'SHIPPING']).default('PRODUCT'),
        /** Units refunded (moved to the `Refund` line status); none for money-only refunds. */
        quantity: z.number().int().positive().optional(),
        reason: z.string().default('CustomerChangedMind'),
        comments: z.string().optional(),
      }),
    )
    .min(1),
});
export type AdminRefund = z.input<typeof AdminRefund>;

export const AdminDeliver = z.object({
  /** Lines whose shipped units the carrier delivered; every line when absent. */
  lineNumbers: z.array(z.string()).optional(),
});
export type AdminDeliver = z.input<typeof AdminDeliver>;

export const AdminProduct = z.object({ sku: z.string().min(1), price: Decimal, stock: z.number().int().nonnegative() });
export type AdminProduct = z.input<typeof AdminProduct>;

export const AdminFaults = z.object({
  latencyMs: z.number().int().nonnegative().optional(),
  /** The next N API calls answer 500. */
  serverErrors: z.number().int().nonnegative().optional(),
  /** The next N API calls answer 429 with an empty bucket. */
  rateLimited: z.number().int().nonnegative().optional(),
  /** The next N webhook deliveries are silently dropped. */
  dropWebhooks: z.number().int().nonnegative().optional(),
  /** Invalidate every issued access token now (as if 15 minutes had passed). */
  expireTokens: z.boolean().optional(),
  /** Clear every pending fault. */
  reset: z.boolean().optional(),
});
export type AdminFaults = z.input<typeof AdminFaults>;

import { z } from 'zod';

// zod for what Walmart sends us. Lenient where Walmart is inconsistent (dates typed as strings in the model
// but numbers on the wire), strict where the adapter depends on a field.

/** Epoch milliseconds as a JSON number (what real payloads carry), a numeric string, or ISO text. */
export const WalmartDate = z.union([z.number().int(), z.string().min(1)]);
export type WalmartDate = z.infer<typeof WalmartDate>;

export const WalmartMoney = z.object({ currency: z.string().regex(/^[A-Z]{3}$/), amount: z.number().finite() });

const Quantity = z.object({ unitOfMeasurement: z.string().optional(), amount: z.string().regex(/^\d+$/) });

export const LineStatus = z.enum(['Created', 'Acknowledged', 'Shipped', 'Delivered', 'Cancelled', 'Refund']);

const TrackingInfo = z.object({
  shipDateTime: WalmartDate.optional(),
  carrierName: z.object({ carrier: z.string().optional(), otherCarrier: z.string().optional() }).optional(),
  methodCode: z.string().optional(),
  trackingNumber: z.string(),
  trackingURL: z.string().optional(),
});

export const WalmartOrderLine = z.object({
  lineNumber: z.string().min(1),
  item: z.object({ productName: z.string(), sku: z.string().min(1) }),
  charges: z.object({
    charge: z.array(
      z.object({
        chargeType: z.string(),
        chargeName: z.string().optional(),
        chargeAmount: WalmartMoney,
        tax: z.object({ taxName: z.string().optional(), taxAmount: WalmartMoney }).nullish(),
      }),
    ),
  }),
  orderLineQuantity: Quantity,
  statusDate: WalmartDate.optional(),
  orderLineStatuses: z.object({
    orderLineStatus: z.array(
      z.object({
        status: LineStatus,
        statusQuantity: Quantity,
        cancellationReason: z.string().nullish(),
        trackingInfo: TrackingInfo.nullish(),
      }),
    ),
  }),
  /** RefundType: one per line, its charges accumulating over every refund of the line (amounts negative). */
  refund: z
    .object({
      refundId: z.string().optional(),
      refundComments: z.string().nullish(),
      refundCharges: z.object({
        refundCharge: z.array(
          z.object({
            refundReason: z.string().optional(),
            charge: z.object({
              chargeType: z.string().optional(),
              chargeAmount: WalmartMoney,
              tax: z.object({ taxName: z.string().optional(), taxAmount: WalmartMoney }).nullish(),
            }),
          }),
        ),
      }),
    })
    .nullish(),
});
export type WalmartOrderLine = z.infer<typeof WalmartOrderLine>;

export const WalmartOrder = z.object({
  purchaseOrderId: z.string().min(1),
  customerOrderId: z.string().min(1),
  customerEmailId: z.string().optional(),
  orderDate: WalmartDate,
  shippingInfo: z.object({
    phone: z.string().optional(),
    methodCode: z.string().optional(),
    /** The ship-by date (epoch milliseconds in real payloads). */
    estimatedShipDate: WalmartDate.optional(),
    postalAddress: z.object({
      name: z.string(),
      address1: z.string(),
      address2: z.string().nullish(),
      city: z.string(),
      state: z.string().optional(),
      postalCode: z.string().optional(),
      country: z.string(),
    }),
  }),
  orderLines: z.object({ orderLine: z.array(WalmartOrderLine).min(1) }),
  orderSummary: z.object({ totalAmount: z.object({ currencyAmount: z.number(), currencyUnit: z.string() }) }).optional(),
  shipNode: z.object({ type: z.string().optional() }).optional(),
});
export type WalmartOrder = z.infer<typeof WalmartOrder>;

export const GetOrderResponse = z.object({ order: WalmartOrder });

export const OrderListResponse = z.object({
  list: z.object({
    meta: z.object({ totalCount: z.number().optional(), limit: z.number().optional(), nextCursor: z.string().nullish() }),
    elements: z.object({ order: z.array(WalmartOrder).optional() }),
  }),
});

export const TokenResponse = z.object({ access_token: z.string().min(1), token_type: z.string(), expires_in: z.number().positive() });

export const InventoryResponse = z.object({ sku: z.string(), quantity: z.object({ unit: z.string(), amount: z.number() }) });

/** The model is flat; Walmart's own example wraps it in ItemPriceResponse, so both are read. */
export const PriceResponse = z.union([
  z.object({ sku: z.string(), message: z.string().optional() }),
  z.object({ ItemPriceResponse: z.object({ sku: z.string(), message: z.string().optional() }) }),
]);

export const FeedIdResponse = z.object({ feedId: z.string().min(1) });

export const FeedStatusResponse = z.object({
  feedId: z.string(),
  feedStatus: z.enum(['RECEIVED', 'INPROGRESS', 'PROCESSED', 'ERROR']),
  itemsReceived: z.number().optional(),
  itemDetails: z
    .object({
      itemIngestionStatus: z.array(
        z.object({
          sku: z.string().optional(),
          index: z.number().int().optional(),
          ingestionStatus: z.enum(['INPROGRESS', 'SUCCESS', 'DATA_ERROR', 'SYSTEM_ERROR', 'TIMEOUT_ERROR']),
          ingestionErrors: z
            .object({ ingestionError: z.array(z.object({ type: z.string(), code: z.string(), description: z.string().optional() })).optional() })
            .nullish(),
        }),
      ),
    })
    .optional(),
});
export type FeedStatusResponse = z.infer<typeof FeedStatusResponse>;

/** Order notifications (PO_CREATED, PO_LINE_AUTOCANCELLED): metadata plus a lightweight payload. */
export const WalmartNotification = z.object({
  source: z.object({ eventType: z.string().min(1), eventTime: z.string().min(1), eventId: z.string().min(1) }),
  payload: z
    .object({
      purchaseOrderId: z.string().min(1).optional(),
      orderLines: z.array(z.object({ lineNumber: z.string() }).passthrough()).optional(),
    })
    .passthrough(),
});
export type WalmartNotification = z.infer<typeof WalmartNotification>;

import { z } from 'zod';

// zod for what SP-API, LWA and the notification queue send us. Only the fields the adapter reads are
// checked; everything else passes through untouched.

export const LwaTokenResponse = z.object({
  access_token: z.string().min(1),
  token_type: z.string(),
  expires_in: z.number().int().positive(),
});

export const RestrictedDataTokenResponse = z.object({
  restrictedDataToken: z.string().min(1),
  expiresIn: z.number().int().positive(),
});

export const AmazonMoney = z.object({ CurrencyCode: z.string(), Amount: z.string() });
export type AmazonMoney = z.infer<typeof AmazonMoney>;

export const AmazonAddress = z
  .object({
    Name: z.string().optional(),
    CompanyName: z.string().optional(),
    AddressLine1: z.string().optional(),
    AddressLine2: z.string().optional(),
    AddressLine3: z.string().optional(),
    City: z.string().optional(),
    StateOrRegion: z.string().optional(),
    PostalCode: z.string().optional(),
    CountryCode: z.string().optional(),
    Phone: z.string().optional(),
  })
  .passthrough();

export const OrderStatus = z.enum([
  'PendingAvailability',
  'Pending',
  'Unshipped',
  'PartiallyShipped',
  'Shipped',
  'InvoiceUnconfirmed',
  'Canceled',
  'Unfulfillable',
]);
export type OrderStatus = z.infer<typeof OrderStatus>;

export const AmazonOrder = z
  .object({
    AmazonOrderId: z.string().min(1),
    PurchaseDate: z.string(),
    LastUpdateDate: z.string(),
    /** The end of the ship-by window (absent on some Pending orders). */
    LatestShipDate: z.string().optional(),
    OrderStatus,
    FulfillmentChannel: z.enum(['MFN', 'AFN']).optional(),
    MarketplaceId: z.string().optional(),
    OrderTotal: AmazonMoney.optional(),
    ShippingAddress: AmazonAddress.optional(),
    BuyerInfo: z.object({ BuyerEmail: z.string().optional(), BuyerName: z.string().optional() }).passthrough().optional(),
  })
  .passthrough();
export type AmazonOrder = z.infer<typeof AmazonOrder>;

export const AmazonOrderItem = z
  .object({
    ASIN: z.string(),
    OrderItemId: z.string().min(1),
    SellerSKU: z.string().optional(),
    Title: z.string().optional(),
    QuantityOrdered: z.number().int().nonnegative(),
    QuantityShipped: z.number().int().nonnegative().optional(),
    /** Line total (unit price x QuantityOrdered). Absent while the order is Pending. */
    ItemPrice: AmazonMoney.optional(),
    ItemTax: AmazonMoney.optional(),
    ShippingPrice: AmazonMoney.optional(),
    /** Tax on ShippingPrice; ShippingDiscountTax is the part of it the shipping discount takes back. */
    ShippingTax: AmazonMoney.optional(),
    ShippingDiscount: AmazonMoney.optional(),
    ShippingDiscountTax: AmazonMoney.optional(),
    PromotionDiscount: AmazonMoney.optional(),
    /** The part of ItemTax the promotion discount takes back. */
    PromotionDiscountTax: AmazonMoney.optional(),
  })
  .passthrough();
export type AmazonOrderItem = z.infer<typeof AmazonOrderItem>;

export const GetOrdersResponse = z.object({
  payload: z.object({
    Orders: z.array(AmazonOrder),
    NextToken: z.string().optional(),
    LastUpdatedBefore: z.string().optional(),
    CreatedBefore: z.string().optional(),
  }),
});

export const GetOrderResponse = z.object({ payload: AmazonOrder });

export const GetOrderItemsResponse = z.object({
  payload: z.object({ AmazonOrderId: z.string(), OrderItems: z.array(AmazonOrderItem), NextToken: z.string().optional() }),
});

export const ListingsItemSubmissionResponse = z.object({
  sku: z.string(),
  status: z.enum(['ACCEPTED', 'INVALID', 'VALID']),
  submissionId: z.string(),
  issues: z
    .array(z.object({ code: z.string(), message: z.string(), severity: z.enum(['ERROR', 'WARNING', 'INFO']) }).passthrough())
    .optional(),
});

/** getListingsItem with includedData=fulfillmentAvailability (the Item model: only sku is required). */
export const ListingsItem = z.object({
  sku: z.string(),
  fulfillmentAvailability: z.array(z.object({ fulfillmentChannelCode: z.string(), quantity: z.number().int().nonnegative().optional() })).optional(),
});

export const CreateFeedDocumentResponse = z.object({ feedDocumentId: z.string().min(1), url: z.string().url() });
export const CreateFeedResponse = z.object({ feedId: z.string().min(1) });
export const FeedDocument = z.object({
  feedDocumentId: z.string().min(1),
  url: z.string().url(),
  compressionAlgorithm: z.literal('GZIP').optional(),
});
export const Feed = z
  .object({
    feedId: z.string(),
    processingStatus: z.enum(['CANCELLED', 'DONE', 'FATAL', 'IN_PROGRESS', 'IN_QUEUE']),
    resultFeedDocumentId: z.string().optional(),
  })
  .passthrough();

export const ProcessingReport = z.object({
  header: z.object({ feedId: z.string().optional() }).passthrough(),
  issues: z
    .array(
      z
        .object({ messageId: z.number().int(), sku: z.string().optional(), code: z.string(), severity: z.string(), message: z.string() })
        .passthrough(),
    )
    .default([]),
  summary: z
    .object({ errors: z.number().int(), messagesProcessed: z.number().int(), messagesAccepted: z.number().int(), messagesInvalid: z.number().int() })
    .passthrough(),
});
export type ProcessingReport = z.infer<typeof ProcessingReport>;

export const SqsReceiveResponse = z.object({
  Messages: z
    .array(z.object({ MessageId: z.string(), ReceiptHandle: z.string().min(1), Body: z.string() }).passthrough())
    .optional(),
});

/** ORDER_CHANGE as published by Amazon (schemas/notifications/OrderChangeNotification.json). */
export const OrderChangeNotification = z.object({
  NotificationType: z.string(),
  EventTime: z.string(),
  Payload: z.object({
    OrderChangeNotification: z
      .object({
        SellerId: z.string(),
        AmazonOrderId: z.string().min(1),
        OrderChangeType: z.string(),
        OrderChangeTrigger: z.object({ TimeOfOrderChange: z.string().nullable(), ChangeReason: z.string() }),
        Summary: z
          .object({ MarketplaceId: z.string(), OrderStatus: z.string(), FulfillmentType: z.enum(['AFN', 'MFN']) })
          .passthrough(),
      })
      .passthrough(),
  }),
  NotificationMetadata: z.object({ NotificationId: z.string().min(1), PublishTime: z.string() }).passthrough(),
});
export type OrderChangeNotification = z.infer<typeof OrderChangeNotification>;

/** Finances API v0 money: the amount is a JSON number (negative when given back to the buyer). */
export const FinancesCurrency = z.object({ CurrencyCode: z.string().optional(), CurrencyAmount: z.number().optional() }).passthrough();
const ChargeComponent = z.object({ ChargeType: z.string().optional(), ChargeAmount: FinancesCurrency.optional() }).passthrough();
const Promotion = z.object({ PromotionType: z.string().optional(), PromotionAmount: FinancesCurrency.optional() }).passthrough();

/** ShipmentItem of a RefundEvent: OrderAdjustmentItemId names the adjustment, QuantityShipped the units. */
export const FinancesShipmentItem = z
  .object({
    SellerSKU: z.string().optional(),
    OrderItemId: z.string().optional(),
    OrderAdjustmentItemId: z.string().optional(),
    QuantityShipped: z.number().int().optional(),
    ItemChargeAdjustmentList: z.array(ChargeComponent).optional(),
    PromotionAdjustmentList: z.array(Promotion).optional(),
  })
  .passthrough();

/** ShipmentEvent, the type of RefundEventList entries: "a shipment, refund, guarantee claim, or chargeback". */
export const FinancesShipmentEvent = z
  .object({
    AmazonOrderId: z.string().optional(),
    PostedDate: z.string().optional(),
    ShipmentItemAdjustmentList: z.array(FinancesShipmentItem).optional(),
  })
  .passthrough();
export type FinancesShipmentEvent = z.infer<typeof FinancesShipmentEvent>;

export const ListFinancialEventsResponse = z.object({
  payload: z
    .object({
      NextToken: z.string().optional(),
      FinancialEvents: z.object({ RefundEventList: z.array(FinancesShipmentEvent).optional() }).passthrough().optional(),
    })
    .passthrough()
    .optional(),
});

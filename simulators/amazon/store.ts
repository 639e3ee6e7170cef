import { randomUUID } from 'node:crypto';
import { currencyScale, sumAmounts, timesQuantity } from './decimal';
import { type SqsQueue } from './queue';

// The simulated seller account: orders, listings, feeds and the notifications they cause. Amazon's JSON
// shapes are produced here (views), the HTTP layer only routes.

export type OrderStatus = 'Pending' | 'Unshipped' | 'PartiallyShipped' | 'Shipped' | 'Canceled';
export type FulfillmentChannel = 'AFN' | 'MFN';

export interface SimAddress {
  name: string;
  line1: string;
  line2?: string;
  city: string;
  stateOrRegion?: string;
  postalCode: string;
  countryCode: string;
  phone?: string;
}

export interface SimOrderItem {
  orderItemId: string;
  asin: string;
  sku: string;
  title: string;
  quantity: number;
  quantityShipped: number;
  /** Per unit; Amazon only ever shows the line total (ItemPrice). */
  unitPrice: string;
  buyerRequestedCancel?: string;
}

export interface SimShipment {
  packageReferenceId: string;
  carrierCode: string;
  carrierName?: string;
  shippingMethod?: string;
  trackingNumber: string;
  shipDate: string;
  orderItems: { orderItemId: string; quantity: number }[];
}

/** One refunded order item inside a refund (Finances API ShipmentItem of a RefundEvent). */
export interface SimRefundItem {
  orderItemId: string;
  sku: string;
  /** OrderAdjustmentItemId: Amazon's id of this item's adjustment. */
  adjustmentId: string;
  quantity: number;
  /** Positive decimal amounts given back; the Finances API shows them negative. */
  principal: string;
  tax: string;
  shipping: string;
}

/** A refund as Amazon posts it to the seller's financial events (RefundEventList); there is no refund id. */
export interface SimRefund {
  postedAt: number;
  items: SimRefundItem[];
}

export interface SimOrder {
  amazonOrderId: string;
  status: OrderStatus;
  fulfillmentChannel: FulfillmentChannel;
  marketplaceId: string;
  currency: string;
  purchaseDate: number;
  lastUpdateDate: number;
  items: SimOrderItem[];
  shippingPrice: string;
  shippingTax: string;
  address: SimAddress;
  buyerName: string;
  buyerEmail: string;
  shipments: SimShipment[];
  refunds: SimRefund[];
}

export interface SimListing {
  sku: string;
  asin: string;
  productType: string;
  stock: number;
  price: string;
  currency: string;
  /** Every other attribute patched in, kept as sent. */
  attributes: Record<string, unknown>;
}

export interface Faults {
  latencyMs: number;
  serverErrors: number;
  throttles: number;
  dropNotifications: number;
  duplicateNotifications: number;
  /** Listing patches are ACCEPTED now and applied this much later (Amazon: minutes). */
  listingApplyDelayMs: number;
  /** Feed goes IN_QUEUE -> IN_PROGRESS -> DONE over this many ms of simulator time. */
  feedProcessingMs: number;
  shuffleQueue: boolean;
}

export const DEFAULT_FAULTS: Faults = {
  latencyMs: 0,
  serverErrors: 0,
  throttles: 0,
  dropNotifications: 0,
  duplicateNotifications: 0,
  listingApplyDelayMs: 0,
  feedProcessingMs: 0,
  shuffleQueue: true,
};

export interface FeedRecord {
  feedId: string;
  feedType: string;
  marketplaceIds: string[];
  inputFeedDocumentId: string;
  createdAt: number;
  status: 'IN_QUEUE' | 'IN_PROGRESS' | 'DONE' | 'CANCELLED' | 'FATAL';
  startedAt?: number;
  endedAt?: number;
  resultFeedDocumentId?: string;
}

export interface DocumentRecord {
  feedDocumentId: string;
  contentType: string;
  content?: string;
  signature: string;
  expiresAt: number;
}

const MARKETPLACE_SALES_CHANNEL: Record<string, string> = {
  ATVPDKIKX0DER: 'Amazon.com',
  A2EUQ1WTGCTBG2: 'Amazon.ca',
  A1F83G8C2ARO7P: 'Amazon.co.uk',
  A1PA6795UKMFR9: 'Amazon.de',
};

export const PENDING_STATUSES: readonly OrderStatus[] = ['Pending'];

export class AmazonStore {
  readonly orders = new Map<string, SimOrder>();
  readonly listings = new Map<string, SimListing>();
  readonly feeds = new Map<string, FeedRecord>();
  readonly documents = new Map<string, DocumentRecord>();
  faults: Faults = { ...DEFAULT_FAULTS };
  /** Writes Amazon has ACCEPTED but not applied yet. */
  readonly deferred: { applyAt: number; run: () => void }[] = [];
  private clockOffsetMs = 0;
  private sequence = 0;

  constructor(
    readonly sellerId: string,
    readonly marketplaceId: string,
    readonly currency: string,
    readonly queue: SqsQueue,
  ) {}

  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  advanceClock(ms: number): void {
    this.clockOffsetMs += ms;
  }

  later(run: () => void, delayMs: number): void {
    if (delayMs <= 0) run();
    else this.deferred.push({ applyAt: this.now() + delayMs, run });
  }

  runDue(): void {
    const now = this.now();
    // In submission order, so a later patch of the same SKU wins.
    const due = this.deferred.filter((job) => job.applyAt <= now);
    if (due.length === 0) return;
    const waiting = this.deferred.filter((job) => job.applyAt > now);
    this.deferred.splice(0, this.deferred.length, ...waiting);
    due.forEach((job) => job.run());
  }

  next(): number {
    return ++this.sequence;
  }

  upsertListing(input: { sku: string; price: string; stock: number }): SimListing {
    const existing = this.listings.get(input.sku);
    const listing: SimListing = existing ?? {
      sku: input.sku,
      asin: `B0${this.next().toString(36).toUpperCase().padStart(8, '0')}`,
      productType: 'PRODUCT',
      stock: 0,
      price: '0',
      currency: this.currency,
      attributes: {},
    };
    listing.stock = input.stock;
    listing.price = input.price;
    this.listings.set(input.sku, listing);
    return listing;
  }

  createOrder(input: {
    status: 'Pending' | 'Unshipped';
    fulfillmentChannel: FulfillmentChannel;
    currency: string;
    lines: { sku: string; quantity: number; unitPrice: string; title?: string }[];
    shippingPrice: string;
    shippingTax?: string;
    address?: SimAddress;
    ageMs: number;
  }): SimOrder {
    const n = this.next();
    const at = this.now() - input.ageMs;
    const order: SimOrder = {
      amazonOrderId: `11${n % 10}-${String(1_000_000 + n).slice(-7)}-${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`,
      status: input.status,
      fulfillmentChannel: input.fulfillmentChannel,
      marketplaceId: this.marketplaceId,
      currency: input.currency,
      purchaseDate: at,
      lastUpdateDate: at,
      items: input.lines.map((line) => ({
        orderItemId: String(10_000_000_000_000 + this.next()),
        asin: this.listings.get(line.sku)?.asin ?? `B0${this.next().toString(36).toUpperCase().padStart(8, '0')}`,
        sku: line.sku,
        title: line.title ?? `Simulated product ${line.sku}`,
        quantity: line.quantity,
        quantityShipped: 0,
        unitPrice: line.unitPrice,
      })),
      shippingPrice: input.shippingPrice,
      shippingTax: input.shippingTax ?? '0.00',
      address: input.address ?? {
        name: 'Jane Buyer',
        line1: '410 Terry Ave N',
        city: 'Seattle',
        stateOrRegion: 'WA',
        postalCode: '98109',
        countryCode: 'US',
        phone: '+1 206-555-0100',
      },
      buyerName: input.address?.name ?? 'Jane Buyer',
      buyerEmail: `${randomUUID().slice(0, 12)}@marketplace.amazon.com`,
      shipments: [],
      refunds: [],
    };
    this.orders.set(order.amazonOrderId, order);
    this.notify(order, 'OrderStatusChange', 'NewOrder');
    return order;
  }

  /** Every change bumps LastUpdateDate, which is what getOrders' LastUpdated* filters look at. */
  touch(order: SimOrder, changeType: 'OrderStatusChange' | 'BuyerRequestedChange', reason: string): void {
    order.lastUpdateDate = Math.max(this.now(), order.lastUpdateDate + 1);
    this.notify(order, changeType, reason);
  }

  recomputeShipStatus(order: SimOrder): void {
    const shipped = order.items.reduce((s, i) => s + i.quantityShipped, 0);
    const total = order.items.reduce((s, i) => s + i.quantity, 0);
    order.status = shipped === 0 ? 'Unshipped' : shipped >= total ? 'Shipped' : 'PartiallyShipped';
  }

  private notify(order: SimOrder, changeType: 'OrderStatusChange' | 'BuyerRequestedChange', reason: string): void {
    if (this.faults.dropNotifications > 0) {
      this.faults.dropNotifications -= 1;
      return;
    }
    const body = JSON.stringify(orderChangeNotification(this, order, changeType, reason));
    this.queue.send(body);
    if (this.faults.duplicateNotifications > 0) {
      this.faults.duplicateNotifications -= 1;
      this.queue.send(body);
    }
  }
}

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function money(currency: string, amount: string): { CurrencyCode: string; Amount: string } {
  return { CurrencyCode: currency, Amount: amount };
}

export function orderTotal(order: SimOrder): string {
  const scale = currencyScale(order.currency);
  const lines = order.items.map((i) => timesQuantity(i.unitPrice, i.quantity, scale));
  return sumAmounts([...lines, order.shippingPrice, order.shippingTax], scale);
}

/** Order as getOrder/getOrders show it: Pending hides totals and address; PII only with an RDT. */
export function orderView(order: SimOrder, options: { pii: boolean }): Record<string, unknown> {
  const pending = PENDING_STATUSES.includes(order.status);
  const shipped = order.items.reduce((s, i) => s + i.quantityShipped, 0);
  const total = order.items.reduce((s, i) => s + i.quantity, 0);
  const view: Record<string, unknown> = {
    AmazonOrderId: order.amazonOrderId,
    PurchaseDate: iso(order.purchaseDate),
    LastUpdateDate: iso(order.lastUpdateDate),
    OrderStatus: order.status,
    FulfillmentChannel: order.fulfillmentChannel,
    SalesChannel: MARKETPLACE_SALES_CHANNEL[order.marketplaceId] ?? 'Amazon.com',
    ShipServiceLevel: 'Std US D2D Dom',
    NumberOfItemsShipped: shipped,
    NumberOfItemsUnshipped: total - shipped,
    PaymentMethod: 'Other',
    PaymentMethodDetails: ['Standard'],
    MarketplaceId: order.marketplaceId,
    ShipmentServiceLevelCategory: 'Standard',
    OrderType: 'StandardOrder',
    EarliestShipDate: iso(order.purchaseDate + 86_400_000),
    LatestShipDate: iso(order.purchaseDate + 2 * 86_400_000),
    IsBusinessOrder: false,
    IsPrime: false,
    IsPremiumOrder: false,
    IsGlobalExpressEnabled: false,
    IsReplacementOrder: false,
    IsSoldByAB: false,
    IsISPU: false,
    IsAccessPointOrder: false,
    HasRegulatedItems: false,
  };
  if (!pending) {
    view.OrderTotal = money(order.currency, orderTotal(order));
    const a = order.address;
    const address: Record<string, unknown> = {
      City: a.city,
      PostalCode: a.postalCode,
      CountryCode: a.countryCode,
      ...(a.stateOrRegion ? { StateOrRegion: a.stateOrRegion } : {}),
    };
    if (options.pii) {
      address.Name = a.name;
      address.AddressLine1 = a.line1;
      if (a.line2) address.AddressLine2 = a.line2;
      // Buyer phone is always suppressed for FBA orders.
      if (a.phone && order.fulfillmentChannel === 'MFN') address.Phone = a.phone;
      address.AddressType = 'Residential';
      view.BuyerInfo = { BuyerEmail: order.buyerEmail, BuyerName: order.buyerName };
    }
    view.ShippingAddress = address;
  }
  return view;
}

/** OrderItem: ItemPrice is the line total; Pending orders show no prices, taxes or gift status. */
export function orderItemView(order: SimOrder, item: SimOrderItem): Record<string, unknown> {
  const scale = currencyScale(order.currency);
  const view: Record<string, unknown> = {
    ASIN: item.asin,
    SellerSKU: item.sku,
    OrderItemId: item.orderItemId,
    Title: item.title,
    QuantityOrdered: item.quantity,
    QuantityShipped: item.quantityShipped,
    ProductInfo: { NumberOfItems: '1' },
    ConditionId: 'New',
    ConditionSubtypeId: 'New',
    SerialNumberRequired: false,
    IsTransparency: false,
    BuyerRequestedCancel: {
      IsBuyerRequestedCancel: item.buyerRequestedCancel ? 'true' : 'false',
      BuyerCancelReason: item.buyerRequestedCancel ?? '',
    },
  };
  if (!PENDING_STATUSES.includes(order.status)) {
    const zero = timesQuantity('0', 0, scale);
    view.ItemPrice = money(order.currency, timesQuantity(item.unitPrice, item.quantity, scale));
    view.ItemTax = money(order.currency, zero);
    const first = order.items[0]?.orderItemId === item.orderItemId;
    view.ShippingPrice = money(order.currency, first ? order.shippingPrice : zero);
    view.ShippingTax = money(order.currency, first ? timesQuantity(order.shippingTax, 1, scale) : zero);
    view.ShippingDiscount = money(order.currency, zero);
    view.PromotionDiscount = money(order.currency, zero);
    view.PromotionDiscountTax = money(order.currency, zero);
    view.IsGift = 'false';
    view.TaxCollection = { Model: 'MarketplaceFacilitator', ResponsibleParty: 'Amazon Services, Inc.' };
  }
  return view;
}

/** ORDER_CHANGE as Amazon publishes it: status and items, never prices or the address. */
export function orderChangeNotification(
  store: AmazonStore,
  order: SimOrder,
  changeType: 'OrderStatusChange' | 'BuyerRequestedChange',
  reason: string,
): Record<string, unknown> {
  const now = iso(store.now());
  const shipped = order.items.reduce((s, i) => s + i.quantityShipped, 0);
  const total = order.items.reduce((s, i) => s + i.quantity, 0);
  return {
    NotificationVersion: '1.0',
    NotificationType: 'ORDER_CHANGE',
    PayloadVersion: '1.0',
    EventTime: now,
    Payload: {
      OrderChangeNotification: {
        NotificationLevel: 'OrderLevel',
        SellerId: store.sellerId,
        AmazonOrderId: order.amazonOrderId,
        OrderChangeType: changeType,
        OrderChangeTrigger: { TimeOfOrderChange: iso(order.lastUpdateDate), ChangeReason: reason },
        Summary: {
          MarketplaceId: order.marketplaceId,
          OrderStatus: order.status,
          PurchaseDate: iso(order.purchaseDate),
          DestinationPostalCode: PENDING_STATUSES.includes(order.status) ? null : order.address.postalCode,
          FulfillmentType: order.fulfillmentChannel,
          OrderType: 'StandardOrder',
          NumberOfItemsShipped: shipped,
          NumberOfItemsUnshipped: total - shipped,
          OrderItems: order.items.map((i) => ({
            OrderItemId: i.orderItemId,
            SellerSKU: i.sku,
            SupplySourceId: null,
            OrderItemStatus: i.quantityShipped >= i.quantity ? 'Shipped' : 'Unshipped',
            Quantity: i.quantity,
            QuantityShipped: i.quantityShipped,
            IsBuyerRequestedCancel: Boolean(i.buyerRequestedCancel),
          })),
        },
      },
    },
    NotificationMetadata: {
      ApplicationId: 'amzn1.sellerapps.app.simulator',
      SubscriptionId: 'subscription-simulator-order-change',
      PublishTime: now,
      NotificationId: randomUUID(),
    },
  };
}

export { iso };

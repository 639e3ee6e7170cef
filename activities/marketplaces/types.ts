import { type z } from 'zod';
import { type CanonicalOrder, type Channel, type ChannelEvent, type Money } from '../../domain';

// The one interface every channel implements. Vendor payloads never leave an adapter: everything it
// returns is a domain type. Adapters never retry; they throw ChannelError and the activity decides.

export type HeaderValue = string | string[] | undefined;

export interface WebhookRequest {
  /** Exact bytes received; signatures are computed over these, never over re-serialised JSON. */
  rawBody: Buffer;
  /** Lower-cased header names, as Node gives them. */
  headers: Record<string, HeaderValue>;
  account: string;
}

export type VerifyResult = { ok: true } | { ok: false; reason: string };

export type ParseResult =
  | { ok: true; events: ChannelEvent[] }
  | { ok: false; message: string; issues: z.core.$ZodIssue[] };

export interface ChannelCapabilities {
  /** How orders reach us: pushed webhooks, a queue we read, or polling only. */
  orderIntake: 'webhook' | 'queue' | 'poll';
  stockBatchSize: number;
  priceBatchSize: number;
  /**
   * SKUs per readStock call, sized so that one call is one request the channel's catalog quota can take (set
   * exactly when the adapter has readStock).
   */
  stockReadBatchSize?: number;
  partialShipment: boolean;
  cancelFromSeller: boolean;
  /** The channel wants each imported order acknowledged (acknowledgeOrder does something); domain/channel-names.ts mirrors it for workflows. */
  acknowledgesOrders: boolean;
  /** Operation classes with their own task queue and dispatch rate (calls per second). */
  rateClasses: Record<'orders' | 'fulfilment' | 'catalog', { perSecond: number }>;
  /** Plain words for the README: what the channel cannot do. */
  limitations: string[];
}

export interface ShipmentLine {
  lineId: string;
  quantity: number;
}

export interface ConfirmShipmentInput {
  externalId: string;
  /** Our idempotency key for this package (from domain/ids). */
  shipmentId: string;
  lines: ShipmentLine[];
  carrier: string;
  trackingNumber: string;
  trackingUrl?: string;
}

export interface StockUpdate {
  sku: string;
  quantity: number;
  /** What we believe the channel shows now; adapters that support compare-and-set use it. */
  expectedCurrent?: number;
}

export interface PriceUpdate {
  sku: string;
  price: Money;
}

export interface ItemResult {
  sku: string;
  ok: boolean;
  error?: string;
}

export interface PushResult {
  results: ItemResult[];
  /** HTTP calls the push needed (for the benchmark's call count). */
  calls: number;
}

/** What a channel shows for one SKU now. */
export interface StockReading {
  sku: string;
  /** Sellable quantity the channel shows; null when the channel does not list the SKU. */
  quantity: number | null;
  /** Listed, but the channel does not count its stock (it sells without limit); quantity is then null. */
  untracked?: boolean;
}

export interface StockReadResult {
  /** One reading per SKU asked for, in the same order. */
  results: StockReading[];
  /** HTTP calls the read needed. */
  calls: number;
}

export interface OrderPage {
  orders: CanonicalOrder[];
  /** Opaque; pass back to get the next page. Absent on the last page. */
  nextCursor?: string;
}

export interface ChannelAdapter {
  readonly channel: Channel;
  readonly account: string;
  readonly capabilities: ChannelCapabilities;
  /**
   * Optional async step the gateway awaits before verifyWebhook, for channels whose verification needs
   * something fetched first (eBay's public key by kid). Throws ChannelError when that fetch fails.
   */
  prepareWebhook?(request: WebhookRequest): Promise<void>;
  /** Constant-time signature check over the raw body. Channels without signed pushes return ok:false. */
  verifyWebhook(request: WebhookRequest): VerifyResult;
  /** Pure: body -> canonical events. Unknown topics become `unsupported` events; pings become []. */
  parseWebhook(request: WebhookRequest): ParseResult;
  listOrdersChangedSince(input: { since: string; cursor?: string; limit?: number }): Promise<OrderPage>;
  getOrder(input: { externalId: string }): Promise<CanonicalOrder>;
  acknowledgeOrder(input: { externalId: string }): Promise<void>;
  confirmShipment(input: ConfirmShipmentInput): Promise<{ shipmentRef: string }>;
  cancelOrder(input: { externalId: string; reason: string; lineIds?: string[] }): Promise<void>;
  pushStock(input: { items: StockUpdate[] }): Promise<PushResult>;
  pushPrices(input: { items: PriceUpdate[] }): Promise<PushResult>;
  /**
   * What the channel shows for these SKUs now (at most capabilities.stockReadBatchSize). Absent on channels
   * whose API cannot read stock back; the drift check then compares with what the channel last accepted.
   */
  readStock?(input: { skus: string[] }): Promise<StockReadResult>;
}

import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { Channel, ChannelKey, Money, OrderKey } from '../domain';

// Messages of InventoryWorkflow (one per SKU) and ChannelPushWorkflow (one per channel account), shared by
// the workflows, the gateway, the schedules, the order workflow and the CLI. Everything here is plain JSON.

/** Odoo's free quantity of one SKU per warehouse code, as seen at `observedAt`. */
export interface OdooStockChange {
  sku: string;
  free: Record<string, number>;
  /**
   * ISO-8601. For a notification: the product's write_date (the change it reports); for a read: when the
   * read ran. An observation older than the newest one applied is dropped.
   */
  observedAt: string;
  source: 'notification' | 'poll' | 'read' | 'drift';
}

/** Odoo prices of one SKU: key '' is the list price, any other key a pricelist (id or name, as text). */
export interface OdooPriceChange {
  sku: string;
  prices: Record<string, Money>;
  /** Odoo's cost (standard_price) in the company currency, for margin floors; absent in readings made before it was read. */
  cost?: Money;
  /** Pricelists (same keys) that give no price, and why (a currency without a rate in Odoo, say). */
  problems?: Record<string, string>;
  observedAt: string;
}

/**
 * A channel sold units of this SKU. `quantity` is the units of the SKU in that order now (not a delta):
 * a later event for the same order replaces it, so an edited order simply sends the new figure.
 */
export interface ChannelSale {
  channel: Channel;
  account: string;
  orderKey: OrderKey;
  sku: string;
  quantity: number;
  eventId: string;
  /** Set when a kit's workflow passes on the component units of a kit sale: the kit's SKU. */
  viaKit?: string;
}

/** Odoo holds the reservation of this order's units: they leave the oversell window once Odoo's stock shows them. */
export interface OdooReserved {
  orderKey: OrderKey;
  viaKit?: string;
}

/** The order never reached Odoo and never will (cancelled on the channel first): its units are free again. */
export interface SaleReleased {
  orderKey: OrderKey;
  viaKit?: string;
}

/**
 * A kit component tells each kit it belongs to what it can give: free units per warehouse once its own pending
 * sales (kit sales passed on included) are booked. `seq` orders reports of one component.
 */
export interface ComponentStock {
  component: string;
  unbooked: Record<string, number>;
  seq: number;
}

/** Odoo says this SKU's sales price or a pricelist rule for it changed: the workflow reads its prices again. */
export interface PricesChanged {
  sku: string;
  observedAt: string;
}

/** Re-push every target and price (drift correction); `reason` goes to the state for operators. */
export interface Resync {
  reason: string;
}

export const odooStockSignal = defineSignal<[OdooStockChange]>('odooStock');
export const odooPriceSignal = defineSignal<[OdooPriceChange]>('odooPrice');
export const channelSaleSignal = defineSignal<[ChannelSale]>('channelSale');
export const odooReservedSignal = defineSignal<[OdooReserved]>('odooReserved');
export const saleReleasedSignal = defineSignal<[SaleReleased]>('saleReleased');
export const resyncSignal = defineSignal<[Resync]>('inventoryResync');
export const odooPricesChangedSignal = defineSignal<[PricesChanged]>('odooPricesChanged');
export const componentStockSignal = defineSignal<[ComponentStock]>('componentStock');

/** A signal one SKU workflow has another one receive (kits pass sales on to components; components report back). */
export type InventoryForward =
  | { sku: string; kind: 'channelSale'; arg: ChannelSale }
  | { sku: string; kind: 'odooReserved'; arg: OdooReserved }
  | { sku: string; kind: 'saleReleased'; arg: SaleReleased }
  | { sku: string; kind: 'inventoryResync'; arg: Resync }
  | { sku: string; kind: 'componentStock'; arg: ComponentStock };

export interface SentValue {
  quantity: number;
  seq: number;
}

export interface SentPrice {
  price: Money;
  seq: number;
}

/** InventoryWorkflow state; also what crosses continue-as-new. */
export interface InventoryState {
  sku: string;
  /** Free quantity per warehouse; null until Odoo has been read. */
  free: Record<string, number> | null;
  stockObservedAt: string;
  prices: Record<string, Money>;
  /** From the same reading as `prices`. */
  cost?: Money;
  priceProblems?: Record<string, string>;
  pricesObservedAt: string;
  /** Sold on a channel, not yet reserved in Odoo, by order workflow id. */
  pending: Record<string, { channel: ChannelKey; quantity: number }>;
  /** Orders Odoo reported reserved; they leave the window once a read of Odoo shows the reservation. */
  reserved: string[];
  /** Orders that left the window (reserved or released), newest last; a late sale event for them is ignored. */
  settled: string[];
  /** Recent event ids (dedupe), newest last. */
  seenEventIds: string[];
  /** Last figure handed to each channel account's push workflow. */
  sent: Record<ChannelKey, SentValue>;
  sentPrices: Record<ChannelKey, SentPrice>;
  /** Sequence number of the last figure handed out; grows across runs. */
  seq: number;
  /** Pending units no warehouse can back (stock already oversold). */
  oversold: number;
  /** Problems that did not stop the workflow (a price rule that cannot apply, say). */
  problems: string[];
  /** Free units per warehouse after pending sales, from the last allocation (what kits may count on). */
  unbooked?: Record<string, number>;
  /** Channel accounts that sold since the last publish (their own count went down): they get their figure again. */
  soldOn?: ChannelKey[];
  /** Kits only: what each component last reported it can give. */
  componentFree?: Record<string, { unbooked: Record<string, number>; seq: number }>;
  /** Components only: the last report sent to the kits (JSON of the unbooked figures). */
  reportedToKits?: string;
  lastResync?: string;
}

export interface InventoryWorkflowInput {
  sku: string;
  /** State from the previous run (continue-as-new). */
  carry?: InventoryState;
  /** Signals per run before continuing as new (default 2000); tests lower it. */
  maxSignalsPerRun?: number;
}

export const inventoryStateQuery = defineQuery<InventoryState>('inventoryState');

/** One SKU's new figure for a channel; `seq` orders figures of the same SKU (higher is newer). */
export interface ChannelTargetItem {
  sku: string;
  seq: number;
  quantity?: number;
  price?: Money;
}

export const channelTargetsSignal = defineSignal<[ChannelTargetItem[]]>('channelTargets');

export interface PushCounters {
  /** HTTP calls the adapters reported. */
  calls: number;
  /** pushChannelStock / pushChannelPrices activity runs. */
  pushes: number;
  itemsSent: number;
  /** Figures dropped because a newer one for the SKU was already queued, in flight or sent. */
  staleDropped: number;
  /** Queued figures replaced by a newer one before being sent. */
  coalesced: number;
  itemErrors: number;
}

export interface ChannelPushState {
  queuedStock: Record<string, SentValue>;
  queuedPrices: Record<string, SentPrice>;
  /** Highest seq accepted per SKU (stock and price separately): anything at or below is stale. */
  stockSeq: Record<string, number>;
  priceSeq: Record<string, number>;
  /** What the channel was last told and accepted. */
  appliedStock: Record<string, SentValue>;
  appliedPrices: Record<string, SentPrice>;
  counters: PushCounters;
  /** Recent item or call errors, newest last. */
  errors: string[];
}

export interface ChannelPushWorkflowInput {
  channel: Channel;
  account: string;
  stockBatchSize: number;
  priceBatchSize: number;
  /** Targets gather until none arrived for this long (ms)... */
  windowMs?: number;
  /** ...or this long after the first one (ms), whichever comes first. */
  maxWaitMs?: number;
  /** Signals per run before continuing as new (default 5000); tests lower it. */
  maxSignalsPerRun?: number;
  carry?: ChannelPushState;
}

export const channelPushStateQuery = defineQuery<ChannelPushState>('channelPushState');

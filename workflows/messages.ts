import { type Duration } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { CanonicalOrder, ChannelEvent, Money, OrderKey, OrderStatus } from '../domain';

// Message definitions shared by the workflow, the gateway, pollers and the CLI.

export interface OrderWorkflowInput {
  key: OrderKey;
  /** Close the run after this long without events once the order is settled (ms-format duration). */
  idleClose?: Duration;
  /** Carried over continue-as-new / a new run after close. */
  seenEventIds?: string[];
  /** Where the previous run of this order stopped when it continued as new. */
  carried?: OrderRunCarry;
}

/** A run's state that crosses continue-as-new (plain JSON; instants in epoch ms). */
export interface OrderRunCarry {
  state: OrderState;
  /** Channel timestamp of the newest snapshot applied (older ones are stale). */
  lastAppliedAt: string;
  statusSince: number;
  stuckAlerted: boolean;
  pendingDeadline?: number;
  closeAt?: number;
}

export interface OdooRefs {
  partnerId?: number;
  saleOrderId?: number;
  saleOrderName?: string;
  saleOrderState?: string;
  /** Warehouse chosen by the routing rule, and why. */
  warehouse?: string;
  routingReason?: string;
}

export interface ShipmentRecord {
  /** Odoo picking id, or absent for shipments the channel made itself (FBA). */
  pickingId?: number;
  shipmentRef: string;
  carrier?: string;
  trackingNumber?: string;
  lines: { lineId: string; quantity: number }[];
}

export interface RefundRecord {
  refundId: string;
  creditNoteId?: number;
  creditNoteName?: string;
  total: Money;
  /** Shipped units of this refund taken back into stock in Odoo (a return of the delivery), per line. */
  returned?: ReturnedUnits[];
  /** Shipped units of this refund written off in Odoo (scrapped), per line. */
  writtenOff?: ReturnedUnits[];
  /** Odoo records made for them: return pickings and scraps (names). */
  odooRecords?: string[];
}

export interface ReturnedUnits {
  lineId: string;
  sku: string;
  quantity: number;
}

/** The channel's ship-by deadline and the alerts raised about it (ISO-8601). */
export interface ShipByWatch {
  deadline: string;
  warnedAt?: string;
  missedAt?: string;
}

export interface OrderState {
  key: OrderKey;
  status: OrderStatus;
  odoo: OdooRefs;
  shipments: ShipmentRecord[];
  refunds: RefundRecord[];
  /** Sum of all refunds so far (partial refunds are kept as this figure). */
  refundedTotal?: Money;
  /** Snapshots dropped because a newer one had already been applied. */
  staleDropped: number;
  /** Event ids applied or dropped as stale, in arrival order. */
  eventsSeen: string[];
  duplicatesDropped: number;
  lastError?: { type: string; message: string; at: string };
  /** The newest channel snapshot applied. */
  order?: CanonicalOrder;
  /** The step an operator `retry` resumes from. */
  failedStep?: string;
  shipBy?: ShipByWatch;
  /** When the channel showed all of the order delivered (ISO-8601), once taken up: the return window counts from it. */
  deliveredAt?: string;
}

export type OperatorAction = { action: 'retry'; note?: string } | { action: 'skip'; note?: string } | { action: 'cancel'; note?: string };

export const channelEventSignal = defineSignal<[ChannelEvent]>('channelEvent');
/** Odoo says something about this order changed (delivery validated, order cancelled): look now. */
export const odooChangedSignal = defineSignal<[{ reason: string }]>('odooChanged');
export const orderStateQuery = defineQuery<OrderState>('orderState');
export const operatorActionUpdate = defineUpdate<OrderState, [OperatorAction]>('operatorAction');

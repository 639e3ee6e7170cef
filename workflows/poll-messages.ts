import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Channel } from '../domain';

// Messages of the order pollers, their watermark keeper and the reconciliation pass.

export interface ChannelAccount {
  channel: Channel;
  account: string;
}

export interface PollOrdersInput extends ChannelAccount {
  /** Re-read this far before the watermark: channel indexing lag and clock skew (default 5 min). */
  overlapMs?: number;
  /** First run without a watermark reads back this far (default 48 h). */
  initialLookbackMs?: number;
  /** Orders per page asked of the channel (default 100; adapters cap it). */
  pageSize?: number;
  /** Also drain the channel's notification queue (Amazon ORDER_CHANGE). */
  drainNotifications?: boolean;
}

export interface PollOrdersResult extends ChannelAccount {
  /** Lower bound asked of the channel (watermark minus overlap). */
  since: string;
  /** The watermark this run read, and the one it left. */
  watermarkBefore?: string;
  watermarkAfter: string;
  pages: number;
  /** Order snapshots handed to their order workflows (repeats included: the workflows drop them). */
  ordersDelivered: number;
  notificationsDelivered: number;
}

export interface WatermarkState extends ChannelAccount {
  /** ISO-8601; every change before it (minus the overlap) has been handed to Temporal. */
  watermark?: string;
  advancedAt?: string;
  /** Updates handled by this run (continue-as-new resets it). */
  updates: number;
}

export interface PollWatermarkInput extends ChannelAccount {
  watermark?: string;
  advancedAt?: string;
}

/**
 * Reads the watermark, optionally moving it. `advanceTo` only ever moves it forward (a late poll cannot
 * undo a newer one); `rewindTo` sets it as given (operator re-reading a period).
 */
export interface WatermarkChange {
  advanceTo?: string;
  rewindTo?: string;
}

export const watermarkUpdate = defineUpdate<WatermarkState, [WatermarkChange]>('watermark');
export const watermarkQuery = defineQuery<WatermarkState>('watermarkState');

export interface ReconcileInput {
  accounts: ChannelAccount[];
  /** How far back to compare (default 48 h). */
  windowMs?: number;
  pageSize?: number;
  /** A running order workflow still at `received` after this long is re-sent the channel's snapshot (default 15 min). */
  staleAfterMs?: number;
}

export interface ReconcileAccountResult extends ChannelAccount {
  /** Channel orders compared. */
  checked: number;
  /** No order workflow existed: started with the channel's snapshot. */
  started: string[];
  /** Order workflow stuck at `received`: sent the channel's snapshot. */
  resignalled: string[];
  /** No workflow, but Odoo already has the sale order (workflow aged out of retention): left alone. */
  boundInOdoo: number;
  /** Order workflow closed abnormally (failed, terminated, timed out): for an operator, not repaired. */
  needsOperator: string[];
}

export interface ReconcileResult {
  since: string;
  checked: number;
  repaired: number;
  accounts: ReconcileAccountResult[];
  failed: (ChannelAccount & { error: string })[];
}

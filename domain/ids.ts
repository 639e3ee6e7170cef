import { type Channel } from './channels';
import { ACCOUNT_NAME_PATTERN, CHANNELS, MAX_EXTERNAL_ID_LENGTH } from './channel-names';
import { type CanonicalOrder, type OrderKey } from './order';

// Every workflow id, task queue and idempotency key is built here and nowhere else.

const SAFE = /^[A-Za-z0-9._:-]+$/;

function segment(value: string): string {
  // Keep ids readable; escape only what would break the '/'-separated form.
  return SAFE.test(value) ? value : encodeURIComponent(value);
}

export function orderWorkflowId(key: OrderKey): string {
  return `order/${key.channel}/${segment(key.account)}/${segment(key.externalId)}`;
}

export function parseOrderWorkflowId(workflowId: string): OrderKey | undefined {
  const m = /^order\/([a-z]+)\/([^/]+)\/([^/]+)$/.exec(workflowId);
  if (!m) return undefined;
  return { channel: m[1] as Channel, account: decodeURIComponent(m[2]!), externalId: decodeURIComponent(m[3]!) };
}

export const TASK_QUEUES = {
  /** Workflow tasks and Odoo activities. */
  orders: 'channelsync-orders',
} as const;

export type OperationClass = 'orders' | 'fulfilment' | 'catalog';

/** One queue per (channel account, operation class): the server-side dispatch rate is the shared quota. */
export function marketplaceTaskQueue(channel: Channel, account: string, operation: OperationClass): string {
  return `channelsync-${channel}-${account}-${operation}`;
}

/** client_order_ref written on the Odoo sale order: readable by a person and searchable. */
export function odooClientOrderRef(key: OrderKey): string {
  return `${key.channel}:${key.account}:${key.externalId}`;
}

/**
 * The order key back from a client_order_ref (Odoo's notifications name the sale order by it); undefined
 * for references channelsync did not write (orders entered by hand, other connectors).
 */
export function parseOdooClientOrderRef(ref: string): OrderKey | undefined {
  const m = /^([a-z]+):([^:]+):(.+)$/.exec(ref);
  if (!m) return undefined;
  const [, channel = '', account = '', externalId = ''] = m;
  // Checked by hand, not with the OrderKey schema: workflow code imports this file and must not load zod.
  if (!(CHANNELS as readonly string[]).includes(channel) || !ACCOUNT_NAME_PATTERN.test(account) || externalId.length > MAX_EXTERNAL_ID_LENGTH) return undefined;
  return { channel: channel as Channel, account, externalId };
}

/** ir.model.data name (module `channelsync`) binding one marketplace order to its sale order. */
export const ODOO_BINDING_MODULE = 'channelsync';
export function odooOrderBindingName(key: OrderKey): string {
  return `sale_order_${key.channel}_${key.account}_${key.externalId}`.replace(/[^A-Za-z0-9_]/g, '_');
}

/** Event id for deliveries that carry none of their own: stable for the same payload. */
export function derivedEventId(parts: readonly string[]): string {
  return parts.map((p) => segment(p)).join('/');
}

/**
 * Numeric package reference for channels that only accept a positive number unique within the order
 * (Amazon confirmShipment `packageReferenceId`): a stable FNV-1a hash of our shipment id, so a retried
 * confirmation carries the same reference.
 */
export function numericPackageReference(shipmentId: string): string {
  return String(fnv1a32(shipmentId) + 1);
}

/** FNV-1a, 32 bits; pure JS so workflow code may use it too. */
function fnv1a32(text: string, basis = 0x811c9dc5): number {
  let hash = basis;
  for (let i = 0; i < text.length; i++) {
    hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  }
  return hash;
}

/** JSON with object keys sorted at every level, so equal values always give equal text. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** 64-bit fingerprint (two FNV-1a lanes) of a canonical order snapshot. */
export function orderSnapshotFingerprint(order: CanonicalOrder): string {
  const text = stableJson(order);
  const hex = (n: number) => n.toString(16).padStart(8, '0');
  return hex(fnv1a32(text)) + hex(fnv1a32(text, 0x050c5d1f));
}

/**
 * Event id of a full order snapshot, for pollers and reconciliation (and any webhook that carries the whole
 * order and wants to dedupe against them). Built from (externalId, updatedAt) plus a fingerprint of the
 * snapshot: the same change read twice (poll overlap, a webhook and a poll) gets the same id and is dropped
 * by the order workflow, while two different snapshots that share an updatedAt (second-precision clocks,
 * edits that do not bump the timestamp) stay distinct and are both applied.
 */
export function orderSnapshotEventId(order: CanonicalOrder): string {
  return `snapshot/${order.channel}/${segment(order.account)}/${segment(order.externalId)}/${segment(order.updatedAt)}/${orderSnapshotFingerprint(order)}`;
}

/** Every poller schedule id starts with this (so stale ones can be found and removed). */
export const POLLER_SCHEDULE_PREFIX = 'poll-orders/';

/** Schedule that polls one channel account for changed orders. */
export function pollerScheduleId(channel: Channel, account: string): string {
  return `${POLLER_SCHEDULE_PREFIX}${channel}/${segment(account)}`;
}

/** Workflow id of the poll runs; the schedule appends each run's scheduled time to it. */
export function pollerWorkflowId(channel: Channel, account: string): string {
  return `poll-orders/${channel}/${segment(account)}`;
}

/** The long-lived workflow that keeps one channel account's poll watermark. */
export function pollWatermarkWorkflowId(channel: Channel, account: string): string {
  return `poll-watermark/${channel}/${segment(account)}`;
}

/** The one reconciliation schedule, and the id prefix of its runs. */
export const RECONCILE_SCHEDULE_ID = 'reconcile-orders';
export const RECONCILE_WORKFLOW_ID = 'reconcile-orders';

/** Task queue of InventoryWorkflow, the scheduled inventory workflows and their activities. */
export const INVENTORY_TASK_QUEUE = 'channelsync-inventory';
/** Task queue of ChannelPushWorkflow (workflow tasks only; its pushes run on the catalog queues). */
export const CHANNEL_PUSH_TASK_QUEUE = 'channelsync-channel-push';

/** One InventoryWorkflow per SKU. */
export function inventoryWorkflowId(sku: string): string {
  return `inventory/${segment(sku)}`;
}

/** One ChannelPushWorkflow per channel account. */
export function channelPushWorkflowId(channel: Channel, account: string): string {
  return `channel-push/${channel}/${segment(account)}`;
}

/** Ids of the inventory Temporal Schedules (drift check, write_date polling). */
export function inventoryScheduleId(kind: 'drift-check' | 'odoo-poll'): string {
  return `inventory-${kind}`;
}

/** Credit note `ref` in Odoo for one channel refund: the idempotency key searched before creating. */
export function odooCreditNoteRef(key: OrderKey, refundId: string): string {
  return `${odooClientOrderRef(key)}:refund:${refundId}`;
}

/**
 * `origin` of the Odoo return pickings and scraps made for the returned goods of one channel refund: the
 * idempotency key searched before creating either.
 */
export function odooReturnedGoodsRef(key: OrderKey, refundId: string): string {
  return `${odooCreditNoteRef(key, refundId)}:goods`;
}

/** Our shipment id for one Odoo delivery (picking) pushed to the channel. */
export function odooShipmentId(key: OrderKey, pickingId: number): string {
  return `${odooClientOrderRef(key)}:picking:${pickingId}`;
}

/** Workflow that hands one large Odoo stock notification to its SKU workflows; `digest` identifies the body. */
export function odooStockFanOutWorkflowId(connection: string, digest: string): string {
  return `odoo-stock/${segment(connection)}/${segment(digest)}`;
}

import { type Channel } from './channels';
import { type OrderKey } from './order';

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
  let hash = 0x811c9dc5;
  for (let i = 0; i < shipmentId.length; i++) {
    hash = Math.imul(hash ^ shipmentId.charCodeAt(i), 0x01000193) >>> 0;
  }
  return String(hash + 1);
}

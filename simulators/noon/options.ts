import { z } from 'zod';
import { type ServiceKey } from './state';

// noon publishes little about limits, cookies, webhook retries or error bodies: all of it is a setting.

export interface NoonWebhookDestination {
  /** Loopback only. */
  url: string;
  /** Sent as headers with every delivery, as the Event Notifications UI configures them. */
  credentials: Record<string, string>;
  /** Event types this destination subscribes to; all when absent. */
  eventTypes?: string[];
}

export interface NoonSimulatorOptions {
  host?: string;
  port?: number;
  projectCode?: string;
  /** Reuse a key pair (key generation is slow); a new one is made otherwise. */
  serviceKey?: ServiceKey;
  /** Warehouses of the integration; the first is the default. */
  warehouses?: string[];
  /** Catalogue: stock per warehouse (first warehouse) and price per country. */
  products?: { partnerSku: string; qty: number; prices?: Partial<Record<'AE' | 'SA' | 'EG', number>> }[];
  webhooks?: NoonWebhookDestination[];
  settings?: Partial<NoonSettings>;
}

export const NoonSettings = z.object({
  sessionTtlMs: z.number().int().positive(),
  sessionCookie: z.string(),
  refreshCookie: z.string(),
  /** How old a login JWT's iat may be. */
  jwtMaxAgeSeconds: z.number().int().positive(),
  requireUserAgent: z.boolean(),
  /** Largest page of the order list. */
  pageSize: z.number().int().positive(),
  /** Whether the list honours a page_size in the body (unverified). */
  acceptPageSize: z.boolean(),
  requestsPerMinute: z.number().int().positive(),
  retryAfterHeader: z.boolean(),
  /** Items per stock or pricing call (no published ceiling). */
  maxBatch: z.number().int().positive(),
  updateEventType: z.string(),
  webhookRetryAttempts: z.number().int().nonnegative(),
  webhookRetryIntervalMs: z.number().int().nonnegative(),
  /** Deliver every event twice, as at-least-once allows. */
  duplicateDeliveries: z.boolean(),
  /** Error body shape: {error:{code,message}} or {message}. */
  errorStyle: z.enum(['error_object', 'message']),
});
export type NoonSettings = z.infer<typeof NoonSettings>;

export function defaultNoonSettings(): NoonSettings {
  return {
    sessionTtlMs: 30 * 86_400_000,
    sessionCookie: '_npsid',
    refreshCookie: '_nprt',
    jwtMaxAgeSeconds: 300,
    requireUserAgent: true,
    pageSize: 50,
    acceptPageSize: true,
    requestsPerMinute: 1500,
    retryAfterHeader: true,
    maxBatch: 500,
    updateEventType: 'FBPI::ORDER_SYNC',
    webhookRetryAttempts: 5,
    webhookRetryIntervalMs: 60_000,
    duplicateDeliveries: false,
    errorStyle: 'error_object',
  };
}

export function assertLoopbackUrl(url: string): void {
  const host = new URL(url).hostname;
  if (!['127.0.0.1', 'localhost', '[::1]', '::1'].includes(host)) throw new Error(`webhook URL must be a loopback address, got ${host}`);
}

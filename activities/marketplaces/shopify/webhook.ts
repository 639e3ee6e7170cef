import { z } from 'zod';
import { type ChannelEvent, UtcInstant } from '../../../domain';
import { header, hmacSha256, safeEqual } from '../signatures';
import { type ParseResult, type VerifyResult, type WebhookRequest } from '../types';
import { orderFromRest, refundCurrency, refundFromRest } from './mapping';
import { AnyTopicBody, RestOrder, RestRefund } from './schemas';

// Shopify HTTPS webhooks: verify (HMAC over the raw bytes + the headers Shopify's own validator requires)
// and parse (REST-shaped JSON -> canonical events).

export const SHOPIFY_HEADERS = {
  hmac: 'X-Shopify-Hmac-Sha256',
  topic: 'X-Shopify-Topic',
  shopDomain: 'X-Shopify-Shop-Domain',
  apiVersion: 'X-Shopify-API-Version',
  webhookId: 'X-Shopify-Webhook-Id',
  triggeredAt: 'X-Shopify-Triggered-At',
  eventId: 'X-Shopify-Event-Id',
} as const;

/** The five headers `shopify.webhooks.validate` refuses to do without. */
const REQUIRED = [SHOPIFY_HEADERS.hmac, SHOPIFY_HEADERS.topic, SHOPIFY_HEADERS.shopDomain, SHOPIFY_HEADERS.apiVersion, SHOPIFY_HEADERS.webhookId];

export function verifyShopifyWebhook(input: { request: WebhookRequest; secret: string; shopDomain: string }): VerifyResult {
  const { request } = input;
  const missing = REQUIRED.filter((name) => !header(request.headers, name));
  if (missing.length) return { ok: false, reason: `missing header(s): ${missing.join(', ')}` };
  if (request.rawBody.length === 0) return { ok: false, reason: 'empty body' };
  const expected = hmacSha256(input.secret, request.rawBody, 'base64');
  if (!safeEqual(expected, header(request.headers, SHOPIFY_HEADERS.hmac)!)) return { ok: false, reason: 'HMAC mismatch' };
  // One app secret signs for every shop that installed the app: a valid signature from another shop is not ours.
  const domain = header(request.headers, SHOPIFY_HEADERS.shopDomain)!;
  if (domain.toLowerCase() !== input.shopDomain.toLowerCase()) return { ok: false, reason: `delivery is for shop ${domain}` };
  return { ok: true };
}

const UPSERT_TOPICS: Record<string, 'order.created' | 'order.updated'> = {
  'orders/create': 'order.created',
  'orders/updated': 'order.updated',
  'orders/edited': 'order.updated',
  'orders/paid': 'order.updated',
};

/**
 * Delivery is told per fulfillment (a carrier's `delivered` event), not with the order: the order is fetched
 * (its fulfillments' displayStatus / deliveredAt say whether all of it arrived).
 */
const NOTIFY_TOPICS = new Set(['fulfillment_events/create', 'fulfillments/update']);

function failure(message: string, issues: z.core.$ZodIssue[]): ParseResult {
  return { ok: false, message, issues };
}

function customIssue(message: string, path: PropertyKey[] = []): z.core.$ZodIssue {
  return { code: 'custom', message, path, input: undefined };
}

export function parseShopifyWebhook(request: WebhookRequest): ParseResult {
  const topic = header(request.headers, SHOPIFY_HEADERS.topic);
  const eventId = header(request.headers, SHOPIFY_HEADERS.eventId) || header(request.headers, SHOPIFY_HEADERS.webhookId);
  if (!topic || !eventId) {
    return failure('Shopify delivery without topic or event/webhook id', [customIssue('missing X-Shopify-Topic or X-Shopify-Event-Id/Webhook-Id header', ['headers'])]);
  }
  let body: unknown;
  try {
    body = JSON.parse(request.rawBody.toString('utf8'));
  } catch {
    return failure(`${topic}: body is not JSON`, [customIssue('body is not JSON')]);
  }
  const base = { channel: 'shopify' as const, account: request.account, eventId, source: 'webhook' as const };

  const upsert = UPSERT_TOPICS[topic];
  // orders/edited carries an order_edit summary, not the order; the orders/updated that follows has the new quantities.
  const isEditSummary = topic === 'orders/edited' && typeof body === 'object' && body !== null && 'order_edit' in body;
  if (upsert && !isEditSummary) {
    return orderEvent({ topic, body, account: request.account }, (order) => ({ ...base, type: upsert, externalId: order.externalId, occurredAt: order.updatedAt, order }));
  }
  if (topic === 'orders/cancelled') {
    const parsed = RestOrder.safeParse(body);
    if (!parsed.success) return failure(`${topic}: unexpected body`, parsed.error.issues);
    return { ok: true, events: [{ ...base, type: 'order.cancelled', externalId: String(parsed.data.id), occurredAt: parsed.data.updated_at, reason: parsed.data.cancel_reason ?? undefined }] };
  }
  if (topic === 'refunds/create') {
    const parsed = RestRefund.safeParse(body);
    if (!parsed.success) return failure(`${topic}: unexpected body`, parsed.error.issues);
    const currency = refundCurrency(parsed.data);
    if (!currency) return failure(`${topic}: refund names no currency`, [customIssue('no transaction currency and no subtotal_set', ['transactions'])]);
    const refund = refundFromRest(parsed.data, currency);
    return { ok: true, events: [{ ...base, type: 'order.refunded', externalId: String(parsed.data.order_id), occurredAt: parsed.data.created_at, refund }] };
  }
  const parsed = AnyTopicBody.safeParse(body);
  if (!parsed.success) return failure(`${topic}: unexpected body`, parsed.error.issues);
  const { order_edit: edit } = parsed.data;
  const externalId = String(parsed.data.order_id ?? edit?.order_id ?? parsed.data.id ?? header(request.headers, SHOPIFY_HEADERS.webhookId) ?? eventId);
  const triggered = header(request.headers, SHOPIFY_HEADERS.triggeredAt);
  // The header strictly (UtcInstant, not Date.parse): a zone-less value must not be read in the worker's zone.
  const occurredAt = parsed.data.updated_at ?? parsed.data.created_at ?? edit?.created_at ?? (triggered ? UtcInstant.safeParse(triggered).data : undefined);
  if (!occurredAt) return failure(`${topic}: no timestamp to order the event by`, [customIssue('no updated_at, created_at or X-Shopify-Triggered-At')]);
  return { ok: true, events: [{ ...base, type: NOTIFY_TOPICS.has(topic) && parsed.data.order_id !== undefined ? 'order.notified' : 'unsupported', topic, externalId, occurredAt }] };
}

function orderEvent(input: { topic: string; body: unknown; account: string }, build: (order: ReturnType<typeof orderFromRest>) => ChannelEvent): ParseResult {
  const parsed = RestOrder.safeParse(input.body);
  if (!parsed.success) return failure(`${input.topic}: unexpected body`, parsed.error.issues);
  try {
    return { ok: true, events: [build(orderFromRest(parsed.data, input.account))] };
  } catch (err) {
    // The body parsed but does not make a valid canonical order (e.g. a bad currency code).
    if (err instanceof z.ZodError) return failure(`${input.topic}: order does not map to a canonical order`, err.issues);
    throw err;
  }
}

import { createHash } from 'node:crypto';
import { type z } from 'zod';
import { type ChannelEvent, derivedEventId, money } from '../../../domain';
import { hmacSha256, header, safeEqual } from '../signatures';
import { type ParseResult, type VerifyResult, type WebhookRequest } from '../types';
import { gmtToIso, toCanonicalOrder } from './mapping';
import { WooAnyResource, WooDeleted, WooOrder } from './schemas';

// X-WC-Webhook-* deliveries. WooCommerce sends no retries and coalesces changes, so every delivery carries
// the order's latest state; X-WC-Webhook-Delivery-ID repeats within a second and is not an event id.

const PING = /^webhook_id=\d+$/;

/** The unsigned, form-encoded request WooCommerce sends when a webhook is saved. */
export function isWooPing(request: WebhookRequest): boolean {
  return header(request.headers, 'x-wc-webhook-signature') === undefined && PING.test(request.rawBody.toString('utf8').trim());
}

export function verifyWooWebhook(input: { request: WebhookRequest; secret: string }): VerifyResult {
  const { request, secret } = input;
  // A ping carries no data and yields no events, so accepting it unsigned trusts nothing.
  if (isWooPing(request)) return { ok: true };
  const given = header(request.headers, 'x-wc-webhook-signature');
  if (!given) return { ok: false, reason: 'missing X-WC-Webhook-Signature' };
  const expected = hmacSha256(secret, request.rawBody, 'base64');
  return safeEqual(expected, given.trim()) ? { ok: true } : { ok: false, reason: 'X-WC-Webhook-Signature does not match the body' };
}

function failure(message: string, issues: z.core.$ZodIssue[] = []): ParseResult {
  return { ok: false, message, issues };
}

/** Same state delivered twice -> same digest; any different state -> a different one. */
function bodyDigest(rawBody: Buffer): string {
  return createHash('sha256').update(rawBody).digest('hex').slice(0, 16);
}

export function parseWooWebhook(input: { request: WebhookRequest; account: string }): ParseResult {
  const { request, account } = input;
  if (isWooPing(request)) return { ok: true, events: [] };
  const topic = header(request.headers, 'x-wc-webhook-topic')?.trim();
  if (!topic) return failure('missing X-WC-Webhook-Topic');
  let body: unknown;
  try {
    body = JSON.parse(request.rawBody.toString('utf8'));
  } catch {
    return failure(`${topic}: body is not JSON`);
  }
  const [resource = '', event = ''] = topic.split('.');
  const base = { channel: 'woocommerce' as const, account, source: 'webhook' as const };

  if (resource === 'order' && (event === 'created' || event === 'updated' || event === 'restored')) {
    const parsed = WooOrder.safeParse(body);
    if (!parsed.success) return failure(`${topic}: unexpected order shape`, parsed.error.issues);
    const order = parsed.data;
    const externalId = String(order.id);
    const occurredAt = gmtToIso(order.date_modified_gmt);
    // The order's state names the event: the delivery id cannot (see above).
    const eventId = derivedEventId(['woocommerce', account, externalId, topic, order.date_modified_gmt, bodyDigest(request.rawBody)]);
    if (order.line_items.length === 0) {
      // An order still being put together in the admin; a later order.updated brings its lines. Answering
      // non-2xx here would count towards disabling the webhook, so it is accepted and ignored.
      return { ok: true, events: [{ ...base, externalId, occurredAt, type: 'unsupported', topic: `${topic} without line items`, eventId }] };
    }
    const canonical = toCanonicalOrder({ account, order });
    const events: ChannelEvent[] = [
      {
        ...base,
        externalId,
        occurredAt,
        type: event === 'created' ? 'order.created' : 'order.updated',
        eventId,
        order: canonical,
      },
    ];
    if (order.status === 'cancelled') {
      events.push({
        ...base,
        externalId,
        occurredAt,
        type: 'order.cancelled',
        eventId: derivedEventId(['woocommerce', account, externalId, 'cancelled', order.date_modified_gmt]),
      });
    }
    // The order payload lists refunds without their lines; the workflow reads lines from Odoo or the API.
    for (const refund of order.refunds) {
      events.push({
        ...base,
        externalId,
        occurredAt,
        type: 'order.refunded',
        eventId: derivedEventId(['woocommerce', account, externalId, 'refund', String(refund.id)]),
        refund: {
          refundId: String(refund.id),
          lines: [],
          total: money(refund.total.replace(/^-/, ''), order.currency),
          note: refund.reason || undefined,
        },
      });
    }
    return { ok: true, events };
  }

  if (resource === 'order' && event === 'deleted') {
    const parsed = WooDeleted.safeParse(body);
    if (!parsed.success) return failure(`${topic}: unexpected body`, parsed.error.issues);
    const externalId = String(parsed.data.id);
    const deliveryId = header(request.headers, 'x-wc-webhook-delivery-id') ?? '';
    return {
      ok: true,
      events: [
        {
          ...base,
          externalId,
          // The body has no timestamp; the delivery time is the best we have.
          occurredAt: new Date().toISOString(),
          type: 'order.cancelled',
          reason: 'order deleted (trashed) in WooCommerce',
          eventId: derivedEventId(['woocommerce', account, externalId, topic, deliveryId]),
        },
      ],
    };
  }

  // Products, coupons, customers, actions: accepted and named, not acted on.
  const parsed = WooAnyResource.safeParse(body);
  const id = parsed.success && parsed.data.id !== undefined ? String(parsed.data.id) : 'none';
  const modified = parsed.success ? parsed.data.date_modified_gmt : undefined;
  return {
    ok: true,
    events: [
      {
        ...base,
        // Never a bare number: a product id must not look like an order id.
        externalId: `${resource || 'unknown'}:${id}`,
        occurredAt: modified ? gmtToIso(modified) : new Date().toISOString(),
        type: 'unsupported',
        topic,
        eventId: derivedEventId(['woocommerce', account, topic, id, modified ?? '', bodyDigest(request.rawBody)]),
      },
    ],
  };
}

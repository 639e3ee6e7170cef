import { type ChannelEvent } from '../../../domain';
import { hmacSha256, header, safeEqual } from '../signatures';
import { type ParseResult, type VerifyResult, type WebhookRequest } from '../types';
import { walmartDateToIso } from './mapping';
import { WalmartNotification } from './schemas';

// Walmart notifications signed with authMethod HMAC: header <authHeaderName> = HMAC-SHA256(raw body,
// clientSecret of the subscription). Walmart does not say hex or base64, so both can be accepted.

export interface WalmartWebhookConfig {
  /** The subscription's authDetails.clientSecret. Absent: every push is refused (fail closed). */
  secret?: string;
  /** Absent: a digest in either encoding is accepted. */
  digestEncoding?: 'base64' | 'hex';
  /** authDetails.authHeaderName; Walmart's examples use Authorization. */
  headerName?: string;
}

export function verifyWalmartWebhook(request: WebhookRequest, config: WalmartWebhookConfig): VerifyResult {
  if (!config.secret) {
    return { ok: false, reason: 'walmart: no webhook secret configured, so pushes cannot be authenticated (use HMAC subscriptions)' };
  }
  const name = (config.headerName ?? 'Authorization').toLowerCase();
  const received = header(request.headers, name)?.trim();
  if (!received) return { ok: false, reason: `walmart: header ${name} missing` };
  const encodings = config.digestEncoding ? [config.digestEncoding] : (['base64', 'hex'] as const);
  // Compare against every accepted encoding (no early exit) so timing does not tell which one matched.
  let match = false;
  for (const encoding of encodings) {
    if (safeEqual(hmacSha256(config.secret, request.rawBody, encoding), received)) match = true;
  }
  return match ? { ok: true } : { ok: false, reason: 'walmart: HMAC signature mismatch' };
}

/**
 * Walmart order notifications are nudges: the payload has no prices or addresses, so no canonical order
 * can be built from it. Each becomes an `order.notified` event carrying the PO id; the workflow re-reads the
 * order through the API (Walmart's own advice).
 */
export function parseWalmartWebhook(request: WebhookRequest): ParseResult {
  let raw: unknown;
  try {
    raw = JSON.parse(request.rawBody.toString('utf8'));
  } catch {
    return { ok: false, message: 'walmart webhook: body is not JSON', issues: [] };
  }
  const parsed = WalmartNotification.safeParse(raw);
  if (!parsed.success) return { ok: false, message: 'walmart webhook: unexpected shape', issues: parsed.error.issues };
  const { source, payload } = parsed.data;
  if (!payload.purchaseOrderId) return { ok: true, events: [] };
  let occurredAt: string;
  try {
    occurredAt = walmartDateToIso(source.eventTime);
  } catch {
    return { ok: false, message: `walmart webhook: eventTime ${source.eventTime} is not a date`, issues: [] };
  }
  const event: ChannelEvent = {
    type: 'order.notified',
    topic: source.eventType,
    channel: 'walmart',
    account: request.account,
    externalId: payload.purchaseOrderId,
    // Repeated deliveries carry the same eventId: the dedupe key.
    eventId: source.eventId,
    occurredAt,
    source: 'webhook',
  };
  return { ok: true, events: [event] };
}

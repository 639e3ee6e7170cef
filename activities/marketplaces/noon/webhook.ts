import { type ChannelEvent, derivedEventId } from '../../../domain';
import { header, safeEqual } from '../signatures';
import { type ParseResult, type VerifyResult, type WebhookRequest } from '../types';
import { EventEnvelope } from './schemas';

// noon signs nothing: a delivery is authentic when it carries every credential header configured for the
// destination. The payload names only the order, so events carry only the key and the order is re-fetched.

export function verifyNoonDelivery(request: WebhookRequest, credentials: Record<string, string>): VerifyResult {
  const entries = Object.entries(credentials);
  if (entries.length === 0) return { ok: false, reason: 'no webhook credentials configured for this account' };
  let ok = true;
  // Check every header, not just up to the first mismatch.
  for (const [name, expected] of entries) {
    const given = header(request.headers, name);
    ok = (given !== undefined && safeEqual(given, expected)) && ok;
  }
  return ok ? { ok: true } : { ok: false, reason: 'credential headers missing or wrong' };
}

export function parseNoonDelivery(request: WebhookRequest): ParseResult {
  let raw: unknown;
  try {
    raw = JSON.parse(request.rawBody.toString('utf8'));
  } catch {
    return { ok: false, message: 'noon event body is not JSON', issues: [] };
  }
  const parsed = EventEnvelope.safeParse(raw);
  if (!parsed.success) return { ok: false, message: 'noon event envelope', issues: parsed.error.issues };
  const { event_type: type, metadata, payload } = parsed.data;
  if (!payload.order_nr) return { ok: true, events: [] };
  const event: ChannelEvent = {
    channel: 'noon',
    account: request.account,
    externalId: payload.order_nr,
    // Repeated deliveries of one event share order, type and publish time.
    eventId: derivedEventId(['noon', payload.order_nr, type, metadata.published_at]),
    occurredAt: new Date(metadata.published_at).toISOString(),
    source: 'webhook',
    type: 'order.notified',
    topic: type,
  };
  return { ok: true, events: [event] };
}

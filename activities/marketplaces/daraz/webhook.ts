import { type ChannelEvent, derivedEventId } from '../../../domain';
import { hmacSha256, header, safeEqual } from '../signatures';
import { type ParseResult, type VerifyResult, type WebhookRequest } from '../types';
import { OrderStatusData, PushMessage, ReverseStatusData } from './schemas';

// Push messages: Authorization = hex HMAC-SHA256(app_secret, app_key + raw body). They carry ids and a
// status only, so order events carry only the key and the workflow fetches the order itself.

export function verifyDarazPush(request: WebhookRequest, keys: { appKey: string; appSecret: string }): VerifyResult {
  const given = header(request.headers, 'authorization')?.trim().toLowerCase();
  if (!given) return { ok: false, reason: 'missing Authorization header' };
  const expected = hmacSha256(keys.appSecret, Buffer.concat([Buffer.from(keys.appKey, 'utf8'), request.rawBody]), 'hex');
  return safeEqual(given, expected) ? { ok: true } : { ok: false, reason: 'push signature mismatch' };
}

/** Seconds in most samples, milliseconds in some: anything past year 33658 in seconds is ms. */
function instant(value: number): string {
  return new Date(value > 1e12 ? value : value * 1000).toISOString();
}

export function parseDarazPush(request: WebhookRequest): ParseResult {
  let raw: unknown;
  try {
    raw = JSON.parse(request.rawBody.toString('utf8'));
  } catch {
    return { ok: false, message: 'Daraz push body is not JSON', issues: [] };
  }
  const message = PushMessage.safeParse(raw);
  if (!message.success) return { ok: false, message: 'Daraz push envelope', issues: message.error.issues };
  const { message_type: type, data, timestamp } = message.data;
  const base = { channel: 'daraz' as const, account: request.account, source: 'webhook' as const };
  if (type === 10) {
    // A return or refund moved on: the workflow re-reads the order, reverse orders included.
    const reverse = ReverseStatusData.safeParse(data);
    if (!reverse.success) return { ok: false, message: 'Daraz reverse order push', issues: reverse.error.issues };
    const r = reverse.data;
    const at = r.status_update_time ?? timestamp;
    const event: ChannelEvent = {
      ...base,
      type: 'order.notified',
      topic: `reverse_status/${r.reverse_status}`,
      externalId: r.trade_order_id,
      eventId: derivedEventId(['daraz', '10', r.reverse_order_id, r.reverse_order_line_id ?? '', r.reverse_status, String(at)]),
      occurredAt: instant(at),
    };
    return { ok: true, events: [event] };
  }
  if (type !== 0) {
    const ref = data.trade_order_id ?? data.item_id ?? data.itemId ?? message.data.seller_id ?? 'none';
    const event: ChannelEvent = {
      ...base,
      type: 'unsupported',
      topic: `daraz.message.${type}`,
      externalId: String(ref),
      eventId: derivedEventId(['daraz', String(type), String(ref), String(timestamp)]),
      occurredAt: instant(timestamp),
    };
    return { ok: true, events: [event] };
  }
  const parsed = OrderStatusData.safeParse(data);
  if (!parsed.success) return { ok: false, message: 'Daraz order status push', issues: parsed.error.issues };
  const d = parsed.data;
  const key = {
    ...base,
    externalId: d.trade_order_id,
    eventId: derivedEventId(['daraz', '0', d.trade_order_id, d.trade_order_line_id ?? '', d.order_status, String(d.status_update_time)]),
    occurredAt: instant(d.status_update_time),
  };
  // One unit's status says little about the order (a single canceled unit is a partial cancel): the
  // workflow fetches the whole order.
  const event: ChannelEvent = { ...key, type: 'order.notified', topic: `order_status/${d.order_status}` };
  return { ok: true, events: [event] };
}

import { z } from 'zod';
import { OrderNotifiedEvent } from '../../../domain';
import { type ParseResult, type VerifyResult } from '../types';
import { OrderChangeNotification } from './schemas';

// Amazon never pushes over HTTP: ORDER_CHANGE notifications are pulled from the seller's SQS queue, and
// their authenticity comes from the queue's IAM policy, not a signature. Anything arriving at the gateway
// claiming to be Amazon is refused.

export function verifyWebhook(): VerifyResult {
  return { ok: false, reason: 'Amazon SP-API has no signed HTTP push; notifications are read from the SQS queue' };
}

export function parseWebhook(): ParseResult {
  return { ok: false, message: 'Amazon SP-API has no HTTP push; use pullNotifications()', issues: [] };
}

/** Key-only order event: the notification has no price and no address, so the workflow re-fetches. */
export type OrderNotified = z.infer<typeof OrderNotifiedEvent>;

export type NotificationParse =
  | { kind: 'order'; event: OrderNotified }
  | { kind: 'other'; notificationType: string }
  | { kind: 'invalid'; message: string };

const Envelope = z.object({ NotificationType: z.string() }).passthrough();

/** Pure: one SQS message body -> a key-only order event (or why not). */
export function parseNotification(input: { body: string; account: string; sellerId: string }): NotificationParse {
  let raw: unknown;
  try {
    raw = JSON.parse(input.body);
  } catch {
    return { kind: 'invalid', message: 'message body is not JSON' };
  }
  const envelope = Envelope.safeParse(raw);
  if (!envelope.success) return { kind: 'invalid', message: 'not an SP-API notification' };
  if (envelope.data.NotificationType !== 'ORDER_CHANGE') return { kind: 'other', notificationType: envelope.data.NotificationType };
  const parsed = OrderChangeNotification.safeParse(raw);
  if (!parsed.success) {
    return { kind: 'invalid', message: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
  }
  const n = parsed.data.Payload.OrderChangeNotification;
  // The queue is the seller's, but a shared queue could carry other sellers' notifications.
  if (n.SellerId !== input.sellerId) return { kind: 'invalid', message: `notification for seller ${n.SellerId}` };
  const occurredAt = n.OrderChangeTrigger.TimeOfOrderChange ?? parsed.data.EventTime;
  const event = OrderNotifiedEvent.safeParse({
    channel: 'amazon',
    account: input.account,
    externalId: n.AmazonOrderId,
    type: 'order.notified',
    // SQS may deliver the same notification more than once: its NotificationId is the event id.
    eventId: parsed.data.NotificationMetadata.NotificationId,
    occurredAt,
    source: 'webhook',
    topic: `ORDER_CHANGE/${n.OrderChangeType}`,
  });
  if (!event.success) return { kind: 'invalid', message: event.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
  return { kind: 'order', event: event.data };
}

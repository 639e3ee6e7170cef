import { z } from 'zod';
import { CanonicalOrder, OrderKey } from './order';

const EventBase = OrderKey.extend({
  /** Stable per business event; repeated deliveries carry the same id. */
  eventId: z.string().min(1),
  /** Channel's own timestamp of the change (ISO-8601); orders events are applied by it. */
  occurredAt: z.string().datetime({ offset: true }),
  source: z.enum(['webhook', 'poll', 'operator']),
});

export const OrderUpsertedEvent = EventBase.extend({
  type: z.enum(['order.created', 'order.updated']),
  order: CanonicalOrder,
});

export const OrderCancelledEvent = EventBase.extend({
  type: z.literal('order.cancelled'),
  reason: z.string().optional(),
});

/** A topic the gateway accepted (signed, well-formed) but channelsync does not act on. */
export const UnsupportedEvent = EventBase.extend({
  type: z.literal('unsupported'),
  topic: z.string(),
});

export const ChannelEvent = z.discriminatedUnion('type', [OrderUpsertedEvent, OrderCancelledEvent, UnsupportedEvent]);
export type ChannelEvent = z.infer<typeof ChannelEvent>;
export type OrderUpsertedEvent = z.infer<typeof OrderUpsertedEvent>;

import { z } from 'zod';
import { UtcInstant } from './instant';
import { CanonicalOrder, OrderKey, Refund } from './order';

const EventBase = OrderKey.extend({
  /** Stable per business event; repeated deliveries carry the same id. */
  eventId: z.string().min(1),
  /** Channel's own timestamp of the change, normalised to UTC with milliseconds: events are applied in its string order. */
  occurredAt: UtcInstant,
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

export const OrderRefundedEvent = EventBase.extend({
  type: z.literal('order.refunded'),
  refund: Refund,
});

/** The channel reports units shipped by itself (FBA, or fulfilled outside Odoo). */
export const OrderShippedEvent = EventBase.extend({
  type: z.literal('order.shipped'),
  shipment: z.object({
    shipmentRef: z.string().min(1),
    lines: z.array(z.object({ lineId: z.string().min(1), quantity: z.number().int().positive() })),
    carrier: z.string().optional(),
    trackingNumber: z.string().optional(),
  }),
});

/**
 * The channel says the order changed but sends no order (Amazon, eBay, Daraz, Noon pushes carry ids only):
 * the workflow fetches the order through the adapter.
 */
export const OrderNotifiedEvent = EventBase.extend({
  type: z.literal('order.notified'),
  topic: z.string(),
});

/** A topic the gateway accepted (signed, well-formed) but channelsync does not act on. */
export const UnsupportedEvent = EventBase.extend({
  type: z.literal('unsupported'),
  topic: z.string(),
});

export const ChannelEvent = z.discriminatedUnion('type', [
  OrderUpsertedEvent,
  OrderCancelledEvent,
  OrderRefundedEvent,
  OrderShippedEvent,
  OrderNotifiedEvent,
  UnsupportedEvent,
]);
export type ChannelEvent = z.infer<typeof ChannelEvent>;
export type OrderUpsertedEvent = z.infer<typeof OrderUpsertedEvent>;
export type OrderRefundedEvent = z.infer<typeof OrderRefundedEvent>;

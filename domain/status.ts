import { z } from 'zod';

export const ORDER_STATUSES = [
  'received',
  'pending_payment',
  'importing',
  'confirmed',
  'partially_shipped',
  'shipped',
  'delivered',
  'cancelled',
  'refunded',
  'needs_attention',
  'closed',
] as const;
export const OrderStatus = z.enum(ORDER_STATUSES);
export type OrderStatus = z.infer<typeof OrderStatus>;

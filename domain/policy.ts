import { z } from 'zod';
import { RoutingRule } from './routing';

/** A duration the workflow timers accept ("30 days", "10 minutes", "2s"). */
export const DurationText = z
  .string()
  .regex(/^\d+(\.\d+)?\s*(ms|milliseconds?|s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?|w|weeks?)$/, 'a duration such as "30 days", "10 minutes" or "2s"');

/** How long an order waits for what, per channel account (config), handed to the order workflow by an activity. */
export const OrderPolicy = z
  .object({
    /** A pending (unpaid) order that is not paid by then is cancelled; it never reserves stock in Odoo. */
    pendingPaymentTimeout: DurationText.default('7 days'),
    /** After the last shipment the run stays open this long for refunds and returns, then closes. */
    returnWindow: DurationText.default('30 days'),
    /** Safety-net poll of the Odoo delivery when no notification arrives. */
    deliveryPollInterval: DurationText.default('10 minutes'),
    /** An order that stays in one state this long raises an alert. */
    stuckAfter: DurationText.default('2 days'),
    /** Report channel sales to the SKU inventory workflows (set by the deployment when stock sync runs). */
    feedsInventory: z.boolean().default(false),
    /** Which Odoo warehouse ships the order; absent: Odoo's default warehouse. */
    routing: RoutingRule.optional(),
  })
  .strict();
export type OrderPolicy = z.infer<typeof OrderPolicy>;

export const DEFAULT_ORDER_POLICY: OrderPolicy = OrderPolicy.parse({});

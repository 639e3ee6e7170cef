import { z } from 'zod';
import { ORDER_POLICY_DEFAULTS } from './policy-defaults';

/** Which Odoo warehouse ships an order (decided by routeWarehouse in routing.ts). */
export const RoutingRule = z
  .object({
    /** Warehouse code (stock.warehouse.code) used when nothing more specific applies. */
    defaultWarehouse: z.string().min(1),
    /** Ship-to country (ISO alpha-2) → warehouse codes in order of preference. */
    byCountry: z.record(z.string().regex(/^[A-Z]{2}$/, 'ISO 3166-1 alpha-2 country code'), z.array(z.string().min(1)).min(1)).default({}),
    /** Skip a preferred warehouse that cannot ship every line from its free stock. */
    preferInStock: z.boolean().default(false),
  })
  .strict();
export type RoutingRule = z.infer<typeof RoutingRule>;

/** A duration the workflow timers accept ("30 days", "10 minutes", "2s"). */
export const DurationText = z
  .string()
  .regex(/^\d+(\.\d+)?\s*(ms|milliseconds?|s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?|w|weeks?)$/, 'a duration such as "30 days", "10 minutes" or "2s"');

/**
 * What happens to goods a channel refund says came back (units that had shipped): 'channel' follows the refund
 * line's restock flag, 'restock' always takes them back into stock (an Odoo return of the delivery), 'write-off'
 * always scraps them (stock unchanged). `warehouse` (code) receives restocked goods; default: where they left.
 */
export const ReturnsRule = z
  .object({
    rule: z.enum(['channel', 'restock', 'write-off']).default('channel'),
    warehouse: z.string().min(1).optional(),
  })
  .strict()
  .refine((r) => r.rule !== 'write-off' || r.warehouse === undefined, {
    message: 'a warehouse only applies to restocked goods (rule channel or restock), not to write-off',
    path: ['warehouse'],
  });
export type ReturnsRule = z.infer<typeof ReturnsRule>;

/** How long an order waits for what, per channel account (config), handed to the order workflow by an activity. */
export const OrderPolicy = z
  .object({
    /** A pending (unpaid) order that is not paid by then is cancelled; it never reserves stock in Odoo. */
    pendingPaymentTimeout: DurationText.default(ORDER_POLICY_DEFAULTS.pendingPaymentTimeout),
    /** After the last shipment the run stays open this long for refunds and returns, then closes. */
    returnWindow: DurationText.default(ORDER_POLICY_DEFAULTS.returnWindow),
    /** Safety-net poll of the Odoo delivery when no notification arrives. */
    deliveryPollInterval: DurationText.default(ORDER_POLICY_DEFAULTS.deliveryPollInterval),
    /** An order that stays in one state this long raises an alert. */
    stuckAfter: DurationText.default(ORDER_POLICY_DEFAULTS.stuckAfter),
    /** Report channel sales to the SKU inventory workflows (set by the deployment when stock sync runs). */
    feedsInventory: z.boolean().default(ORDER_POLICY_DEFAULTS.feedsInventory),
    /** Which Odoo warehouse ships the order; absent: Odoo's default warehouse. */
    routing: RoutingRule.optional(),
    /** An unshipped order raises a warning this long before the channel's ship-by deadline (and an error after it). */
    shipByWarning: DurationText.default(ORDER_POLICY_DEFAULTS.shipByWarning),
    /**
     * How far Odoo's sale order total may be from the channel's (order currency, e.g. "0.01") before the order
     * stops for a person (TaxMismatch); checked after the sale order is created or edited.
     */
    totalTolerance: z
      .string({ error: 'a non-negative decimal amount in quotes, e.g. "0.01"' })
      .regex(/^\d+(\.\d+)?$/, 'a non-negative decimal amount in quotes, e.g. "0.01"')
      .default(ORDER_POLICY_DEFAULTS.totalTolerance),
    /** Returned goods of refunds: restock or write off. */
    returns: ReturnsRule.default({ ...ORDER_POLICY_DEFAULTS.returns }),
    /** A run continues as new once its history has this many events (Temporal warns at 10,240, stops at 51,200). */
    historyEventLimit: z.number().int().min(100).max(40_000).default(ORDER_POLICY_DEFAULTS.historyEventLimit),
  })
  .strict();
export type OrderPolicy = z.infer<typeof OrderPolicy>;

export const DEFAULT_ORDER_POLICY: OrderPolicy = OrderPolicy.parse({});

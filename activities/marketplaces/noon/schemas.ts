import { z } from 'zod';

// noon Partner API payloads (FBPI orders, stock, pricing, Event Notifications).

export const NoonItem = z.looseObject({
  mp_item_nr: z.string().min(1),
  partner_sku: z.string().min(1),
  mp_status: z.string(),
  integration_status: z.string(),
  /** Major units as a JSON double. */
  delivered_invoice_price: z.number().nullable().optional(),
  cancellation_reason_code: z.string().nullable().optional(),
  /**
   * A unit noon refunded to the customer: a reference shared by the units refunded together, the amount (major
   * units) and the time. FBPI documents no return fields (regional-marketplaces.md B.2, unverified item 5): this
   * is the plainest model, the one the simulator serves.
   */
  refund_nr: z.string().min(1).nullable().optional(),
  refunded_amount: z.number().nonnegative().nullable().optional(),
  refunded_at: z.string().datetime({ offset: true }).nullable().optional(),
  refund_reason_code: z.string().nullable().optional(),
});
export type NoonItem = z.infer<typeof NoonItem>;

export const NoonOrder = z.looseObject({
  fbpi_order_nr: z.string().min(1),
  mp_code: z.string().optional(),
  mp_order_nr: z.string().optional(),
  mp_country_code: z.string().optional(),
  currency_code: z.string().regex(/^[A-Za-z]{3}$/),
  warehouse_code: z.string().optional(),
  order_created_at: z.string().datetime({ offset: true }),
  items: z.array(NoonItem),
});
export type NoonOrder = z.infer<typeof NoonOrder>;

export const CustomerDetails = z.looseObject({
  first_name: z.string().nullable().optional(),
  last_name: z.string().nullable().optional(),
  city: z.string().nullable().optional(),
  administrative_division: z.string().nullable().optional(),
});
export type CustomerDetails = z.infer<typeof CustomerDetails>;

export const OrderList = z.looseObject({
  orders: z.array(NoonOrder),
  next_token: z.string().nullable().optional(),
});

export const Shipment = z.looseObject({
  fbpi_order_nr: z.string(),
  integration_shipment_nr: z.string().optional(),
  awbs: z.array(z.looseObject({ courier: z.string().optional(), awb_nr: z.string().optional() })).optional(),
  items: z.array(z.looseObject({ mp_item_nr: z.string() })).optional(),
});

const ItemStatus = z.looseObject({
  status_id: z.number().optional(),
  status_code: z.string(),
  message: z.string().nullable().optional(),
});

export const ItemResults = z.looseObject({
  items: z.array(z.looseObject({ partner_sku: z.string(), warehouse_code: z.string().optional(), country_code: z.string().optional(), status: ItemStatus })),
});

/** stock-list: one row per partner_sku asked for; 3P clients see the figure as `qty` or `quantity`. */
export const StockList = z.looseObject({
  items: z.array(
    z.looseObject({
      partner_sku: z.string(),
      warehouse_code: z.string().optional(),
      qty: z.number().int().nullable().optional(),
      quantity: z.number().int().nullable().optional(),
      status: ItemStatus.optional(),
    }),
  ),
});

/** Event Notifications envelope; the payload names only the order. */
export const EventEnvelope = z.looseObject({
  event_schema_version: z.number().optional(),
  event_type: z.string().min(1),
  metadata: z.looseObject({ published_at: z.string().datetime({ offset: true }), project_code: z.string().optional() }),
  payload: z.looseObject({ order_nr: z.string().min(1).optional() }),
});

/** The downloaded service-account key file. */
export const NoonKeyFile = z.looseObject({
  key_id: z.string().min(1),
  private_key: z.string().includes('PRIVATE KEY'),
  project_code: z.string().min(1),
  channel_identifier: z.string().optional(),
});
export type NoonKeyFile = z.infer<typeof NoonKeyFile>;

import { z } from 'zod';

// Daraz (Lazada Open Platform) payloads. Ids come as strings or numbers; money as decimal strings.

const Id = z.union([z.string().min(1), z.number().int()]).transform((v) => String(v));
const Amount = z.union([z.string(), z.number()]).transform((v) => String(v));
const Count = z.union([z.string(), z.number()]).transform((v) => Number(v));

/** Every answer: code "0" is success; anything else is an error, with HTTP 200. */
export const Envelope = z.looseObject({
  code: z.union([z.string(), z.number()]).transform((v) => String(v)),
  type: z.string().optional(),
  message: z.string().optional(),
  request_id: z.string().optional(),
  detail: z.array(z.looseObject({ seller_sku: z.string().optional(), SellerSku: z.string().optional(), message: z.string().optional(), code: z.string().optional() })).optional(),
  data: z.unknown().optional(),
  result: z.unknown().optional(),
});
export type Envelope = z.infer<typeof Envelope>;

export const Address = z.looseObject({
  first_name: z.string().optional(),
  last_name: z.string().optional(),
  phone: z.string().optional(),
  address1: z.string().optional(),
  address2: z.string().optional(),
  address3: z.string().optional(),
  address4: z.string().optional(),
  city: z.string().optional(),
  post_code: z.string().optional(),
  country: z.string().optional(),
});

export const DarazOrder = z.looseObject({
  order_id: Id,
  order_number: Id.optional(),
  created_at: z.string(),
  updated_at: z.string(),
  statuses: z.array(z.string()),
  payment_method: z.string().optional(),
  price: Amount.optional(),
  shipping_fee: Amount.optional(),
  voucher: Amount.optional(),
  customer_first_name: z.string().optional(),
  customer_last_name: z.string().optional(),
  address_shipping: Address.optional(),
  address_billing: Address.optional(),
});
export type DarazOrder = z.infer<typeof DarazOrder>;

export const DarazItem = z.looseObject({
  order_item_id: Id,
  order_id: Id.optional(),
  sku: z.string().min(1),
  name: z.string().default(''),
  status: z.string(),
  currency: z.string().optional(),
  item_price: Amount,
  paid_price: Amount,
  tax_amount: Amount.optional(),
  package_id: z.string().optional(),
  tracking_code: z.string().optional(),
  updated_at: z.string().optional(),
});
export type DarazItem = z.infer<typeof DarazItem>;

export const OrdersPage = z.looseObject({
  count: Count,
  countTotal: Count.optional(),
  orders: z.array(DarazOrder),
});

export const ItemsOfOrders = z.array(z.looseObject({ order_id: Id, order_items: z.array(DarazItem) }));

export const FulfilmentResult = z.looseObject({
  success: z.boolean(),
  error_code: z.union([z.string(), z.number()]).optional(),
  error_msg: z.string().optional(),
  data: z.unknown().optional(),
});

const ElementStatus = {
  item_err_code: z.union([z.string(), z.number()]).transform((v) => String(v)),
  msg: z.string().optional(),
  retry: z.union([z.string(), z.boolean()]).optional(),
};

export const PackData = z.looseObject({
  pack_order_list: z.array(z.looseObject({
    order_id: Id,
    order_item_list: z.array(z.looseObject({ order_item_id: Id, package_id: z.string().optional(), tracking_number: z.string().optional(), ...ElementStatus })),
  })),
});

export const RtsData = z.looseObject({
  packages: z.array(z.looseObject({ package_id: z.string(), ...ElementStatus })),
});

export const CancelTip = z.looseObject({
  tip_type: z.string(),
  tip_content: z.string().optional(),
  reason_options: z.array(z.looseObject({ reason_id: Id, reason_name: z.string() })).optional(),
});

export const TokenResponse = z.looseObject({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1),
  expires_in: Count,
  refresh_expires_in: Count,
  country: z.string().optional(),
  account: z.string().optional(),
});

/** Push message envelope; `timestamp` is ms in one sample and seconds in others. */
export const PushMessage = z.looseObject({
  seller_id: z.union([z.string(), z.number()]).optional(),
  message_type: z.number().int(),
  data: z.looseObject({}),
  timestamp: z.number(),
  site: z.string().optional(),
});

export const OrderStatusData = z.looseObject({
  order_status: z.string().min(1),
  trade_order_id: Id,
  trade_order_line_id: Id.optional(),
  status_update_time: z.number(),
});

const Flag = z.union([z.boolean(), z.string()]).transform((v) => v === true || v === 'true');

/**
 * GetReverseOrdersForSeller `result`: reverse orders (return, refund-only, cancellation) with one line per unit.
 * refund_amount and item_unit_price are in cents; the line times are epoch seconds (milliseconds accepted).
 */
export const ReverseOrderLine = z.looseObject({
  reverse_order_line_id: Id,
  trade_order_line_id: Id,
  reverse_status: z.string(),
  is_need_refund: Flag.optional(),
  refund_amount: Count.optional(),
  seller_sku_id: z.string().optional(),
  reason_text: z.string().optional(),
  return_order_line_gmt_create: Count.optional(),
  return_order_line_gmt_modified: Count.optional(),
});
export type ReverseOrderLine = z.infer<typeof ReverseOrderLine>;

export const ReverseOrder = z.looseObject({
  reverse_order_id: Id,
  trade_order_id: Id,
  request_type: z.string().optional(),
  reverse_order_lines: z.array(ReverseOrderLine).default([]),
});
export type ReverseOrder = z.infer<typeof ReverseOrder>;

export const ReverseOrdersPage = z.looseObject({
  total: Count.optional(),
  items: z.array(ReverseOrder).default([]),
});

/** msg_type 10: a reverse order line changed status. */
export const ReverseStatusData = z.looseObject({
  reverse_order_id: Id,
  reverse_status: z.string().min(1),
  trade_order_id: Id,
  reverse_order_line_id: Id.optional(),
  trade_order_line_id: Id.optional(),
  status_update_time: z.number().optional(),
});

/** GetProducts `data`: products with their SKUs (Lazada's mixed key casing kept: `SellerSku` but `quantity`). */
export const ProductsPage = z.looseObject({
  total_products: Count.optional(),
  products: z
    .array(z.looseObject({ item_id: Id, skus: z.array(z.looseObject({ SellerSku: z.string(), quantity: Count.optional(), Status: z.string().optional() })).default([]) }))
    .default([]),
});

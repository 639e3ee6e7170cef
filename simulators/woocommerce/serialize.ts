import { centsToNumber, centsToString, datePair } from './format';
import { type ShopStore, type SimNote, type SimOrder, type SimProduct, type SimRefund } from './store';

// The REST v3 representation of each resource; webhooks send the same JSON.

export interface SerializeContext {
  store: ShopStore;
  /** Site base URL without trailing slash. */
  siteUrl: string;
  offsetMinutes: number;
}

function dates(ctx: SerializeContext, name: string, ms: number | null): Record<string, string | null> {
  const pair = datePair(ms, ctx.offsetMinutes);
  return { [name]: pair.local, [`${name}_gmt`]: pair.gmt };
}

function links(ctx: SerializeContext, path: string, collection: string): Record<string, { href: string }[]> {
  const api = `${ctx.siteUrl}/wp-json/wc/v3`;
  return { self: [{ href: `${api}/${path}` }], collection: [{ href: `${api}/${collection}` }] };
}

export function orderJson(ctx: SerializeContext, order: SimOrder): Record<string, unknown> {
  const total = ctx.store.totalCents(order);
  const zero = centsToString(0);
  const shippingTax = centsToString(order.shippingTaxCents);
  // One tax rate (id 1) when the shipping is taxed: the shipping line's taxes and the order's tax_lines name it.
  const taxed = order.shippingTaxCents !== 0;
  const shippingLine = order.shippingCents
    ? [{
        id: order.id * 10, method_title: 'Flat rate', method_id: 'flat_rate', instance_id: '1', total: centsToString(order.shippingCents), total_tax: shippingTax,
        taxes: taxed ? [{ id: 1, total: shippingTax, subtotal: '' }] : [], meta_data: [],
      }]
    : [];
  return {
    id: order.id,
    parent_id: 0,
    status: order.trashed ? 'trash' : order.status,
    currency: order.currency,
    version: '9.4.2',
    prices_include_tax: false,
    ...dates(ctx, 'date_created', order.createdMs),
    ...dates(ctx, 'date_modified', order.modifiedMs),
    discount_total: zero,
    discount_tax: zero,
    shipping_total: centsToString(order.shippingCents),
    shipping_tax: shippingTax,
    cart_tax: zero,
    total: centsToString(total),
    total_tax: shippingTax,
    customer_id: 0,
    order_key: order.orderKey,
    billing: { ...order.billing, email: order.billing.email ?? '' },
    shipping: { ...order.shipping, email: undefined },
    payment_method: 'bacs',
    payment_method_title: 'Direct bank transfer',
    transaction_id: '',
    customer_ip_address: '127.0.0.1',
    customer_user_agent: 'Mozilla/5.0',
    created_via: 'checkout',
    customer_note: order.customerNote,
    ...dates(ctx, 'date_completed', order.completedMs),
    ...dates(ctx, 'date_paid', order.paidMs),
    cart_hash: '',
    number: String(order.id),
    meta_data: order.meta,
    line_items: order.lines.map((line) => ({
      id: line.id,
      name: line.name,
      product_id: line.productId,
      variation_id: line.variationId,
      quantity: line.quantity,
      tax_class: '',
      subtotal: centsToString(line.subtotalCents),
      subtotal_tax: zero,
      total: centsToString(line.totalCents),
      total_tax: zero,
      taxes: [],
      meta_data: [],
      sku: line.sku,
      // A JSON number, unlike every other amount (WooCommerce computes total / quantity).
      price: centsToNumber(line.totalCents, line.quantity),
      image: { id: '', src: '' },
      parent_name: null,
    })),
    tax_lines: taxed
      ? [{ id: order.id * 10 + 1, rate_code: 'US-TAX-1', rate_id: 1, label: 'Tax', compound: false, tax_total: zero, shipping_tax_total: shippingTax, meta_data: [] }]
      : [],
    shipping_lines: shippingLine,
    fee_lines: [],
    coupon_lines: [],
    refunds: order.refunds.map((r) => ({ id: r.id, reason: r.reason, total: centsToString(-r.amountCents) })),
    payment_url: `${ctx.siteUrl}/checkout/order-pay/${order.id}/?pay_for_order=true&key=${order.orderKey}`,
    is_editable: order.status === 'pending' || order.status === 'on-hold',
    needs_payment: order.status === 'pending' || order.status === 'failed',
    needs_processing: true,
    currency_symbol: order.currency === 'EUR' ? '€' : '$',
    _links: links(ctx, `orders/${order.id}`, 'orders'),
  };
}

export function refundJson(ctx: SerializeContext, order: SimOrder, refund: SimRefund): Record<string, unknown> {
  return {
    id: refund.id,
    ...dates(ctx, 'date_created', refund.createdMs),
    amount: centsToString(refund.amountCents),
    reason: refund.reason,
    refunded_by: 1,
    refunded_payment: false,
    meta_data: [],
    line_items: refund.lines.map((r) => {
      const line = order.lines.find((l) => l.id === r.lineId);
      return {
        id: r.lineId,
        name: line?.name ?? '',
        product_id: line?.productId ?? 0,
        variation_id: line?.variationId ?? 0,
        quantity: -r.quantity,
        subtotal: centsToString(-r.amountCents),
        total: centsToString(-r.amountCents),
        sku: line?.sku ?? '',
        price: centsToNumber(-r.amountCents, r.quantity),
        refund_total: centsToNumber(r.amountCents),
      };
    }),
    _links: links(ctx, `orders/${order.id}/refunds/${refund.id}`, `orders/${order.id}/refunds`),
  };
}

export function noteJson(ctx: SerializeContext, order: SimOrder, note: SimNote): Record<string, unknown> {
  return {
    id: note.id,
    author: note.addedByUser ? 'channelsync' : 'WooCommerce',
    ...dates(ctx, 'date_created', note.createdMs),
    note: note.note,
    customer_note: note.customerNote,
    _links: links(ctx, `orders/${order.id}/notes/${note.id}`, `orders/${order.id}/notes`),
  };
}

export function productJson(ctx: SerializeContext, product: SimProduct): Record<string, unknown> {
  const price = product.regularCents === null ? '' : centsToString(product.regularCents);
  const stockStatus = !product.manageStock || product.stock === null || product.stock > 0 ? 'instock' : 'outofstock';
  const path = product.type === 'variation' ? `products/${product.parentId}/variations/${product.id}` : `products/${product.id}`;
  return {
    id: product.id,
    name: product.name,
    slug: product.sku.toLowerCase(),
    permalink: `${ctx.siteUrl}/product/${product.sku.toLowerCase()}/`,
    ...dates(ctx, 'date_created', product.createdMs),
    ...dates(ctx, 'date_modified', product.modifiedMs),
    type: product.type,
    status: 'publish',
    sku: product.sku,
    price,
    regular_price: price,
    sale_price: '',
    on_sale: false,
    purchasable: product.type !== 'variable',
    manage_stock: product.type === 'variation' && !product.manageStock ? 'parent' : product.manageStock,
    stock_quantity: product.stock,
    stock_status: stockStatus,
    backorders: 'no',
    parent_id: product.parentId,
    variations: product.variationIds,
    _links: links(ctx, path, path.replace(/\/\d+$/, '')),
  };
}

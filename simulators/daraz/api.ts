import { randomBytes } from 'node:crypto';
import { type DarazSettings } from './options';
import { type Pusher } from './push';
import { lazopSign, type EmptyParamSigning } from './signing';
import {
  cents,
  type Country,
  type DarazState,
  formatLocal,
  fromCents,
  type SimItem,
  type SimOrder,
  VENTURES,
} from './state';

// The /rest gateway: signature and token checks, throttling, then one handler per API name.

export interface RestContext {
  state: DarazState;
  settings: DarazSettings;
  country: Country;
  appKey: string;
  appSecret: string;
  timestampSkewSeconds: number;
  timestampErrorCode: string;
  emptyParamSigning: EmptyParamSigning;
  tokenLifetimes: { accessSeconds: number; refreshSeconds: number; refreshable: boolean };
  tokenNumbersAsStrings: boolean;
  push: Pusher;
  /** Calls seen per API in the current second, for the QPS limit. */
  calls: Map<string, { second: number; count: number }>;
}

export interface RestResult {
  status: number;
  body: unknown;
}

type Params = Record<string, string>;

const AUTH_APIS = new Set(['/auth/token/create', '/auth/token/refresh']);
const CANCEL_REASONS = [
  { reason_id: '1000017', reason_name: 'Out of stock' },
  { reason_id: '1000018', reason_name: 'Sourcing delay' },
  { reason_id: '1000019', reason_name: 'Wrong price or pricing error' },
];
const PACKABLE = new Set(['pending']);
const CANCELLABLE = new Set(['unpaid', 'pending', 'packed']);

function requestId(): string {
  return randomBytes(8).toString('hex');
}

function ok(data: unknown): RestResult {
  return { status: 200, body: { code: '0', data, request_id: requestId() } };
}

/** Errors are HTTP 200 with a non-"0" code, as on the real gateway. */
function fail(code: string, message: string, type: 'ISV' | 'ISP' | 'SYSTEM' = 'ISV', extra: object = {}): RestResult {
  return { status: 200, body: { type, code, message, request_id: requestId(), ...extra } };
}

function fulfilment(data: unknown, success = true, error?: { code: string; msg: string }): RestResult {
  const result = success
    ? { success: true, data }
    : { success: false, error_code: error?.code, error_msg: error?.msg };
  return { status: 200, body: { code: '0', result, request_id: requestId() } };
}

export function handleRest(ctx: RestContext, apiPath: string, params: Params, now: number): RestResult {
  const guard = checkRequest(ctx, apiPath, params, now);
  if (guard) return guard;
  const handler = HANDLERS[apiPath];
  if (!handler) return fail('InvalidApiPath', `The specified API path ${apiPath} is invalid`);
  return handler(ctx, params, now);
}

function checkRequest(ctx: RestContext, apiPath: string, params: Params, now: number): RestResult | undefined {
  for (const name of ['app_key', 'timestamp', 'sign_method', 'sign']) {
    if (params[name] === undefined) return fail('MissingParameter', `The input parameter "${name}" that is mandatory for processing this request is not supplied`);
  }
  if (params.app_key !== ctx.appKey) return fail('InvalidAppKey', 'Specified app key is invalid');
  const expected = lazopSign({ apiPath, params, secret: ctx.appSecret, empty: ctx.emptyParamSigning });
  if (params.sign_method !== 'sha256' || params.sign !== expected) {
    return fail('IncompleteSignature', 'The request signature does not conform to platform standards');
  }
  const ts = Number(params.timestamp);
  if (!/^\d{13}$/.test(params.timestamp ?? '') || Math.abs(now - ts) > ctx.timestampSkewSeconds * 1000) {
    return fail(ctx.timestampErrorCode, 'Timestamp is invalid or too far from the server time');
  }
  if (!AUTH_APIS.has(apiPath)) {
    const raw = params.access_token;
    if (!raw) return fail('MissingAccessToken', 'The access token is missing');
    const token = ctx.state.tokens.get(raw);
    if (!token || token.revoked || token.accessExpiresAt <= now) {
      return fail('IllegalAccessToken', 'The specified access token is invalid or expired');
    }
  }
  if (ctx.state.faults.rateLimit > 0) {
    ctx.state.faults.rateLimit--;
    return throttled(ctx, 'SellerCallLimit');
  }
  if (ctx.settings.qps > 0) {
    const second = Math.floor(now / 1000);
    const seen = ctx.calls.get(apiPath);
    const count = seen && seen.second === second ? seen.count + 1 : 1;
    ctx.calls.set(apiPath, { second, count });
    if (count > ctx.settings.qps) return throttled(ctx, 'ApiCallLimit');
  }
  return undefined;
}

function throttled(ctx: RestContext, code: string): RestResult {
  const result = fail(code, 'API access frequency exceeds the limit. this ban will last 1 seconds');
  return ctx.settings.throttleAsHttp429 ? { ...result, status: 429 } : result;
}

// ---------------------------------------------------------------- serialisation

function id(ctx: RestContext, value: string): string | number {
  return ctx.settings.idsAsNumbers ? Number(value) : value;
}

function time(ctx: RestContext, ms: number): string {
  return formatLocal(ms, VENTURES[ctx.country].offsetMinutes, ctx.settings.timeStyle);
}

export function itemJson(ctx: RestContext, order: SimOrder, item: SimItem): Record<string, unknown> {
  return {
    order_item_id: id(ctx, item.orderItemId),
    order_id: id(ctx, order.orderId),
    sku: item.sku,
    shop_sku: `${item.sku}-${VENTURES[ctx.country].site.toUpperCase()}`,
    name: item.name,
    status: item.status,
    reason: item.reason,
    reason_detail: '',
    currency: VENTURES[ctx.country].currency,
    item_price: item.itemPrice,
    paid_price: item.paidPrice,
    voucher_amount: item.voucher,
    tax_amount: '0.00',
    shipping_amount: '0.00',
    shipping_type: 'Dropshipping',
    shipping_provider_type: 'standard',
    shipment_provider: item.shipmentProvider,
    package_id: item.packageId,
    tracking_code: item.trackingCode,
    is_fbl: item.isFbl ? 1 : 0,
    created_at: time(ctx, item.createdAt),
    updated_at: time(ctx, item.updatedAt),
  };
}

export function orderJson(ctx: RestContext, order: SimOrder): Record<string, unknown> {
  const live = order.items;
  const price = live.reduce((sum, i) => sum + cents(i.itemPrice), 0n);
  const voucher = live.reduce((sum, i) => sum + cents(i.voucher), 0n);
  const address = {
    first_name: order.customer.firstName,
    last_name: order.customer.lastName,
    phone: order.customer.phone,
    phone2: '',
    address1: order.customer.address,
    address2: '',
    address3: '',
    address4: order.customer.city,
    address5: '',
    city: order.customer.city,
    post_code: order.customer.postCode,
    country: { PK: 'Pakistan', BD: 'Bangladesh', LK: 'Sri Lanka', NP: 'Nepal' }[ctx.country],
  };
  return {
    order_id: id(ctx, order.orderId),
    order_number: id(ctx, order.orderNumber),
    created_at: time(ctx, order.createdAt),
    updated_at: time(ctx, order.updatedAt),
    statuses: [...new Set(order.items.map((i) => i.status))],
    items_count: order.items.length,
    payment_method: order.paymentMethod,
    price: fromCents(price),
    shipping_fee: order.shippingFee,
    voucher: fromCents(voucher),
    customer_first_name: order.customer.firstName,
    customer_last_name: '',
    address_billing: address,
    address_shipping: address,
    remarks: '',
    gift_option: false,
    need_cancel_confirm: false,
    is_cancel_pending: false,
  };
}

// ---------------------------------------------------------------- handlers

type Handler = (ctx: RestContext, params: Params, now: number) => RestResult;

const LOCAL_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/;
const STATUS_FILTERS = new Set([
  'all', 'unpaid', 'pending', 'packed', 'canceled', 'ready_to_ship', 'delivered', 'returned', 'shipped', 'failed', 'topack',
  'toship', 'shipping', 'lost', 'lost_by_3pl', 'damaged_by_3pl', 'failed_delivery', 'shipped_back', 'shipped_back_success',
  'shipped_back_failed', 'package_scrapped',
]);

function parseFilterTime(value: string | undefined): number | undefined | 'bad' {
  if (value === undefined) return undefined;
  if (!LOCAL_TIME.test(value)) return 'bad';
  return Date.parse(value);
}

function parseIdList(value: string | undefined): string[] | undefined {
  if (!value || !/^\[\s*[\d\s,"]*\]$/.test(value)) return undefined;
  try {
    const list: unknown = JSON.parse(value);
    return Array.isArray(list) ? list.map((v) => String(v)) : undefined;
  } catch {
    return undefined;
  }
}

function parseJsonParam(value: string | undefined): unknown {
  if (value === undefined) return undefined;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

function touch(ctx: RestContext, order: SimOrder, items: SimItem[], status: string, now: number): void {
  for (const item of items) {
    item.status = status;
    item.updatedAt = now;
  }
  order.updatedAt = now;
  ctx.push.orderItems(order, items);
}

const listOrders: Handler = (ctx, p) => {
  const created = parseFilterTime(p.created_after);
  const updated = parseFilterTime(p.update_after);
  const createdBefore = parseFilterTime(p.created_before);
  const updatedBefore = parseFilterTime(p.update_before);
  if ([created, updated, createdBefore, updatedBefore].includes('bad')) {
    return fail('17', 'E017: Invalid Date Format, expected YYYY-MM-DDTHH:mm:ss+HH:MM');
  }
  if (created === undefined && updated === undefined) {
    return fail('MissingParameter', 'One of created_after or update_after is mandatory');
  }
  const limit = p.limit === undefined ? 100 : Number(p.limit);
  const offset = p.offset === undefined ? 0 : Number(p.offset);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) return fail('19', 'E019: Invalid Limit');
  if (!Number.isInteger(offset) || offset < 0) return fail('14', 'E014: Invalid Offset');
  if (offset + limit >= ctx.settings.offsetCeiling) {
    return fail('97', `E097: Offset and limit sum ${offset + limit} must be less than ${ctx.settings.offsetCeiling}`);
  }
  const status = p.status;
  if (status !== undefined && !STATUS_FILTERS.has(status)) return fail('6', 'Invalid status filter');
  const sortBy = p.sort_by ?? 'created_at';
  const direction = p.sort_direction ?? 'DESC';
  if (sortBy !== 'created_at' && sortBy !== 'updated_at') return fail('75', 'E075: Invalid sort field');
  if (direction !== 'ASC' && direction !== 'DESC') return fail('74', 'E074: Invalid sort direction');
  const after = (value: number, bound: number | undefined | 'bad'): boolean => {
    if (typeof bound !== 'number') return true;
    return ctx.settings.afterFilterInclusive ? value >= bound : value > bound;
  };
  const before = (value: number, bound: number | undefined | 'bad'): boolean => typeof bound !== 'number' || value < bound;
  const matches = [...ctx.state.orders.values()].filter(
    (o) =>
      after(o.createdAt, created) &&
      after(o.updatedAt, updated) &&
      before(o.createdAt, createdBefore) &&
      before(o.updatedAt, updatedBefore) &&
      (status === undefined || status === 'all' || o.items.some((i) => i.status === status)),
  );
  const key = (o: SimOrder): number => (sortBy === 'created_at' ? o.createdAt : o.updatedAt);
  matches.sort((a, b) => (key(a) - key(b) || Number(BigInt(a.orderId) - BigInt(b.orderId))) * (direction === 'ASC' ? 1 : -1));
  const page = matches.slice(offset, offset + limit);
  return ok({ count: page.length, countTotal: matches.length, orders: page.map((o) => orderJson(ctx, o)) });
};

const getOrder: Handler = (ctx, p) => {
  const order = ctx.state.orders.get(p.order_id ?? '');
  return order ? ok(orderJson(ctx, order)) : fail('16', 'E016: Invalid Order ID');
};

const getOrderItems: Handler = (ctx, p) => {
  const order = ctx.state.orders.get(p.order_id ?? '');
  return order ? ok(order.items.map((i) => itemJson(ctx, order, i))) : fail('16', 'E016: Invalid Order ID');
};

const getManyOrderItems: Handler = (ctx, p) => {
  const ids = parseIdList(p.order_ids);
  if (!ids) return fail('56', 'E056: Invalid order_ids format, expected [id1,id2]');
  if (ids.length > 50) return fail('38', 'E038: Too many order ids, at most 50');
  const found = ids.map((i) => ctx.state.orders.get(i)).filter((o): o is SimOrder => o !== undefined);
  if (found.length === 0) return fail('39', 'E039: No orders found');
  return ok(
    found.map((o) => ({
      order_id: id(ctx, o.orderId),
      order_number: id(ctx, o.orderNumber),
      order_items: o.items.map((i) => itemJson(ctx, o, i)),
    })),
  );
};

const pack: Handler = (ctx, p, now) => {
  const req = parseJsonParam(p.packReq) as
    | { pack_order_list?: { order_id?: unknown; order_item_list?: unknown[] }[]; delivery_type?: string; shipping_allocate_type?: string }
    | undefined;
  if (!req || !Array.isArray(req.pack_order_list)) return fail('MissingParameter', 'packReq.pack_order_list is mandatory');
  if (req.pack_order_list.length > 20) return fulfilment(undefined, false, { code: '700022', msg: 'batch size exceeds the limit' });
  const out = req.pack_order_list.map((entry) => {
    const orderId = String(entry.order_id ?? '');
    const order = ctx.state.orders.get(orderId);
    const wanted = (entry.order_item_list ?? []).map((v) => String(v));
    const itemResult = (itemId: string, code: string, msg: string): Record<string, unknown> => ({
      order_item_id: id(ctx, itemId), item_err_code: code, msg, retry: 'false',
    });
    if (!order) return { order_id: orderId, order_item_list: wanted.map((w) => itemResult(w, '700021', 'order not found')) };
    const items = wanted.map((w) => order.items.find((i) => i.orderItemId === w));
    const blocker = items.findIndex((i) => !i || i.isFbl || !PACKABLE.has(i.status));
    if (blocker >= 0 || items.length === 0) {
      // Items of one order are processed together: one bad item fails the order.
      return {
        order_id: id(ctx, orderId),
        order_item_list: wanted.map((w, n) => {
          const item = items[n];
          if (!item) return itemResult(w, '700021', 'order item not found');
          if (item.isFbl) return itemResult(w, '700027', 'FBL orders cannot be packed');
          return itemResult(w, PACKABLE.has(item.status) ? '700000' : '700026', 'item cannot be packed in its current status');
        }),
      };
    }
    const live = items as SimItem[];
    const packageId = `FP${ctx.state.nextId(8_000_000_000)}`;
    const trackingNumber = `DRZ${ctx.country}${ctx.state.nextId(600_000_000)}`;
    ctx.state.packages.set(packageId, {
      packageId, orderId, itemIds: live.map((i) => i.orderItemId), trackingNumber, shipmentProvider: 'Daraz Express', status: 'packed',
    });
    for (const item of live) {
      item.packageId = packageId;
      item.trackingCode = trackingNumber;
      item.shipmentProvider = 'Daraz Express';
    }
    touch(ctx, order, live, 'packed', now);
    return {
      order_id: id(ctx, orderId),
      order_item_list: live.map((i) => ({
        ...itemResult(i.orderItemId, '0', ''), package_id: packageId, tracking_number: trackingNumber, shipment_provider: 'Daraz Express',
      })),
    };
  });
  return fulfilment({ pack_order_list: out });
};

const readyToShip: Handler = (ctx, p, now) => {
  const req = parseJsonParam(p.readyToShipReq) as { packages?: { package_id?: unknown }[] } | undefined;
  if (!req || !Array.isArray(req.packages)) return fail('MissingParameter', 'readyToShipReq.packages is mandatory');
  if (req.packages.length > 20) return fulfilment(undefined, false, { code: '700022', msg: 'batch size exceeds the limit' });
  const out = req.packages.map((entry) => {
    const packageId = String(entry.package_id ?? '');
    const pkg = ctx.state.packages.get(packageId);
    const result = (code: string, msg: string): Record<string, unknown> => ({ package_id: packageId, item_err_code: code, msg, retry: 'false' });
    if (!pkg) return result('700000', 'package not found');
    const order = ctx.state.orders.get(pkg.orderId)!;
    const items = order.items.filter((i) => pkg.itemIds.includes(i.orderItemId));
    if (items.every((i) => i.status === 'canceled')) return result('600002', 'package already cancelled');
    if (pkg.status === 'ready_to_ship') return result('0', '');
    pkg.status = 'ready_to_ship';
    touch(ctx, order, items.filter((i) => i.status === 'packed'), 'ready_to_ship', now);
    return result('0', '');
  });
  return fulfilment({ packages: out });
};

function cancelTarget(ctx: RestContext, p: Params): { order: SimOrder; items: SimItem[] } | RestResult {
  const order = ctx.state.orders.get(p.order_id ?? '');
  if (!order) return fail('E0122', 'E0122: invalid trade order');
  const ids = parseIdList(p.order_item_id_list);
  if (!ids || ids.length === 0) return fail('E0103', 'E0103: order_item_id_list is empty or malformed');
  const items = ids.map((w) => order.items.find((i) => i.orderItemId === w));
  if (items.some((i) => !i)) return fail('E0122', 'E0122: invalid trade order line');
  return { order, items: items as SimItem[] };
}

const cancelValidate: Handler = (ctx, p) => {
  const target = cancelTarget(ctx, p);
  if ('status' in target) return target;
  if (target.items.some((i) => !CANCELLABLE.has(i.status))) {
    return ok({ tip_type: 'error', tip_content: 'Some items can no longer be cancelled', reason_options: [] });
  }
  return ok({ tip_type: 'warn', tip_content: 'Cancelling affects your seller rating', reason_options: CANCEL_REASONS });
};

const cancelCreate: Handler = (ctx, p, now) => {
  const target = cancelTarget(ctx, p);
  if ('status' in target) return target;
  if (!p.reason_id) return fail('E0104', 'E0104: reason empty');
  const reason = CANCEL_REASONS.find((r) => r.reason_id === p.reason_id);
  if (!reason) return fail('E0105', 'E0105: invalid reason');
  if (target.items.some((i) => !CANCELLABLE.has(i.status))) return fail('E0110', 'E0110: item status does not allow cancellation');
  for (const item of target.items) item.reason = reason.reason_name;
  touch(ctx, target.order, target.items, 'canceled', now);
  if (reason.reason_id === '1000017') {
    // Out of stock: the platform zeroes the SKU, as its tip says.
    for (const item of target.items) {
      const product = ctx.state.products.get(item.sku);
      if (product) product.quantity = 0;
    }
    return ok({ tip_type: 'warn', tip_content: 'stock will be set as 0' });
  }
  return ok({ tip_type: 'warn', tip_content: 'cancellation created' });
};

interface SkuUpdate {
  SellerSku?: string;
  Price?: string;
  SalePrice?: string;
  Quantity?: string;
}

/** The payload is XML or the same tree as JSON: Request/Product/Skus/Sku[]. */
export function parseSkuPayload(payload: string): SkuUpdate[] | undefined {
  const text = payload.trim();
  if (text.startsWith('{')) {
    const tree = parseJsonParam(text) as { Request?: { Product?: { Skus?: { Sku?: unknown } } } } | undefined;
    const raw = tree?.Request?.Product?.Skus?.Sku;
    const list = Array.isArray(raw) ? raw : raw ? [raw] : undefined;
    return list?.map((s: Record<string, unknown>) => {
      const field = (name: string): string | undefined => (s[name] === undefined ? undefined : String(s[name]));
      return { SellerSku: field('SellerSku'), Price: field('Price'), SalePrice: field('SalePrice'), Quantity: field('Quantity') };
    });
  }
  if (!text.startsWith('<Request>')) return undefined;
  const unescape = (v: string): string =>
    v.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
  const skus = [...text.matchAll(/<Sku>([\s\S]*?)<\/Sku>/g)];
  return skus.map((m) => {
    const field = (name: string): string | undefined => {
      const hit = new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(m[1] ?? '');
      return hit ? unescape(hit[1]!) : undefined;
    };
    return { SellerSku: field('SellerSku'), Price: field('Price'), SalePrice: field('SalePrice'), Quantity: field('Quantity') };
  });
}

const priceQuantity: Handler = (ctx, p) => {
  if (p.payload === undefined) return fail('MissingParameter', 'The input parameter "payload" is mandatory');
  const skus = parseSkuPayload(p.payload);
  if (!skus) return fail('InvalidParameter', 'payload is neither the XML nor the JSON request tree');
  if (skus.length > 50) return fail('4171', 'Too many SKUs in one request, at most 50');
  const detail: { field: string; seller_sku: string; code: string; message: string }[] = [];
  for (const sku of skus) {
    const name = sku.SellerSku ?? '';
    const bad = (code: string, message: string): void => void detail.push({ field: 'SellerSku', seller_sku: name, code, message });
    const product = ctx.state.products.get(name);
    if (!product) { bad('500', `SellerSku ${name} not found`); continue; }
    if (sku.Price !== undefined && !/^\d+(\.\d{1,2})?$/.test(sku.Price)) { bad('4104', 'price precision is invalid'); continue; }
    let quantity: number | undefined;
    if (sku.Quantity !== undefined) {
      quantity = Number(sku.Quantity);
      if (!/^-?\d+$/.test(sku.Quantity) || quantity < 0) { bad('500', 'Quantity must be a non-negative integer'); continue; }
      if (ctx.settings.campaignStockLock && quantity < product.quantity) { bad('4170', 'campaign stock lock: stock can only increase'); continue; }
    }
    // Empty or missing elements are left unchanged.
    if (sku.Price) product.price = fromCents(cents(sku.Price));
    if (quantity !== undefined) product.quantity = quantity;
  }
  if (detail.length > 0) return fail('501', 'update failed', 'ISP', { detail });
  return ok({});
};

const PRODUCT_FILTERS = new Set(['all', 'live', 'inactive', 'deleted', 'pending', 'rejected', 'sold-out']);

/**
 * GetProducts (Lazada Open Platform `/products/get`): products with their skus[]; `sku_seller_list` (a JSON array
 * of up to 100 seller SKUs, whole-word match) narrows it. Each simulated product has one SKU. Key casing is
 * Lazada's own mix (`SellerSku` but `quantity`).
 */
const getProducts: Handler = (ctx, p) => {
  const filter = p.filter ?? 'all';
  if (!PRODUCT_FILTERS.has(filter)) return fail('InvalidParameter', 'Invalid filter');
  const limit = p.limit === undefined ? 10 : Number(p.limit);
  const offset = p.offset === undefined ? 0 : Number(p.offset);
  if (!Number.isInteger(limit) || limit < 1 || limit > 50) return fail('19', 'E019: Invalid Limit');
  if (!Number.isInteger(offset) || offset < 0 || offset > 10_000) return fail('14', 'E014: Invalid Offset');
  let wanted: string[] | undefined;
  if (p.sku_seller_list !== undefined) {
    const list = parseJsonParam(p.sku_seller_list) as unknown;
    if (!Array.isArray(list) || list.some((s) => typeof s !== 'string')) return fail('InvalidParameter', 'sku_seller_list must be a JSON array of strings');
    if (list.length > 100) return fail('InvalidParameter', 'sku_seller_list takes at most 100 SKUs');
    wanted = list as string[];
  }
  const all = [...ctx.state.products.values()].map((product, index) => ({ product, itemId: 300_000_000 + index }));
  const matches = all
    .filter(({ product }) => !wanted || wanted.includes(product.sellerSku))
    .filter(({ product }) => (filter === 'sold-out' ? product.quantity === 0 : filter === 'all' || filter === 'live'));
  const tld = VENTURES[ctx.country].site.replace('daraz_', '');
  const products = matches.slice(offset, offset + limit).map(({ product, itemId }) => ({
    item_id: itemId,
    primary_category: 10000001,
    attributes: { name: product.name, brand: 'No Brand', description: product.name },
    images: [],
    status: 'Active',
    created_time: String(Date.now() - 86_400_000),
    updated_time: String(Date.now()),
    skus: [
      {
        SkuId: itemId * 10 + 1,
        SellerSku: product.sellerSku,
        ShopSku: `${itemId}_${tld.toUpperCase()}-${itemId * 10 + 1}`,
        Status: 'active',
        quantity: product.quantity,
        Available: product.quantity,
        price: Number(product.price),
        special_price: 0,
        Url: `https://www.daraz.${tld}/products/i${itemId}.html`,
        Images: [],
        multiWarehouseInventories: [{ warehouseCode: 'dropshipping', quantity: product.quantity, totalQuantity: product.quantity, sellableQuantity: product.quantity, occupyQuantity: 0, withholdQuantity: 0 }],
        fblWarehouseInventories: [],
        channelInventories: [],
      },
    ],
  }));
  return ok({ total_products: matches.length, products });
};

const tokenBody = (ctx: RestContext, token: { accessToken: string; refreshToken: string; accessExpiresAt: number; refreshExpiresAt: number }, now: number): RestResult => {
  const num = (v: number): number | string => (ctx.tokenNumbersAsStrings ? String(v) : v);
  const refreshIn = ctx.tokenLifetimes.refreshable ? Math.max(0, Math.floor((token.refreshExpiresAt - now) / 1000)) : 0;
  return {
    status: 200,
    body: {
      code: '0',
      request_id: requestId(),
      access_token: token.accessToken,
      refresh_token: token.refreshToken,
      expires_in: num(Math.floor((token.accessExpiresAt - now) / 1000)),
      refresh_expires_in: num(refreshIn),
      country: ctx.country.toLowerCase(),
      account: 'seller@example.test',
      account_id: num(100200300),
      account_platform: 'seller_center',
      country_user_info: [{ country: ctx.country.toLowerCase(), seller_id: '1000001', user_id: '2000002', short_code: 'PK1XYZ' }],
    },
  };
};

const tokenCreate: Handler = (ctx, p, now) => {
  const code = p.code ?? '';
  const issuedAt = ctx.state.authCodes.get(code);
  // A code is good once, for 30 minutes.
  if (issuedAt === undefined || now - issuedAt > 30 * 60_000) return fail('InvalidCode', 'Invalid authorization code');
  ctx.state.authCodes.delete(code);
  return tokenBody(ctx, ctx.state.issueToken({ ...ctx.tokenLifetimes, now }), now);
};

const tokenRefresh: Handler = (ctx, p, now) => {
  const old = [...ctx.state.tokens.values()].find((t) => t.refreshToken === p.refresh_token && !t.revoked);
  if (!old || old.refreshExpiresAt <= now || !ctx.tokenLifetimes.refreshable) {
    return fail('IllegalRefreshToken', 'The specified refresh token is invalid or expired');
  }
  old.revoked = true;
  // The refresh token's own clock is not extended.
  return tokenBody(ctx, ctx.state.issueToken({ ...ctx.tokenLifetimes, now, refreshExpiresAt: old.refreshExpiresAt }), now);
};

/**
 * GetReverseOrdersForSeller (Lazada Open Platform, `result{total, page_no, page_size, items[]}`): a reverse order
 * per return, refund-only or cancellation request, one line per unit. Amounts are in cents (except VN); line
 * times are epoch seconds, as integrators report them. Daraz documents nothing of its own here, so this follows
 * Lazada's page (regional-marketplaces.md, unverified item 6).
 */
const reverseOrders: Handler = (ctx, p) => {
  const pageSize = p.page_size === undefined ? 10 : Number(p.page_size);
  const pageNo = p.page_no === undefined ? 1 : Number(p.page_no);
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100) return fail('InvalidParameter', 'page_size must be between 1 and 100');
  if (!Number.isInteger(pageNo) || pageNo < 1) return fail('InvalidParameter', 'page_no must be at least 1');
  const statuses = p.reverse_status_list === undefined ? undefined : (parseJsonParam(p.reverse_status_list) as unknown);
  if (statuses !== undefined && !Array.isArray(statuses)) return fail('InvalidParameter', 'reverse_status_list must be a JSON array');
  const matches = [...ctx.state.reverseOrders.values()]
    .filter((r) => p.trade_order_id === undefined || r.orderId === p.trade_order_id)
    .filter((r) => p.reverse_order_id === undefined || r.reverseOrderId === p.reverse_order_id)
    .filter((r) => !Array.isArray(statuses) || r.lines.some((l) => statuses.includes(l.reverseStatus)))
    .sort((a, b) => Number(BigInt(a.reverseOrderId) - BigInt(b.reverseOrderId)));
  const page = matches.slice((pageNo - 1) * pageSize, pageNo * pageSize);
  const seconds = (ms: number) => Math.floor(ms / 1000);
  return {
    status: 200,
    body: {
      code: '0',
      result: {
        success: true,
        total: matches.length,
        page_no: pageNo,
        page_size: pageSize,
        items: page.map((r) => ({
          reverse_order_id: id(ctx, r.reverseOrderId),
          trade_order_id: id(ctx, r.orderId),
          request_type: r.requestType,
          is_rtm: r.requestType === 'RETURN',
          shipping_type: 'DEFAULT',
          reverse_order_lines: r.lines.map((l) => ({
            reverse_order_line_id: id(ctx, l.reverseOrderLineId),
            trade_order_line_id: id(ctx, l.orderItemId),
            reverse_status: l.reverseStatus,
            is_need_refund: String(r.requestType !== 'CANCEL' || l.reverseStatus.includes('REFUND')),
            ofc_status: l.ofcStatus,
            product: { product_id: 0, product_sku: l.sku },
            buyer: { buyer_id: 0 },
            trade_order_gmt_create: seconds(ctx.state.orders.get(r.orderId)?.createdAt ?? l.createdAt),
            refund_amount: Number(cents(l.refundAmount)),
            reason_text: l.reasonText,
            reason_code: 0,
            refund_payment_method: 'Wallet',
            return_order_line_gmt_create: seconds(l.createdAt),
            return_order_line_gmt_modified: seconds(l.modifiedAt),
            is_dispute: false,
            seller_sku_id: l.sku,
            item_unit_price: Number(cents(l.itemUnitPrice)),
            platform_sku_id: `${l.sku}-${VENTURES[ctx.country].site.toUpperCase()}`,
          })),
        })),
      },
      request_id: requestId(),
    },
  };
};

const HANDLERS: Record<string, Handler> = {
  '/reverse/getreverseordersforseller': reverseOrders,
  '/orders/get': listOrders,
  '/order/get': getOrder,
  '/order/items/get': getOrderItems,
  '/orders/items/get': getManyOrderItems,
  '/order/fulfill/pack': pack,
  '/order/package/rts': readyToShip,
  '/order/reverse/cancel/validate': cancelValidate,
  '/order/reverse/cancel/create': cancelCreate,
  '/product/price_quantity/update': priceQuantity,
  '/products/get': getProducts,
  '/auth/token/create': tokenCreate,
  '/auth/token/refresh': tokenRefresh,
};

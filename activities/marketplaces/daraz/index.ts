import { type CanonicalOrder, money } from '../../../domain';
import { ChannelError } from '../errors';
import {
  type ChannelAdapter,
  type ChannelCapabilities,
  type ConfirmShipmentInput,
  type ItemResult,
  type OrderPage,
  type PushResult,
  type StockReadResult,
  type StockReading,
} from '../types';
import { callDaraz, classifyDarazError, dataOf, type DarazClientConfig, type DarazTokens, refreshDarazToken } from './client';
import { DARAZ_VENTURES, type DarazCountry, formatVentureTime, isCancelled, mayHaveRefunds, parseDarazTime, toCanonicalOrder } from './mapping';
import { CancelTip, DarazItem, DarazOrder, FulfilmentResult, ItemsOfOrders, OrdersPage, PackData, ProductsPage, type ReverseOrder, ReverseOrdersPage, RtsData } from './schemas';
import { parseDarazPush, verifyDarazPush } from './webhook';
import { z } from 'zod';

export { signDarazRequest, createDarazToken, refreshDarazToken, type DarazTokens, type DarazClientConfig } from './client';
export { type DarazCountry } from './mapping';

export interface DarazAdapterConfig {
  account: string;
  country: DarazCountry;
  /** Venture gateway including /rest, e.g. https://api.daraz.pk/rest. */
  baseUrl: string;
  /** Where token create/refresh go; unverified for Daraz (venture host or api.daraz.com), so configurable. */
  authBaseUrl?: string;
  appKey: string;
  appSecret: string;
  partnerId?: string;
  tokens: DarazTokens;
  /** Called after each refresh so the caller can store the new pair. */
  onTokens?: (tokens: DarazTokens) => void | Promise<void>;
  /** Refresh this long before the access token expires (Lazada suggests about 30 minutes). */
  refreshMarginMs?: number;
  /** SKUs per price_quantity call: at most 50, 20 recommended. */
  batchSize?: number;
  /** orders/get refuses offset + limit at or past this. */
  offsetCeiling?: number;
  timeoutMs?: number;
  now?: () => number;
}

interface Cursor {
  /** Window start, epoch ms (update_after). */
  w: number;
  o: number;
  /** Last updated_at seen, epoch ms. */
  l?: number;
}

/** products/get: at most 50 products per page (sku_seller_list takes up to 100 SKUs). */
const PRODUCTS_PAGE = 50;
const PENDING = 'pending';
const PACKED = 'packed';

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c), 'utf8').toString('base64url');
}

function decodeCursor(text: string): Cursor {
  const parsed = z
    .object({ w: z.number(), o: z.number().int().nonnegative(), l: z.number().optional() })
    .safeParse(JSON.parse(Buffer.from(text, 'base64url').toString('utf8')));
  if (!parsed.success) throw new ChannelError('Daraz cursor is not one this adapter made', 'rejected');
  return parsed.data;
}

function escapeXml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** price_quantity payload in the documented XML form; absent elements stay unchanged on Daraz. */
export function skuPayload(skus: { sellerSku: string; quantity?: number; price?: string }[]): string {
  const body = skus
    .map((s) => {
      const fields = [`<SellerSku>${escapeXml(s.sellerSku)}</SellerSku>`];
      if (s.price !== undefined) fields.push(`<Price>${s.price}</Price>`);
      if (s.quantity !== undefined) fields.push(`<Quantity>${s.quantity}</Quantity>`);
      return `<Sku>${fields.join('')}</Sku>`;
    })
    .join('');
  return `<Request><Product><Skus>${body}</Skus></Product></Request>`;
}

export function createDarazAdapter(config: DarazAdapterConfig): ChannelAdapter {
  const venture = DARAZ_VENTURES[config.country];
  const now = config.now ?? Date.now;
  const client: DarazClientConfig = {
    baseUrl: config.baseUrl,
    appKey: config.appKey,
    appSecret: config.appSecret,
    partnerId: config.partnerId,
    timeoutMs: config.timeoutMs,
    now,
  };
  const ceiling = config.offsetCeiling ?? 5000;
  const batchSize = Math.min(config.batchSize ?? 20, 50);
  let tokens = config.tokens;
  let refreshing: Promise<DarazTokens> | undefined;

  async function accessToken(): Promise<string> {
    const margin = config.refreshMarginMs ?? 30 * 60_000;
    if (Date.parse(tokens.accessExpiresAt) - margin > now()) return tokens.accessToken;
    if (Date.parse(tokens.refreshExpiresAt) <= now()) {
      throw new ChannelError('Daraz refresh token expired: the seller must authorise the app again', 'auth');
    }
    // One refresh at a time: the old refresh token stops working once used.
    refreshing ??= refreshDarazToken({ ...client, baseUrl: config.authBaseUrl ?? config.baseUrl }, { refreshToken: tokens.refreshToken })
      .then(async (fresh) => {
        tokens = fresh;
        await config.onTokens?.(fresh);
        return fresh;
      })
      .finally(() => {
        refreshing = undefined;
      });
    return (await refreshing).accessToken;
  }

  async function call(apiPath: string, method: 'GET' | 'POST', params: Record<string, string | undefined>, allowCodes?: string[]) {
    return callDaraz(client, { apiPath, method, params, accessToken: await accessToken(), allowCodes });
  }

  async function itemsOf(orderId: string): Promise<DarazItem[]> {
    const envelope = await call('/order/items/get', 'GET', { order_id: orderId });
    return dataOf(z.array(DarazItem), envelope.data, 'Daraz /order/items/get');
  }

  async function fetchOrder(orderId: string) {
    const envelope = await call('/order/get', 'GET', { order_id: orderId });
    const order = dataOf(DarazOrder, envelope.data, 'Daraz /order/get');
    return { order, items: await itemsOf(orderId) };
  }

  /**
   * The order's reverse orders (returns, refund-only requests, cancellations), read only once some unit has
   * left the seller: before that there is nothing to return, and a cancellation is read from the items.
   */
  async function reverseOrdersOf(orderId: string, items: readonly DarazItem[]): Promise<ReverseOrder[]> {
    if (!mayHaveRefunds(items)) return [];
    const found: ReverseOrder[] = [];
    for (let pageNo = 1; ; pageNo++) {
      const envelope = await call('/reverse/getreverseordersforseller', 'GET', { trade_order_id: orderId, page_size: '100', page_no: String(pageNo) });
      const page = dataOf(ReverseOrdersPage, envelope.result, 'Daraz /reverse/getreverseordersforseller');
      found.push(...page.items);
      if (page.items.length < 100 || (page.total !== undefined && found.length >= page.total)) return found;
    }
  }

  async function canonical(order: DarazOrder, items: readonly DarazItem[]) {
    const reverseOrders = await reverseOrdersOf(order.order_id, items);
    return toCanonicalOrder({ account: config.account, country: config.country, order, items, reverseOrders });
  }

  /** Fulfilment APIs wrap their answer in result{success, data}; each element has its own item_err_code. */
  function fulfilmentData(envelope: { result?: unknown }, apiPath: string): unknown {
    const result = dataOf(FulfilmentResult, envelope.result, `Daraz ${apiPath}`);
    if (!result.success) {
      throw classifyDarazError({ code: String(result.error_code ?? 'unknown'), message: result.error_msg }, apiPath);
    }
    return result.data;
  }

  function elementError(code: string, msg: string | undefined, retry: string | boolean | undefined, apiPath: string): ChannelError {
    const error = classifyDarazError({ code, message: msg }, apiPath);
    return retry === true || retry === 'true' ? new ChannelError(error.message, 'transient', { vendorCode: code }) : error;
  }

  async function pushSkus(updates: { sku: string; quantity?: number; price?: string }[]): Promise<PushResult> {
    const results: ItemResult[] = [];
    let calls = 0;
    for (let start = 0; start < updates.length; start += batchSize) {
      const batch = updates.slice(start, start + batchSize);
      const payload = skuPayload(batch.map((u) => ({ sellerSku: u.sku, quantity: u.quantity, price: u.price })));
      calls++;
      // 501 = some SKUs failed; the others in the batch were applied.
      const envelope = await call('/product/price_quantity/update', 'POST', { payload }, ['501']);
      const failed = new Map<string, string>();
      for (const d of envelope.detail ?? []) {
        const sku = d.seller_sku ?? d.SellerSku;
        if (sku) failed.set(sku, `${d.code ?? envelope.code}: ${d.message ?? 'update failed'}`);
      }
      if (envelope.code !== '0' && failed.size === 0) throw classifyDarazError(envelope, '/product/price_quantity/update');
      for (const u of batch) {
        const error = failed.get(u.sku);
        results.push(error ? { sku: u.sku, ok: false, error } : { sku: u.sku, ok: true });
      }
    }
    return { results, calls };
  }

  /** products/get answers at most 50 products a page; every product found has one of the SKUs asked for. */
  async function readSkus(skus: string[]): Promise<StockReadResult> {
    const found = new Map<string, number>();
    let calls = 0;
    for (let start = 0; start < skus.length; start += PRODUCTS_PAGE) {
      const batch = skus.slice(start, start + PRODUCTS_PAGE);
      for (let offset = 0; ; offset += PRODUCTS_PAGE) {
        calls++;
        const envelope = await call('/products/get', 'GET', { filter: 'all', sku_seller_list: JSON.stringify(batch), limit: String(PRODUCTS_PAGE), offset: String(offset) });
        const page = dataOf(ProductsPage, envelope.data, 'Daraz /products/get');
        // `quantity` is what price_quantity/update sets (Available also nets out reserved units).
        for (const product of page.products) for (const sku of product.skus) if (batch.includes(sku.SellerSku)) found.set(sku.SellerSku, sku.quantity ?? 0);
        if (page.products.length < PRODUCTS_PAGE || offset + PRODUCTS_PAGE >= (page.total_products ?? 0)) break;
      }
    }
    const results: StockReading[] = skus.map((sku) => ({ sku, quantity: found.get(sku) ?? null }));
    return { results, calls };
  }

  const capabilities: ChannelCapabilities = {
    orderIntake: 'webhook',
    stockBatchSize: batchSize,
    priceBatchSize: batchSize,
    stockReadBatchSize: PRODUCTS_PAGE,
    partialShipment: false,
    cancelFromSeller: true,
    acknowledgesOrders: false,
    // No published QPS; clients keep to about 8-10 calls per second per seller in total.
    rateClasses: { orders: { perSecond: 4 }, fulfilment: { perSecond: 2 }, catalog: { perSecond: 2 } },
    limitations: [
      'Daraz allocates the package and tracking number itself: confirmShipment packs the listed units and marks the package ready to ship; the carrier and tracking number from Odoo are not sent.',
      'Daraz has no seller-side shipment reference, so a repeated confirmShipment is recognised only once every unit it names has been handed over.',
      'Push messages carry only ids and a status; every order event is key-only and the order must be re-fetched.',
      'There is no acknowledgement step on Daraz; acknowledgeOrder does nothing.',
      'orders/get cannot page past offset + limit = 5000: the adapter slides the update_after window instead.',
      'Refunds are read from reverse orders (one line per unit): each unit refunded is its own refund, so a return of several units becomes several credit notes.',
    ],
  };

  return {
    channel: 'daraz',
    account: config.account,
    capabilities,

    verifyWebhook: (request) => verifyDarazPush(request, { appKey: config.appKey, appSecret: config.appSecret }),
    parseWebhook: (request) => parseDarazPush(request),

    async listOrdersChangedSince(input): Promise<OrderPage> {
      const since = Date.parse(input.since);
      if (Number.isNaN(since)) throw new ChannelError(`since is not a date: ${input.since}`, 'rejected');
      const start: Cursor = input.cursor ? decodeCursor(input.cursor) : { w: since, o: 0 };
      const l = start.l;
      let { w, o } = start;
      let limit = Math.min(Math.max(input.limit ?? 100, 1), 100);
      if (o + limit >= ceiling) {
        // Slide the window to just before the last change seen: covers both inclusive and exclusive filters.
        if (l !== undefined && l - 1000 > w) {
          w = l - 1000;
          o = 0;
        } else {
          limit = ceiling - 1 - o;
          if (limit < 1) throw new ChannelError('Daraz: more than 5000 orders changed within two seconds; cannot page on', 'rejected');
        }
      }
      const envelope = await call('/orders/get', 'GET', {
        update_after: formatVentureTime(w, venture.offsetMinutes),
        sort_by: 'updated_at',
        sort_direction: 'ASC',
        offset: String(o),
        limit: String(limit),
      });
      const page = dataOf(OrdersPage, envelope.data, 'Daraz /orders/get');
      const itemsByOrder = new Map<string, DarazItem[]>();
      for (let start = 0; start < page.orders.length; start += 50) {
        const ids = page.orders.slice(start, start + 50).map((x) => x.order_id);
        const batch = await call('/orders/items/get', 'GET', { order_ids: `[${ids.join(',')}]` });
        for (const entry of dataOf(ItemsOfOrders, batch.data, 'Daraz /orders/items/get')) itemsByOrder.set(entry.order_id, entry.order_items);
      }
      const orders: CanonicalOrder[] = [];
      for (const order of page.orders) orders.push(await canonical(order, itemsByOrder.get(order.order_id) ?? []));
      const last = page.orders.at(-1);
      const done = page.orders.length < limit || (page.countTotal !== undefined && o + page.orders.length >= page.countTotal);
      if (done || !last) return { orders };
      return { orders, nextCursor: encodeCursor({ w, o: o + page.orders.length, l: Date.parse(parseDarazTime(last.updated_at)) }) };
    },

    async getOrder({ externalId }) {
      const { order, items } = await fetchOrder(externalId);
      return canonical(order, items);
    },

    async acknowledgeOrder() {
      // Daraz has no acknowledgement: a pending order simply waits to be packed.
    },

    async confirmShipment(input: ConfirmShipmentInput) {
      const items = await itemsOf(input.externalId);
      const toPack: string[] = [];
      const packages = new Set<string>();
      const handedOver = new Set<string>();
      for (const line of input.lines) {
        const units = items.filter((i) => i.sku === line.lineId).sort((a, b) => a.order_item_id.localeCompare(b.order_item_id));
        // Units packed by an earlier attempt come first, so a retry finishes that package instead of a new one.
        const open = [...units.filter((u) => u.status === PACKED), ...units.filter((u) => u.status === PENDING)].slice(0, line.quantity);
        if (open.length < line.quantity) {
          const done = units.filter((u) => u.package_id && !isCancelled(u.status) && u.status !== PACKED);
          if (open.length === 0 && done.length >= line.quantity) {
            done.forEach((u) => handedOver.add(u.package_id!));
            continue;
          }
          throw new ChannelError(`Daraz order ${input.externalId}: only ${open.length} unit(s) of ${line.lineId} can be shipped`, 'rejected');
        }
        for (const unit of open) {
          if (unit.status === PACKED && unit.package_id) packages.add(unit.package_id);
          else toPack.push(unit.order_item_id);
        }
      }
      if (toPack.length > 0) {
        const packReq = JSON.stringify({
          pack_order_list: [{ order_id: input.externalId, order_item_list: toPack }],
          delivery_type: 'dropship',
          shipping_allocate_type: 'TFS',
        });
        const envelope = await call('/order/fulfill/pack', 'POST', { packReq });
        const data = dataOf(PackData, fulfilmentData(envelope, '/order/fulfill/pack'), 'Daraz /order/fulfill/pack');
        for (const unit of data.pack_order_list.flatMap((o) => o.order_item_list)) {
          if (unit.item_err_code !== '0' || !unit.package_id) throw elementError(unit.item_err_code, unit.msg, unit.retry, '/order/fulfill/pack');
          packages.add(unit.package_id);
        }
      }
      if (packages.size > 0) {
        const readyToShipReq = JSON.stringify({ packages: [...packages].map((package_id) => ({ package_id })) });
        const envelope = await call('/order/package/rts', 'POST', { readyToShipReq });
        const data = dataOf(RtsData, fulfilmentData(envelope, '/order/package/rts'), 'Daraz /order/package/rts');
        for (const p of data.packages) if (p.item_err_code !== '0') throw elementError(p.item_err_code, p.msg, p.retry, '/order/package/rts');
      }
      const refs = [...packages, ...handedOver].sort();
      return { shipmentRef: refs.join(',') };
    },

    async cancelOrder(input) {
      const items = await itemsOf(input.externalId);
      const wanted = items.filter((i) => !input.lineIds || input.lineIds.includes(i.sku));
      const open = wanted.filter((i) => !isCancelled(i.status));
      if (open.length === 0) return;
      const params = { order_id: input.externalId, order_item_id_list: `[${open.map((i) => i.order_item_id).join(',')}]` };
      const validated = dataOf(CancelTip, (await call('/order/reverse/cancel/validate', 'GET', params)).data, 'Daraz cancel/validate');
      const options = validated.reason_options ?? [];
      if (validated.tip_type === 'error' || options.length === 0) {
        throw new ChannelError(`Daraz refuses to cancel ${input.externalId}: ${validated.tip_content ?? 'no reason offered'}`, 'rejected');
      }
      // "Out of stock" makes Daraz zero the SKU, so it is only chosen when the reason says so.
      const reason = input.reason.toLowerCase();
      const chosen =
        options.find((o) => reason.includes(o.reason_name.toLowerCase()) || o.reason_name.toLowerCase().includes(reason)) ??
        options.find((o) => !/stock/i.test(o.reason_name)) ??
        options[0]!;
      await call('/order/reverse/cancel/create', 'GET', { ...params, reason_id: chosen.reason_id });
    },

    pushStock: ({ items }) => pushSkus(items.map((i) => ({ sku: i.sku, quantity: i.quantity }))),

    readStock: ({ skus }) => readSkus(skus),

    async pushPrices({ items }) {
      const wrong = items.filter((i) => i.price.currency !== venture.currency);
      const right = items.filter((i) => i.price.currency === venture.currency);
      const pushed = await pushSkus(right.map((i) => ({ sku: i.sku, price: money(i.price.amount, venture.currency).amount })));
      const refused = wrong.map((i) => ({ sku: i.sku, ok: false, error: `price in ${i.price.currency}, this venture sells in ${venture.currency}` }));
      return { results: [...pushed.results, ...refused], calls: pushed.calls };
    },
  };
}

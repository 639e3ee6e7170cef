import { randomBytes, randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { type z } from 'zod';
import {
  AdminCancel,
  AdminDeliver,
  AdminFaults,
  AdminOrderEdit,
  AdminOrderInput,
  AdminProduct,
  AdminRefund,
  CancelBody,
  InventoryBody,
  InventoryFeedFile,
  PriceBody,
  PriceFeedFile,
  RefundBody,
  ShipBody,
} from './schemas';
import { cents, countOf, type FeedItemResult, fromCents, type LineStatus, type Product, type RefundRequest, SimError, type SimOrder, WalmartStore } from './store';
import { type ApiGroup, type BucketLimit, DEFAULT_LIMITS, type TakeResult, Throttle } from './throttle';
import { WebhookSender } from './webhooks';
import { gatewayErrors, orderEvent, orderRecord } from './wire';

export interface WalmartSimulatorOptions {
  host?: string;
  port?: number;
  clientId?: string;
  clientSecret?: string;
  partnerId?: string;
  webhookUrl?: string;
  webhookAuth?: 'none' | 'hmac';
  /** HMAC key for notifications (authDetails.clientSecret); defaults to clientSecret. */
  webhookSecret?: string;
  webhookHeader?: string;
  digestEncoding?: 'base64' | 'hex';
  webhookRetryDelayMs?: number;
  products?: { sku: string; price: string | number; stock: number }[];
  rateLimits?: Partial<Record<ApiGroup, BucketLimit>>;
  /** How long a feed stays RECEIVED/INPROGRESS before its items apply. */
  feedProcessingMs?: number;
  tokenTtlSeconds?: number;
}

interface Faults {
  latencyMs: number;
  serverErrors: number;
  rateLimited: number;
}

const TOKEN_PATH = '/v3/token';
const DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}Z)?$/;

/** The bucket a call draws from; feed uploads draw from their feed type's bucket in the route instead. */
function routeGroup(method: string, path: string): ApiGroup | undefined {
  if (method === 'POST' && path === '/v3/feeds') return undefined;
  if (path === TOKEN_PATH || path.startsWith(`${TOKEN_PATH}/`)) return 'token';
  if (path.startsWith('/v3/orders')) return method === 'GET' ? 'orders' : 'orderUpdates';
  if (path.startsWith('/v3/inventory')) return 'inventory';
  if (path.startsWith('/v3/price')) return 'price';
  return 'feedStatus';
}

function parseDate(value: unknown, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || !DATE.test(value)) {
    throw new SimError(400, 'INVALID_REQUEST_PARAM.GMP_ORDER_API', `${name} must be yyyy-MM-dd or yyyy-MM-ddTHH:mm:ssZ`, name);
  }
  return Date.parse(value);
}

function parse<T extends z.ZodType>(schema: T, value: unknown, what: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.join('.') ?? '';
    throw new SimError(400, 'INVALID_REQUEST_CONTENT.GMP_API', `${what}: ${where ? `${where}: ` : ''}${issue?.message ?? 'invalid'}`, where);
  }
  return result.data;
}

/** Reads the `file` part of a multipart/form-data body. */
function multipartFile(body: Buffer, contentType: string): string {
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  if (!boundary) throw new SimError(400, 'INVALID_REQUEST_CONTENT.GMP_FEED_API', 'multipart boundary missing');
  for (const part of body.toString('utf8').split(`--${boundary}`)) {
    const split = part.indexOf('\r\n\r\n');
    if (split < 0) continue;
    const head = part.slice(0, split);
    if (!/name="file"/i.test(head)) continue;
    return part.slice(split + 4).replace(/\r\n$/, '');
  }
  throw new SimError(400, 'INVALID_REQUEST_CONTENT.GMP_FEED_API', 'multipart part "file" is missing', 'file');
}

export async function buildServer(options: WalmartSimulatorOptions) {
  const clientId = options.clientId ?? 'sim-client-id';
  const clientSecret = options.clientSecret ?? 'sim-client-secret';
  const partnerId = options.partnerId ?? '10000012345';
  const tokenTtl = options.tokenTtlSeconds ?? 900;
  const feedProcessingMs = options.feedProcessingMs ?? 0;
  const store = new WalmartStore(
    (options.products ?? [
      { sku: 'WM-SKU-1', price: '10.00', stock: 100 },
      { sku: 'WM-SKU-2', price: '20.00', stock: 100 },
      { sku: 'WM-SKU-3', price: '30.00', stock: 100 },
    ]).map((p) => ({ sku: p.sku, price: String(p.price), stock: p.stock })),
  );
  const throttle = new Throttle({ ...DEFAULT_LIMITS, ...options.rateLimits });
  const tokens = new Map<string, number>();
  const faults: Faults = { latencyMs: 0, serverErrors: 0, rateLimited: 0 };
  const webhooks = new WebhookSender({
    url: options.webhookUrl,
    auth: options.webhookAuth ?? 'hmac',
    secret: options.webhookSecret ?? clientSecret,
    digestEncoding: options.digestEncoding ?? 'base64',
    headerName: (options.webhookHeader ?? 'Authorization').toLowerCase(),
    retryDelayMs: options.webhookRetryDelayMs ?? 100,
  });

  const app: FastifyInstance = Fastify({ logger: false, bodyLimit: 10 * 1024 * 1024 });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  app.addContentTypeParser('multipart/form-data', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  const fail = (reply: FastifyReply, err: SimError) =>
    reply.code(err.status).send(gatewayErrors(err.code, err.message, err.field, err.status >= 500 ? 'SYSTEM' : err.status === 400 ? 'DATA' : 'REQUEST'));

  app.setErrorHandler((err, _req, reply) => {
    if (err instanceof SimError) return fail(reply, err);
    const { statusCode, message } = err as { statusCode?: number; message?: string };
    const status = statusCode ?? 500;
    return fail(reply, new SimError(status, status >= 500 ? 'SYSTEM_ERROR.GMP_GATEWAY_API' : 'INVALID_REQUEST.GMP_GATEWAY_API', message ?? 'error'));
  });

  // The gateway: headers, auth, faults and throttling, in that order, on every Walmart call.
  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    const path = req.url.split('?')[0] ?? '';
    if (!path.startsWith('/v3/')) return;
    if (faults.latencyMs > 0) await new Promise((r) => setTimeout(r, faults.latencyMs));
    for (const name of ['wm_svc.name', 'wm_qos.correlation_id']) {
      if (!req.headers[name]) throw new SimError(400, 'INVALID_REQUEST_HEADER.GMP_GATEWAY_API', `header ${name.toUpperCase()} is required`, name);
    }
    if (path !== TOKEN_PATH) {
      const token = req.headers['wm_sec.access_token'];
      const expires = typeof token === 'string' ? tokens.get(token) : undefined;
      if (!expires || expires < Date.now()) {
        throw new SimError(401, 'UNAUTHORIZED.GMP_GATEWAY_API', 'Unauthorized: WM_SEC.ACCESS_TOKEN is missing, invalid or expired', 'WM_SEC.ACCESS_TOKEN');
      }
    }
    if (faults.serverErrors > 0) {
      faults.serverErrors--;
      throw new SimError(500, 'SYSTEM_ERROR.GMP_GATEWAY_API', 'Internal server error (injected)');
    }
    if (faults.rateLimited > 0) {
      faults.rateLimited--;
      return spend(reply, { allowed: false, remaining: 0, nextReplenishment: Date.now() + 100 });
    }
    const group = routeGroup(req.method, path);
    if (group) spend(reply, throttle.take(group));
  });

  function spend(reply: FastifyReply, take: TakeResult): void {
    reply.header('x-current-token-count', String(take.remaining));
    reply.header('x-next-replenishment-time', String(take.nextReplenishment));
    if (!take.allowed) throw new SimError(429, 'REQUEST_THRESHOLD_VIOLATED.GMP_GATEWAY_API', 'Too Many Requests');
  }

  // ---- auth ----
  app.post(TOKEN_PATH, async (req, reply) => {
    const expected = `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
    if (req.headers.authorization !== expected) {
      throw new SimError(401, 'UNAUTHORIZED.GMP_GATEWAY_API', 'invalid client credentials', 'Authorization');
    }
    const body = (req.body ?? {}) as Record<string, string>;
    if (body.grant_type !== 'client_credentials') {
      throw new SimError(400, 'INVALID_REQUEST_CONTENT.GMP_GATEWAY_API', 'grant_type must be client_credentials', 'grant_type');
    }
    const token = randomBytes(24).toString('base64url');
    tokens.set(token, Date.now() + tokenTtl * 1000);
    return reply.send({ access_token: token, token_type: 'Bearer', expires_in: tokenTtl });
  });

  // ---- orders ----
  const listOrders = (query: Record<string, string | undefined>, releasedOnly: boolean) => {
    const limit = query.limit === undefined ? 100 : Number(query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 200) {
      throw new SimError(400, 'INVALID_REQUEST_PARAM.GMP_ORDER_API', 'limit must be an integer between 1 and 200', 'limit');
    }
    const status = query.status as LineStatus | undefined;
    if (status && !['Created', 'Acknowledged', 'Shipped', 'Delivered', 'Cancelled'].includes(status)) {
      throw new SimError(400, 'INVALID_REQUEST_PARAM.GMP_ORDER_API', `unknown status ${status}`, 'status');
    }
    const filter = {
      createdStart: parseDate(query.createdStartDate, 'createdStartDate'),
      createdEnd: parseDate(query.createdEndDate, 'createdEndDate'),
      modifiedStart: parseDate(query.lastModifiedStartDate, 'lastModifiedStartDate'),
      modifiedEnd: parseDate(query.lastModifiedEndDate, 'lastModifiedEndDate'),
      status: releasedOnly ? ('Created' as const) : status,
      sku: query.sku,
      purchaseOrderId: query.purchaseOrderId,
      customerOrderId: query.customerOrderId,
      shipNodeType: query.shipNodeType ?? 'SellerFulfilled',
    };
    const all = store.search(filter);
    const after = query.hasMoreElements === 'true' && query.poIndex ? query.poIndex : undefined;
    const rest = after ? store.search({ ...filter, afterPo: after }) : all;
    if (all.length > 20_000) throw new SimError(400, 'INVALID_REQUEST_PARAM.GMP_ORDER_API', 'more than 20,000 orders match; narrow the window');
    const page = rest.slice(0, limit);
    const meta: { totalCount: number; limit: number; nextCursor?: string } = { totalCount: all.length, limit };
    const last = page.at(-1);
    if (last && rest.length > page.length) {
      // A complete query string, to be appended to /v3/orders as is.
      const cursor = new URLSearchParams({
        limit: String(limit),
        hasMoreElements: 'true',
        soIndex: String(all.length - rest.length + page.length),
        poIndex: last.purchaseOrderId,
        partnerId,
      });
      for (const key of ['createdStartDate', 'createdEndDate', 'lastModifiedStartDate', 'lastModifiedEndDate', 'status', 'sku', 'shipNodeType']) {
        const value = query[key];
        if (value) cursor.set(key, value);
      }
      meta.nextCursor = `?${cursor.toString()}`;
    }
    return { list: { meta, elements: { order: page.map(orderRecord) } } };
  };

  app.get('/v3/orders', async (req) => listOrders(req.query as Record<string, string>, false));
  app.get('/v3/orders/released', async (req) => listOrders(req.query as Record<string, string>, true));
  app.get<{ Params: { po: string } }>('/v3/orders/:po', async (req) => ({ order: orderRecord(store.order(req.params.po)) }));

  app.post<{ Params: { po: string } }>('/v3/orders/:po/acknowledge', async (req) => {
    const order = store.order(req.params.po);
    if (order.shipNodeType === 'WFSFulfilled') {
      throw new SimError(400, 'INVALID_REQUEST_CONTENT.GMP_ORDER_API', 'Walmart-fulfilled orders cannot be acknowledged');
    }
    return { order: orderRecord(store.acknowledge(req.params.po)) };
  });

  app.post<{ Params: { po: string } }>('/v3/orders/:po/shipping', async (req) => {
    const body = parse(ShipBody, req.body, 'orderShipment');
    const lines = body.orderShipment.orderLines.orderLine.flatMap((l) =>
      l.orderLineStatuses.orderLineStatus.map((s) => ({
        lineNumber: l.lineNumber,
        sellerOrderId: l.sellerOrderId,
        quantity: Number(s.statusQuantity.amount),
        tracking: {
          shipDateTime: s.trackingInfo.shipDateTime,
          carrier: s.trackingInfo.carrierName.carrier,
          otherCarrier: s.trackingInfo.carrierName.otherCarrier,
          methodCode: s.trackingInfo.methodCode,
          trackingNumber: s.trackingInfo.trackingNumber,
          trackingURL: s.trackingInfo.trackingURL,
        },
      })),
    );
    for (const l of lines) {
      if (l.tracking.otherCarrier && !l.tracking.trackingURL) {
        throw new SimError(400, 'INVALID_REQUEST_CONTENT.GMP_ORDER_API', 'trackingURL is mandatory with otherCarrier', 'trackingURL');
      }
    }
    return { order: orderRecord(store.ship(req.params.po, lines)) };
  });

  app.post<{ Params: { po: string } }>('/v3/orders/:po/cancel', async (req) => {
    const body = parse(CancelBody, req.body, 'orderCancellation');
    const lines = body.orderCancellation.orderLines.orderLine.flatMap((l) =>
      l.orderLineStatuses.orderLineStatus.map((s) => ({ lineNumber: l.lineNumber, quantity: Number(s.statusQuantity.amount), reason: s.cancellationReason })),
    );
    return { order: orderRecord(store.cancel(req.params.po, lines)) };
  });

  app.post<{ Params: { po: string } }>('/v3/orders/:po/refund', async (req) => {
    const body = parse(RefundBody, req.body, 'orderRefund');
    const requested = body.orderRefund.orderLines.orderLine;
    if (new Set(requested.map((l) => Boolean(l.isFullRefund))).size > 1) {
      throw new SimError(400, 'INVALID_REQUEST_CONTENT.GMP_ORDER_API', 'all order lines must be either full or partial refunds', 'isFullRefund');
    }
    const order = store.order(req.params.po);
    for (const l of requested) {
      const line = order.lines.find((x) => x.lineNumber === l.lineNumber);
      if (line && countOf(line, 'Shipped') + countOf(line, 'Delivered') + countOf(line, 'Refund') === 0) {
        throw new SimError(400, 'INVALID_REQUEST_CONTENT.GMP_ORDER_API', `line ${l.lineNumber} has not shipped; cancel it instead of refunding`, 'lineNumber');
      }
    }
    const decimal = (n: number) => String(Math.abs(n));
    const lines = requested.flatMap((l): RefundRequest[] => {
      const first = l.refunds.refund[0]!;
      const reason = first.refundCharges.refundCharge[0]!.refundReason;
      if (l.isFullRefund) {
        // The whole line: item price and tax for every unit not cancelled, plus its shipping and the shipping's tax.
        const line = order.lines.find((x) => x.lineNumber === l.lineNumber);
        if (!line) throw new SimError(400, 'INVALID_REQUEST_CONTENT.GMP_ORDER_API', `line ${l.lineNumber} does not exist on PO ${order.purchaseOrderId}`, 'lineNumber');
        if (line.refunds.length > 0) throw new SimError(400, 'INVALID_REQUEST_CONTENT.GMP_ORDER_API', `line ${l.lineNumber} was already refunded in part`, 'isFullRefund');
        const units = line.quantity - countOf(line, 'Cancelled');
        const times = (amount: string) => fromCents(cents(amount) * BigInt(units));
        return [
          { lineNumber: l.lineNumber, amount: times(line.unitPrice), ...(line.unitTax ? { tax: times(line.unitTax) } : {}), chargeType: 'PRODUCT', reason, comments: first.refundComments, quantity: countOf(line, 'Shipped') + countOf(line, 'Delivered') },
          ...(line.shipping ? [{ lineNumber: l.lineNumber, amount: line.shipping, ...(line.shippingTax ? { tax: line.shippingTax } : {}), chargeType: 'SHIPPING' as const, reason, comments: first.refundComments }] : []),
        ];
      }
      return l.refunds.refund.flatMap((r) =>
        r.refundCharges.refundCharge.map((c) => ({
          lineNumber: l.lineNumber,
          amount: decimal(c.charge.chargeAmount.amount),
          ...(c.charge.tax ? { tax: decimal(c.charge.tax.taxAmount.amount) } : {}),
          chargeType: c.charge.chargeType,
          reason: c.refundReason,
          comments: r.refundComments,
        })),
      );
    });
    return { order: orderRecord(store.refund(req.params.po, lines)) };
  });

  // ---- inventory and price ----
  const settleFeeds = () => {
    const now = Date.now();
    for (const feed of store.feeds.values()) {
      if (feed.readyAt > now || feed.applied) continue;
      feed.applied = true;
      feed.apply();
    }
  };

  app.get('/v3/inventory', async (req) => {
    settleFeeds();
    const sku = (req.query as Record<string, string | undefined>).sku;
    if (!sku) throw new SimError(400, 'INVALID_REQUEST_PARAM.GMP_INVENTORY_API', 'sku is required', 'sku');
    return { sku, quantity: { unit: 'EACH', amount: store.product(sku).stock } };
  });

  app.put('/v3/inventory', async (req) => {
    const sku = (req.query as Record<string, string | undefined>).sku;
    if (!sku) throw new SimError(400, 'INVALID_REQUEST_PARAM.GMP_INVENTORY_API', 'sku is required', 'sku');
    const body = parse(InventoryBody, req.body, 'inventory');
    if (body.sku !== sku) throw new SimError(400, 'INVALID_REQUEST_CONTENT.GMP_INVENTORY_API', 'body sku does not match the sku parameter', 'sku');
    const error = stockError(body.quantity.amount);
    if (error) throw new SimError(400, 'INVALID_REQUEST_CONTENT.GMP_INVENTORY_API', error, 'quantity.amount');
    store.product(sku).stock = body.quantity.amount;
    return body;
  });

  app.put('/v3/price', async (req) => {
    const body = parse(PriceBody, req.body, 'price');
    const error = priceError(body.pricing);
    if (error) throw new SimError(400, 'INVALID_REQUEST_CONTENT.GMP_PRICE_API', error, 'pricing');
    const product = store.product(body.sku);
    product.price = String(body.pricing[0]!.currentPrice.amount);
    return {
      statusCode: 200,
      mart: 'WALMART_US',
      sku: body.sku,
      message: 'Thank you. Your price has been updated. Please allow up to five minutes for this change to be reflected on the site.',
    };
  });

  // ---- bulk feeds ----
  app.post('/v3/feeds', async (req, reply) => {
    const feedType = (req.query as Record<string, string | undefined>).feedType;
    if (feedType !== 'inventory' && feedType !== 'price') {
      throw new SimError(400, 'INVALID_REQUEST_PARAM.GMP_FEED_API', 'feedType must be inventory or price in this simulator', 'feedType');
    }
    spend(reply, throttle.take(feedType === 'inventory' ? 'inventoryFeed' : 'priceFeed'));
    if (!Buffer.isBuffer(req.body)) throw new SimError(400, 'INVALID_REQUEST_CONTENT.GMP_FEED_API', 'feeds are uploaded as multipart/form-data');
    let file: unknown;
    try {
      file = JSON.parse(multipartFile(req.body, req.headers['content-type'] ?? ''));
    } catch (err) {
      if (err instanceof SimError) throw err;
      throw new SimError(400, 'INVALID_REQUEST_CONTENT.GMP_FEED_API', 'feed file is not JSON', 'file');
    }
    const items = feedType === 'inventory' ? inventoryFeedItems(parse(InventoryFeedFile, file, 'inventory feed').Inventory) : priceFeedItems(parse(PriceFeedFile, file, 'price feed').Price);
    const feedId = `${randomUUID().replace(/-/g, '').toUpperCase()}@AQMBAQA`;
    const now = Date.now();
    store.feeds.set(feedId, { feedId, feedType, submittedAt: now, readyAt: now + feedProcessingMs, items: items.map((i) => i.result), applied: false, apply: () => items.forEach((i) => i.apply?.()) });
    settleFeeds();
    return { feedId };
  });

  app.get<{ Params: { feedId: string } }>('/v3/feeds/:feedId', async (req) => {
    settleFeeds();
    const feed = store.feeds.get(req.params.feedId);
    if (!feed) throw new SimError(404, 'CONTENT_NOT_FOUND.GMP_FEED_API', `feed ${req.params.feedId} not found`, 'feedId');
    const query = req.query as Record<string, string | undefined>;
    const offset = Number(query.offset ?? 0);
    const limit = Math.min(Number(query.limit ?? 50), 1000);
    const done = feed.applied;
    const succeeded = feed.items.filter((i) => i.ok).length;
    return {
      feedId: feed.feedId,
      feedStatus: done ? 'PROCESSED' : Date.now() - feed.submittedAt < feedProcessingMs / 2 ? 'RECEIVED' : 'INPROGRESS',
      itemsReceived: feed.items.length,
      itemsSucceeded: done ? succeeded : 0,
      itemsFailed: done ? feed.items.length - succeeded : 0,
      itemsProcessing: done ? 0 : feed.items.length,
      offset,
      limit,
      ...(query.includeDetails === 'true'
        ? {
            itemDetails: {
              itemIngestionStatus: feed.items.slice(offset, offset + limit).map((i) => ({
                martId: 0,
                sku: i.sku,
                index: i.index,
                ingestionStatus: !done ? 'INPROGRESS' : i.ok ? 'SUCCESS' : 'DATA_ERROR',
                ...(done && !i.ok
                  ? { ingestionErrors: { ingestionError: [{ type: 'DATA_ERROR', code: i.errorCode ?? 'ERR_EXT_DATA_0000', description: i.errorText ?? '' }] } }
                  : {}),
              })),
            },
          }
        : {}),
    };
  });

  /** Validates each feed row; `accept` returns an error text or the change to apply once processed. */
  function feedItems<T extends z.ZodType>(rows: unknown[], schema: T, errorCode: string, accept: (row: z.infer<T>, product: Product) => string | (() => void)) {
    return rows.map((row, index): { result: FeedItemResult; apply?: () => void } => {
      const sku = typeof (row as { sku?: unknown })?.sku === 'string' ? (row as { sku: string }).sku : '';
      const bad = (errorText: string) => ({ result: { sku, index, ok: false, errorCode, errorText } });
      const parsed = schema.safeParse(row);
      if (!parsed.success) return bad('item does not match the feed schema');
      const product = store.products.get(sku);
      if (!product) return bad(`SKU ${sku} is not set up for this seller`);
      const outcome = accept(parsed.data, product);
      return typeof outcome === 'string' ? bad(outcome) : { result: { sku, index, ok: true }, apply: outcome };
    });
  }

  const inventoryFeedItems = (rows: unknown[]) =>
    feedItems(rows, InventoryBody, 'ERR_EXT_DATA_0101', (row, product) => stockError(row.quantity.amount) ?? (() => (product.stock = row.quantity.amount)));

  const priceFeedItems = (rows: unknown[]) =>
    feedItems(rows, PriceBody, 'ERR_EXT_DATA_0201', (row, product) => priceError(row.pricing) ?? (() => (product.price = String(row.pricing[0]!.currentPrice.amount))));

  // ---- admin ----
  const emit = (eventType: string, order: SimOrder, lineNumbers?: string[]) =>
    webhooks.send(orderEvent({ eventType, eventId: randomUUID(), partnerId, order, lineNumbers }));

  app.post('/_admin/orders', async (req) => {
    const input = parse(AdminOrderInput, req.body, 'order');
    for (const line of input.lines) store.product(line.sku);
    const order = store.createOrder(input);
    emit('PO_CREATED', order);
    return { order: orderRecord(order) };
  });

  app.patch<{ Params: { po: string } }>('/_admin/orders/:po', async (req) => {
    const edit = parse(AdminOrderEdit, req.body, 'edit');
    const order = store.order(req.params.po);
    if (edit.address) order.address = { ...order.address, ...edit.address };
    if (edit.phone) order.phone = edit.phone;
    if (edit.methodCode) order.methodCode = edit.methodCode;
    order.lastModified = Math.max(Date.now(), order.lastModified + 1);
    return { order: orderRecord(order) };
  });

  app.post<{ Params: { po: string } }>('/_admin/orders/:po/cancel', async (req) => {
    const input = parse(AdminCancel, req.body ?? {}, 'cancel');
    const order = store.order(req.params.po);
    const lines = order.lines
      .filter((l) => !input.lineNumbers || input.lineNumbers.includes(l.lineNumber))
      .map((l) => ({ lineNumber: l.lineNumber, quantity: countOf(l, 'Created') + countOf(l, 'Acknowledged'), reason: input.reason }))
      .filter((l) => l.quantity > 0);
    store.cancel(order.purchaseOrderId, lines);
    emit('PO_LINE_AUTOCANCELLED', order, lines.map((l) => l.lineNumber));
    return { order: orderRecord(order) };
  });

  app.post<{ Params: { po: string } }>('/_admin/orders/:po/refund', async (req) => {
    const input = parse(AdminRefund, req.body, 'refund');
    return { order: orderRecord(store.refund(req.params.po, input.lines)) };
  });

  app.post<{ Params: { po: string } }>('/_admin/orders/:po/deliver', async (req) => {
    const input = parse(AdminDeliver, req.body ?? {}, 'deliver');
    return { order: orderRecord(store.deliver(req.params.po, input.lineNumbers)) };
  });

  app.get<{ Params: { po: string } }>('/_admin/orders/:po', async (req) => ({ order: orderRecord(store.order(req.params.po)) }));
  app.get<{ Params: { po: string } }>('/_admin/orders/:po/shipments', async (req) => {
    store.order(req.params.po);
    return { shipments: store.shipments.filter((s) => s.purchaseOrderId === req.params.po) };
  });

  app.put('/_admin/products', async (req) => {
    const input = parse(AdminProduct, req.body, 'product');
    store.products.set(input.sku, { sku: input.sku, price: input.price, stock: input.stock });
    return { ok: true };
  });
  app.get<{ Params: { sku: string } }>('/_admin/products/:sku', async (req) => {
    settleFeeds();
    return store.product(req.params.sku);
  });

  app.get('/_admin/feeds', async () => {
    settleFeeds();
    return { feeds: [...store.feeds.values()].map((f) => ({ feedId: f.feedId, feedType: f.feedType, items: f.items, processed: f.applied })) };
  });
  app.get('/_admin/webhooks', async () => ({ deliveries: webhooks.log }));

  app.post('/_admin/faults', async (req) => {
    const input = parse(AdminFaults, req.body ?? {}, 'faults');
    if (input.reset) Object.assign(faults, { latencyMs: 0, serverErrors: 0, rateLimited: 0 });
    if (input.latencyMs !== undefined) faults.latencyMs = input.latencyMs;
    if (input.serverErrors !== undefined) faults.serverErrors = input.serverErrors;
    if (input.rateLimited !== undefined) faults.rateLimited = input.rateLimited;
    if (input.dropWebhooks !== undefined || input.reset) webhooks.drop(input.dropWebhooks ?? 0);
    if (input.expireTokens) tokens.clear();
    return { faults };
  });

  app.addHook('onClose', async () => {
    await webhooks.close();
  });

  return { app, credentials: { clientId, clientSecret, partnerId, webhookSecret: options.webhookSecret ?? clientSecret } };
}

function stockError(amount: number): string | undefined {
  return Number.isInteger(amount) && amount >= 0 ? undefined : 'quantity.amount must be a whole number >= 0';
}

function priceError(pricing: { currentPrice: { currency: string; amount: number } }[]): string | undefined {
  const price = pricing[0]!.currentPrice;
  if (!['USD', 'CAD'].includes(price.currency)) return `currency ${price.currency} is not supported`;
  if (!(price.amount > 0)) return 'currentPrice.amount must be greater than 0';
  if (Math.round(price.amount * 100) / 100 !== price.amount) return 'currentPrice.amount has more than 2 decimal places';
  return undefined;
}

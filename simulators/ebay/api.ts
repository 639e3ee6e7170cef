import { timingSafeEqual } from 'node:crypto';
import { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AMOUNT, toCents } from './decimal';
import { errorBody, INVALID_TOKEN, requestError, systemError, THROTTLED, type EbayDomain } from './errors';
import { parseOrderFilter } from './filter';
import { type Notifier } from './notifier';
import { fulfillmentHref, renderFulfillment, renderInventoryItem, renderOffer, renderOrder } from './render';
import { digits, issueRefund, newToken, orderFulfillmentStatus, type EbayStore, type SimOrder } from './store';

// The vendor-facing routes: OAuth token, Sell Fulfillment, Sell Inventory, Notification public keys.

export interface ApiContext {
  store: EbayStore;
  notifier: Notifier;
  credentials: { clientId: string; clientSecret: string; refreshToken: string };
  baseUrl: () => string;
}

const TOKEN_TTL_S = 7200;
const DAY = 86_400_000;
const FULFILLMENT = '/sell/fulfillment/v1';
const INVENTORY = '/sell/inventory/v1';
const NOTIFICATION = '/commerce/notification/v1';

type Api = { quota: string; domain: EbayDomain };
const APIS: Record<string, Api> = {
  [FULFILLMENT]: { quota: 'sell.fulfillment', domain: 'API_FULFILLMENT' },
  [INVENTORY]: { quota: 'sell.inventory', domain: 'API_INVENTORY' },
  [NOTIFICATION]: { quota: 'commerce.notification', domain: 'API_NOTIFICATION' },
};

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function registerApi(app: FastifyInstance, ctx: ApiContext): void {
  const { store } = ctx;

  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });

  app.post('/identity/v1/oauth2/token', async (req, reply) => {
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const expected = Buffer.from(`${ctx.credentials.clientId}:${ctx.credentials.clientSecret}`).toString('base64');
    if (!basic || !sameText(basic, expected)) {
      return reply.code(401).send({ error: 'invalid_client', error_description: 'client authentication failed' });
    }
    const form = (req.body ?? {}) as Record<string, string>;
    if (form.grant_type === 'refresh_token') {
      if (!form.refresh_token || !sameText(form.refresh_token, ctx.credentials.refreshToken)) {
        return reply.code(400).send({
          error: 'invalid_grant',
          error_description: 'the provided authorization refresh token is invalid or was issued to another client',
        });
      }
      const token = newToken('v^1.1#i^1#r^1#');
      store.tokens.set(token, { expiresAt: Date.now() + TOKEN_TTL_S * 1000, kind: 'user' });
      store.tokensIssued++;
      return { access_token: token, expires_in: TOKEN_TTL_S, token_type: 'User Access Token' };
    }
    if (form.grant_type === 'client_credentials') {
      const token = newToken('v^1.1#i^1#p^1#');
      store.tokens.set(token, { expiresAt: Date.now() + TOKEN_TTL_S * 1000, kind: 'application' });
      store.tokensIssued++;
      return { access_token: token, expires_in: TOKEN_TTL_S, token_type: 'Application Access Token' };
    }
    return reply.code(400).send({ error: 'unsupported_grant_type', error_description: 'grant type in request is not supported by the authorization server' });
  });

  // Faults, bearer check and daily quota, in the order a gateway would apply them.
  app.addHook('preHandler', async (req: FastifyRequest, reply: FastifyReply) => {
    const prefix = Object.keys(APIS).find((p) => req.url.startsWith(`${p}/`));
    if (!prefix) return;
    const api = APIS[prefix]!;
    if (store.faults.latencyMs > 0) await new Promise((r) => setTimeout(r, store.faults.latencyMs));
    if (store.faults.rateLimits > 0) {
      store.faults.rateLimits--;
      return reply.code(429).send(THROTTLED);
    }
    if (store.faults.serverErrors > 0) {
      store.faults.serverErrors--;
      return reply.code(500).send(systemError(api.domain));
    }
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const grant = token ? store.tokens.get(token) : undefined;
    const sellApi = prefix !== NOTIFICATION;
    if (!grant || grant.expiresAt <= Date.now() || (sellApi && grant.kind !== 'user')) {
      return reply.code(401).send(INVALID_TOKEN);
    }
    if (!store.takeQuota(api.quota)) return reply.code(429).send(THROTTLED);
  });

  registerFulfillment(app, ctx);
  registerInventory(app, ctx);

  app.get<{ Params: { kid: string } }>(`${NOTIFICATION}/public_key/:kid`, async (req, reply) => {
    const key = ctx.notifier.keys.find((k) => k.kid === req.params.kid);
    if (!key) return reply.code(404).send(errorBody(requestError('API_NOTIFICATION', 195001, 'The specified key id is invalid.')));
    return { algorithm: 'ECDSA', digest: 'SHA1', key: key.publicPem };
  });
}

const ShippingFulfillmentDetails = z.object({
  lineItems: z.array(z.object({ lineItemId: z.string(), quantity: z.number().int() })).min(1),
  shippedDate: z.string().optional(),
  shippingCarrierCode: z.string().optional(),
  trackingNumber: z.string().optional(),
});

function registerFulfillment(app: FastifyInstance, ctx: ApiContext): void {
  const { store } = ctx;
  const bad = (reply: FastifyReply, errorId: number, message: string, code = 400) =>
    reply.code(code).send(errorBody(requestError('API_FULFILLMENT', errorId, message)));
  const findOrder = (id: string): SimOrder | undefined => store.orders.get(id);

  app.get<{ Querystring: Record<string, string | undefined> }>(`${FULFILLMENT}/order`, async (req, reply) => {
    const q = req.query;
    const limit = q.limit === undefined ? 50 : Number(q.limit);
    const offset = q.offset === undefined ? 0 : Number(q.offset);
    if (!Number.isInteger(limit) || limit < 1 || limit > 200) return bad(reply, 31100, `Invalid limit: ${q.limit}`);
    if (!Number.isInteger(offset) || offset < 0) return bad(reply, 31000, `Invalid offset: ${q.offset}`);
    if (q.fieldGroups && q.fieldGroups !== 'TAX_BREAKDOWN') return bad(reply, 32800, `Invalid field group: ${q.fieldGroups}`);
    const now = Date.now();
    let matches: SimOrder[];
    if (q.orderIds) {
      // orderIds overrides every other filter.
      const ids = q.orderIds.split(',').map((s) => s.trim()).filter(Boolean);
      if (ids.length > 50) return bad(reply, 30900, 'Exceeded maximum number of order IDs (the current limit is 50)');
      matches = ids.map(findOrder).filter((o): o is SimOrder => o !== undefined);
    } else {
      const parsed = parseOrderFilter(q.filter, now);
      if (!parsed.ok) return bad(reply, parsed.errorId, parsed.message);
      const f = parsed.filter;
      const noDates = f.creationFrom === undefined && f.modifiedFrom === undefined;
      matches = [...store.orders.values()].filter((o) => {
        const created = Date.parse(o.creationDate);
        const modified = Date.parse(o.lastModifiedDate);
        if (created < now - 730 * DAY) return false;
        if (noDates && created < now - 90 * DAY) return false;
        if (f.creationFrom !== undefined && (created < f.creationFrom || (f.creationTo !== undefined && created > f.creationTo))) return false;
        if (f.modifiedFrom !== undefined && (modified < f.modifiedFrom || (f.modifiedTo !== undefined && modified > f.modifiedTo))) return false;
        if (f.fulfillmentStatuses && !f.fulfillmentStatuses.includes(orderFulfillmentStatus(o))) return false;
        return true;
      });
      // Newest first, as eBay returns them; ties broken by id so paging is stable.
      matches.sort((a, b) => b.creationDate.localeCompare(a.creationDate) || a.orderId.localeCompare(b.orderId));
    }
    const base = ctx.baseUrl();
    const page = matches.slice(offset, offset + limit);
    const link = (at: number) => {
      const params = new URLSearchParams();
      if (q.filter) params.set('filter', q.filter);
      if (q.orderIds) params.set('orderIds', q.orderIds);
      params.set('limit', String(limit));
      params.set('offset', String(at));
      return `${base}${FULFILLMENT}/order?${params.toString()}`;
    };
    return {
      href: link(offset),
      total: matches.length,
      limit,
      offset,
      ...(offset + limit < matches.length ? { next: link(offset + limit) } : {}),
      ...(offset > 0 ? { prev: link(Math.max(0, offset - limit)) } : {}),
      orders: page.map((o) => renderOrder(o, base, false, now)),
      warnings: [],
    };
  });

  app.get<{ Params: { orderId: string } }>(`${FULFILLMENT}/order/:orderId`, async (req, reply) => {
    const order = findOrder(req.params.orderId);
    if (!order) return bad(reply, 32100, `Invalid order ID: ${req.params.orderId}`, 404);
    return renderOrder(order, ctx.baseUrl(), true);
  });

  app.get<{ Params: { orderId: string } }>(`${FULFILLMENT}/order/:orderId/shipping_fulfillment`, async (req, reply) => {
    const order = findOrder(req.params.orderId);
    if (!order) return bad(reply, 32100, `Invalid order ID: ${req.params.orderId}`);
    return { fulfillments: order.fulfillments.map(renderFulfillment), total: order.fulfillments.length, warnings: [] };
  });

  app.get<{ Params: { orderId: string; fulfillmentId: string } }>(
    `${FULFILLMENT}/order/:orderId/shipping_fulfillment/:fulfillmentId`,
    async (req, reply) => {
      const order = findOrder(req.params.orderId);
      if (!order) return bad(reply, 32100, `Invalid order ID: ${req.params.orderId}`);
      const found = order.fulfillments.find((f) => f.fulfillmentId === req.params.fulfillmentId);
      if (!found) return reply.code(404).send(errorBody(requestError('API_FULFILLMENT', 32100, 'Fulfillment not found')));
      return renderFulfillment(found);
    },
  );

  app.post<{ Params: { orderId: string } }>(`${FULFILLMENT}/order/:orderId/shipping_fulfillment`, async (req, reply) => {
    const order = findOrder(req.params.orderId);
    if (!order) return bad(reply, 32100, `Invalid Order Id: ${req.params.orderId}`);
    const parsed = ShippingFulfillmentDetails.safeParse(req.body);
    if (!parsed.success) return bad(reply, 32600, 'Invalid input data');
    const body = parsed.data;
    if (order.cancelState === 'CANCELED') return reply.code(409).send(errorBody(requestError('API_FULFILLMENT', 32600, 'Order is cancelled')));
    if (!body.trackingNumber || !body.shippingCarrierCode || !/^[A-Za-z0-9]+$/.test(body.trackingNumber)) {
      return bad(reply, 32300, 'Invalid shipment tracking number or carrier');
    }
    const ids = body.lineItems.map((l) => l.lineItemId);
    if (new Set(ids).size !== ids.length) return bad(reply, 32210, 'Duplicate line item in the request');
    for (const ref of body.lineItems) {
      const line = order.lines.find((l) => l.lineItemId === ref.lineItemId);
      if (!line) return bad(reply, 32200, `Invalid line item id: ${ref.lineItemId}`);
      if (ref.quantity < 1 || line.shippedQuantity + ref.quantity > line.quantity) return bad(reply, 32600, 'Invalid input data');
    }
    const shippedDate = body.shippedDate ?? new Date().toISOString();
    if (Number.isNaN(Date.parse(shippedDate)) || Date.parse(shippedDate) < Date.parse(order.creationDate) - 60_000) {
      return bad(reply, 32500, 'Invalid shipped date');
    }
    for (const ref of body.lineItems) order.lines.find((l) => l.lineItemId === ref.lineItemId)!.shippedQuantity += ref.quantity;
    const fulfillment = {
      fulfillmentId: digits(22),
      shippedDate,
      shippingCarrierCode: body.shippingCarrierCode,
      trackingNumber: body.trackingNumber,
      lineItems: body.lineItems.map((l) => ({ lineItemId: l.lineItemId, quantity: l.quantity })),
    };
    order.fulfillments.push(fulfillment);
    store.touch(order);
    for (const ref of body.lineItems) {
      ctx.notifier.publish({ topic: 'ITEM_MARKED_SHIPPED', orderId: order.orderId, data: { orderId: order.orderId, lineItemId: ref.lineItemId } });
    }
    return reply
      .code(201)
      .header('location', fulfillmentHref(ctx.baseUrl(), order.orderId, fulfillment.fulfillmentId))
      .send();
  });

  // issueRefund: eBay processes it asynchronously and answers PENDING; the simulator settles it at once, so
  // the next getOrder shows it (line-level under lineItems[].refunds, order-level in paymentSummary.refunds).
  app.post<{ Params: { orderId: string } }>(`${FULFILLMENT}/order/:orderId/issue_refund`, async (req, reply) => {
    const order = findOrder(req.params.orderId);
    if (!order) return bad(reply, 34913, 'Can not find the order.', 404);
    const parsed = IssueRefundRequest.safeParse(req.body);
    if (!parsed.success || req.body === undefined || req.body === null) return bad(reply, 34902, "Request can't be empty.");
    const body = parsed.data;
    if (!body.reasonForRefund) return bad(reply, 34903, 'The refund reason must be specified.');
    if (body.comment && body.comment.length > 1000) return bad(reply, 34921, "The comment exceeds the length limit, please make sure it doesn't exceed 1000 characters.");
    const items = body.refundItems ?? [];
    if (items.length === 0 && !body.orderLevelRefundAmount) return bad(reply, 34905, 'Either orderLevelRefundAmount or refundItems must be specified.');
    const amounts = [...items.map((i) => i.refundAmount), ...(items.length === 0 ? [body.orderLevelRefundAmount] : [])];
    for (const a of amounts) {
      if (!a?.value) return bad(reply, 34906, 'The amount value must be specified.');
      if (!AMOUNT.test(a.value) || toCents(a.value) <= 0n) return bad(reply, 34907, 'The amount value must be positive and within two decimals.');
      if (!a.currency) return bad(reply, 34908, 'The amount currency must be specified.');
      if (a.currency !== order.currency) return bad(reply, 34909, "The amount currency isn't correct.");
    }
    if (items.some((i) => !i.lineItemId)) return bad(reply, 34910, 'Either legacyReference or lineItemId must be specified for item level refund.');
    if (order.paymentStatus === 'PENDING' || order.paymentStatus === 'FAILED') {
      return bad(reply, 34929, 'You cannot refund this order yet since the buyer payment has not been processed. Please try again later.', 409);
    }
    const refund = issueRefund(store, order, {
      ...(items.length > 0
        ? { lines: items.map((i) => ({ lineItemId: i.lineItemId!, amount: i.refundAmount!.value! })) }
        : { amount: body.orderLevelRefundAmount!.value! }),
      reason: body.reasonForRefund,
      ...(body.comment ? { comment: body.comment } : {}),
    });
    if ('errorId' in refund) return bad(reply, refund.errorId, refund.message, refund.status);
    return { refundId: refund.refundId, refundStatus: 'PENDING' };
  });
}

const SimpleAmount = z.object({ value: z.string().optional(), currency: z.string().optional() });
const IssueRefundRequest = z.object({
  reasonForRefund: z.string().optional(),
  comment: z.string().optional(),
  refundItems: z.array(z.object({ refundAmount: SimpleAmount.optional(), lineItemId: z.string().optional(), legacyReference: z.unknown().optional() })).optional(),
  orderLevelRefundAmount: SimpleAmount.optional(),
});

const BulkPriceQuantity = z.object({
  requests: z.array(
    z.object({
      sku: z.string().min(1),
      shipToLocationAvailability: z
        .object({
          quantity: z.number().int().optional(),
          availabilityDistributions: z.array(z.object({ merchantLocationKey: z.string(), quantity: z.number().int() })).optional(),
        })
        .optional(),
      offers: z
        .array(
          z.object({
            offerId: z.string().min(1),
            availableQuantity: z.number().int().optional(),
            price: z.object({ value: z.string(), currency: z.string() }).optional(),
          }),
        )
        .optional(),
    }),
  ),
});

const BulkGetInventoryItem = z.object({ requests: z.array(z.object({ sku: z.string().min(1).max(50) })) });

function registerInventory(app: FastifyInstance, ctx: ApiContext): void {
  const { store } = ctx;
  const err = (errorId: number, message: string) => requestError('API_INVENTORY', errorId, message);

  app.post(`${INVENTORY}/bulk_update_price_quantity`, async (req, reply) => {
    const parsed = BulkPriceQuantity.safeParse(req.body);
    if (!parsed.success) return reply.code(400).send(errorBody(err(25709, 'Invalid value for requests.')));
    const { requests } = parsed.data;
    const offerCount = requests.reduce((n, r) => n + (r.offers?.length ?? 0), 0);
    if (requests.length === 0 || requests.length > 25 || offerCount > 25) {
      return reply.code(400).send(errorBody(err(25709, 'Invalid value for requests. Between 1 and 25 requests and offers are allowed.')));
    }
    const responses: Record<string, unknown>[] = [];
    for (const r of requests) {
      const product = store.products.get(r.sku);
      const fail = (offerId: string | undefined, ...errors: ReturnType<typeof err>[]) =>
        responses.push({ statusCode: 400, sku: r.sku, ...(offerId ? { offerId } : {}), errors, warnings: [] });
      if (!product) {
        fail(undefined, err(25702, `SKU ${r.sku} could not be found or is not available in the system.`));
        continue;
      }
      if (!r.shipToLocationAvailability && !r.offers?.length) {
        fail(undefined, err(25002, 'Any User error. Each request needs shipToLocationAvailability or offers.'));
        continue;
      }
      if (!store.takeRevision(r.sku)) {
        fail(undefined, err(25002, 'Any User error. This listing reached its limit of 250 revisions for the day.'));
        continue;
      }
      const availability = r.shipToLocationAvailability;
      if (availability) {
        const quantity = availability.quantity ?? availability.availabilityDistributions?.reduce((n, d) => n + d.quantity, 0);
        if (quantity === undefined || quantity < 0) {
          fail(undefined, err(25709, 'Invalid value for shipToLocationAvailability.quantity.'));
        } else {
          product.quantity = quantity;
          responses.push({ statusCode: 200, sku: r.sku, errors: [], warnings: [] });
        }
      }
      for (const offer of r.offers ?? []) {
        if (offer.offerId !== product.offerId) {
          fail(offer.offerId, err(25709, `Invalid value for offerId. Offer ${offer.offerId} does not belong to SKU ${r.sku}.`));
        } else if (product.offerStatus !== 'PUBLISHED') {
          fail(offer.offerId, err(25002, 'Any User error. Only published offers can be updated.'));
        } else if (offer.price === undefined && offer.availableQuantity === undefined) {
          fail(offer.offerId, err(25002, 'Any User error. An offer needs availableQuantity or price.'));
        } else if (offer.price && (!AMOUNT.test(offer.price.value) || offer.price.currency !== product.currency || toCents(offer.price.value) <= 0n)) {
          fail(offer.offerId, err(25709, 'Invalid value for price.'));
        } else if (offer.availableQuantity !== undefined && offer.availableQuantity < 0) {
          fail(offer.offerId, err(25709, 'Invalid value for availableQuantity.'));
        } else {
          if (offer.price) product.price = offer.price.value;
          if (offer.availableQuantity !== undefined) product.quantity = offer.availableQuantity;
          responses.push({ statusCode: 200, sku: r.sku, offerId: offer.offerId, errors: [], warnings: [] });
        }
      }
    }
    const allOk = responses.every((r) => r.statusCode === 200);
    return reply.code(allOk ? 200 : 207).send({ responses });
  });

  app.post(`${INVENTORY}/bulk_get_inventory_item`, async (req, reply) => {
    if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) {
      return reply.code(400).send(errorBody(err(25709, 'Invalid value for Content-Type.')));
    }
    const parsed = BulkGetInventoryItem.safeParse(req.body);
    if (!parsed.success) return reply.code(400).send(errorBody(err(25709, 'Invalid value for requests.')));
    const skus = parsed.data.requests.map((r) => r.sku);
    if (skus.length === 0 || skus.length > 25) {
      return reply.code(400).send(errorBody(err(25727, 'The number of InventoryItems in the request cannot exceed 25.')));
    }
    if (new Set(skus).size !== skus.length) return reply.code(400).send(errorBody(err(25734, 'SKU should be unique in the request.')));
    const responses = skus.map((sku) => {
      const product = store.products.get(sku);
      return product
        ? { statusCode: 200, sku, inventoryItem: renderInventoryItem(product), errors: [], warnings: [] }
        : { statusCode: 400, sku, errors: [err(25702, `SKU ${sku} is not available in the system`)], warnings: [] };
    });
    return reply.code(responses.every((r) => r.statusCode === 200) ? 200 : 207).send({ responses });
  });

  app.get<{ Params: { sku: string } }>(`${INVENTORY}/inventory_item/:sku`, async (req, reply) => {
    const product = store.products.get(req.params.sku);
    if (!product) return reply.code(404).send(errorBody(err(25702, `SKU ${req.params.sku} could not be found or is not available in the system.`)));
    return renderInventoryItem(product);
  });

  app.get<{ Querystring: Record<string, string | undefined> }>(`${INVENTORY}/offer`, async (req, reply) => {
    const sku = req.query.sku;
    if (!sku) return reply.code(400).send(errorBody(err(25709, 'Invalid value for sku.')));
    const product = store.products.get(sku);
    if (!product) return reply.code(404).send(errorBody(err(25702, `SKU ${sku} could not be found or is not available in the system.`)));
    return {
      href: `${ctx.baseUrl()}${INVENTORY}/offer?sku=${encodeURIComponent(sku)}&limit=25&offset=0`,
      limit: 25,
      size: 1,
      total: 1,
      offers: [renderOffer(product)],
    };
  });
}

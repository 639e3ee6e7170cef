import { randomBytes, randomUUID } from 'node:crypto';
import { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ListingsPatchRequest, applyPatches, settleFeeds, validatePatches } from './catalog';
import { financialEvents, orderFinancialEvents, type PostedEvent } from './finances';
import { DEFAULT_VISIBILITY_TIMEOUT_S } from './queue';
import { type AmazonStore, type SimOrder, PENDING_STATUSES, iso, orderItemView, orderView } from './store';
import { formatRate, type Operation, type TokenBuckets } from './throttle';

// The SP-API surface: LWA, Tokens (RDT), Orders v0, Listings Items 2021-08-01, Feeds 2021-06-30, the
// pre-signed document URLs (S3 stand-in) and the SQS stand-in the notifications land in.

export interface ApiContext {
  store: AmazonStore;
  buckets: TokenBuckets;
  credentials: { clientId: string; clientSecret: string; refreshToken: string };
  baseUrl: () => string;
  itemsPerPage: number;
  /** listFinancialEvents shows nothing posted within this long of the request (Amazon: two minutes). */
  financesListingDelayMs: number;
}

const TWO_MINUTES_MS = 120_000;
const TOKEN_TTL_S = 3600;

class SpApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details = '',
  ) {
    super(message);
  }
}

const invalid = (message: string): SpApiError => new SpApiError(400, 'InvalidInput', message);
const notFound = (message: string): SpApiError => new SpApiError(404, 'NotFound', message);

function sendError(reply: FastifyReply, err: SpApiError): FastifyReply {
  return reply
    .code(err.status)
    .header('x-amzn-RequestId', randomUUID())
    .send({ errors: [{ code: err.code, message: err.message, details: err.details }] });
}

function list(value: unknown): string[] {
  const parts = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return parts.flatMap((p) => String(p).split(',')).map((p) => p.trim()).filter(Boolean);
}

function date(value: unknown, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const ms = Date.parse(String(value));
  if (Number.isNaN(ms)) throw invalid(`${name} is not a valid ISO 8601 date.`);
  return ms;
}

function bodyOf<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw invalid(parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
  }
  return parsed.data;
}

interface OrdersCursor {
  field: 'purchaseDate' | 'lastUpdateDate';
  after: number;
  before: number;
  statuses: string[];
  channels: string[];
  marketplaceIds: string[];
  max: number;
  position?: { at: number; id: string };
}

const ConfirmShipmentBody = z.object({
  marketplaceId: z.string().min(1),
  codCollectionMethod: z.literal('DirectPayment').optional(),
  packageDetail: z
    .object({
      packageReferenceId: z.string().regex(/^[1-9]\d*$/, 'must be a positive numeric string'),
      carrierCode: z.string().min(1),
      carrierName: z.string().optional(),
      shippingMethod: z.string().optional(),
      trackingNumber: z.string().min(1),
      shipDate: z.string().datetime({ offset: true }),
      shipFromSupplySourceId: z.string().optional(),
      orderItems: z.array(z.object({ orderItemId: z.string().min(1), quantity: z.number().int().positive() })).min(1),
    })
    .refine((p) => p.carrierCode !== 'Other' || Boolean(p.carrierName), 'carrierName is required when carrierCode is Other'),
});

const FeedDocumentSpec = z.object({ contentType: z.string().min(1) });
const FeedSpec = z.object({
  feedType: z.string().min(1),
  marketplaceIds: z.array(z.string().min(1)).min(1),
  inputFeedDocumentId: z.string().min(1),
  feedOptions: z.record(z.string(), z.string()).optional(),
});
const RdtRequest = z.object({
  restrictedResources: z
    .array(z.object({ method: z.enum(['GET', 'PUT', 'POST', 'DELETE']), path: z.string().min(1), dataElements: z.array(z.string()).optional() }))
    .min(1),
  targetApplication: z.string().optional(),
});
const SqsReceive = z.object({
  QueueUrl: z.string().optional(),
  MaxNumberOfMessages: z.number().int().min(1).max(10).default(1),
  VisibilityTimeout: z.number().int().min(0).max(43_200).default(DEFAULT_VISIBILITY_TIMEOUT_S),
  WaitTimeSeconds: z.number().int().min(0).max(20).default(0),
});
const SqsDelete = z.object({ QueueUrl: z.string().optional(), ReceiptHandle: z.string().min(1) });

export function registerSpApi(app: FastifyInstance, ctx: ApiContext): void {
  const { store, buckets } = ctx;
  const accessTokens = new Map<string, number>();
  const rdts = new Map<string, { expiresAt: number; resources: Set<string> }>();
  const orderCursors = new Map<string, OrdersCursor>();
  const itemCursors = new Map<string, { orderId: string; offset: number }>();

  app.addHook('onRequest', async () => {
    store.runDue();
    settleFeeds(store);
  });

  /** Auth, faults and the usage plan, in that order; returns whether PII may be shown. */
  async function gate(request: FastifyRequest, reply: FastifyReply, operation: Operation, allowRdt = false): Promise<{ pii: boolean }> {
    if (store.faults.latencyMs > 0) await new Promise((r) => setTimeout(r, store.faults.latencyMs));
    const token = request.headers['x-amz-access-token'];
    if (typeof token !== 'string' || token === '') {
      throw new SpApiError(403, 'Unauthorized', 'Access to requested resource is denied.', 'The access token is missing.');
    }
    let pii = false;
    const expiresAt = accessTokens.get(token);
    const rdt = rdts.get(token);
    if (expiresAt !== undefined) {
      if (expiresAt <= store.now()) {
        throw new SpApiError(403, 'Unauthorized', 'Access to requested resource is denied.', 'The access token you provided has expired.');
      }
    } else if (rdt && allowRdt) {
      const resource = `${request.method} ${request.url.split('?')[0]}`;
      if (rdt.expiresAt <= store.now() || !rdt.resources.has(resource)) {
        throw new SpApiError(403, 'Unauthorized', 'Access to requested resource is denied.', 'The restricted data token does not cover this resource.');
      }
      pii = true;
    } else {
      throw new SpApiError(403, 'Unauthorized', 'Access to requested resource is denied.', 'The access token you provided is revoked, malformed or invalid.');
    }
    if (store.faults.throttles > 0) {
      store.faults.throttles -= 1;
      throw new SpApiError(429, 'QuotaExceeded', 'You exceeded your quota for the requested resource.');
    }
    if (store.faults.serverErrors > 0) {
      store.faults.serverErrors -= 1;
      throw new SpApiError(500, 'InternalFailure', 'We encountered an internal error. Please try again.');
    }
    if (!buckets.take(operation)) throw new SpApiError(429, 'QuotaExceeded', 'You exceeded your quota for the requested resource.');
    reply.header('x-amzn-RateLimit-Limit', formatRate(buckets.rate(operation))).header('x-amzn-RequestId', randomUUID());
    return { pii };
  }

  app.setErrorHandler((err, _request, reply) => {
    if (err instanceof SpApiError) return sendError(reply, err);
    const { statusCode = 500, message = 'error' } = err as { statusCode?: number; message?: string };
    if (statusCode === 404) return sendError(reply, notFound(message));
    if (statusCode < 500) return sendError(reply, invalid(message));
    return sendError(reply, new SpApiError(500, 'InternalFailure', message));
  });

  // --- Login with Amazon -------------------------------------------------------------------------
  app.post('/auth/o2/token', async (request, reply) => {
    const form = (request.body ?? {}) as Record<string, string | undefined>;
    if (form.client_id !== ctx.credentials.clientId || form.client_secret !== ctx.credentials.clientSecret) {
      return reply.code(401).send({ error: 'invalid_client', error_description: 'Client authentication failed' });
    }
    if (form.grant_type !== 'refresh_token') {
      return reply.code(400).send({ error: 'unsupported_grant_type', error_description: 'The authorization grant type is not supported' });
    }
    if (form.refresh_token !== ctx.credentials.refreshToken) {
      return reply.code(400).send({ error: 'invalid_grant', error_description: 'The request has an invalid grant parameter : refresh_token' });
    }
    const accessToken = `Atza|${randomBytes(300).toString('base64url')}`;
    accessTokens.set(accessToken, store.now() + TOKEN_TTL_S * 1000);
    return { access_token: accessToken, refresh_token: form.refresh_token, token_type: 'bearer', expires_in: TOKEN_TTL_S };
  });

  // --- Tokens API: restricted data tokens for PII ------------------------------------------------
  app.post('/tokens/2021-03-01/restrictedDataToken', async (request, reply) => {
    await gate(request, reply, 'createRestrictedDataToken');
    const body = bodyOf(RdtRequest, request.body);
    for (const r of body.restrictedResources) {
      if (!/^\/orders\/v0\/orders\/[^/]+(\/(address|buyerInfo|orderItems|orderItems\/buyerInfo))?$/.test(r.path)) {
        throw invalid(`Restricted resource path is not supported: ${r.path}`);
      }
    }
    const token = `Atz.sprdt|${randomBytes(200).toString('base64url')}`;
    rdts.set(token, {
      expiresAt: store.now() + TOKEN_TTL_S * 1000,
      resources: new Set(body.restrictedResources.map((r) => `${r.method} ${r.path}`)),
    });
    return { restrictedDataToken: token, expiresIn: TOKEN_TTL_S };
  });

  // --- Orders API v0 -----------------------------------------------------------------------------
  function pageOrders(cursor: OrdersCursor): Record<string, unknown> {
    const at = (o: SimOrder): number => o[cursor.field];
    const matched = [...store.orders.values()]
      .filter((o) => cursor.marketplaceIds.includes(o.marketplaceId))
      .filter((o) => at(o) >= cursor.after && at(o) <= cursor.before)
      .filter((o) => cursor.statuses.length === 0 || cursor.statuses.includes(o.status))
      .filter((o) => cursor.channels.length === 0 || cursor.channels.includes(o.fulfillmentChannel))
      .sort((a, b) => at(a) - at(b) || a.amazonOrderId.localeCompare(b.amazonOrderId));
    const pos = cursor.position;
    const rest = pos ? matched.filter((o) => at(o) > pos.at || (at(o) === pos.at && o.amazonOrderId > pos.id)) : matched;
    const page = rest.slice(0, cursor.max);
    const payload: Record<string, unknown> = { Orders: page.map((o) => orderView(o, { pii: false })) };
    const last = page[page.length - 1];
    if (rest.length > page.length && last) {
      const token = randomBytes(24).toString('base64');
      orderCursors.set(token, { ...cursor, position: { at: at(last), id: last.amazonOrderId } });
      payload.NextToken = token;
    }
    payload[cursor.field === 'purchaseDate' ? 'CreatedBefore' : 'LastUpdatedBefore'] = iso(cursor.before);
    return payload;
  }

  app.get('/orders/v0/orders', async (request, reply) => {
    await gate(request, reply, 'getOrders');
    const q = request.query as Record<string, unknown>;
    const marketplaceIds = list(q.MarketplaceIds);
    if (marketplaceIds.length === 0) throw invalid('MarketplaceIds is required.');
    if (q.NextToken !== undefined) {
      // A NextToken carries the original filters; everything else in the request is ignored.
      const cursor = orderCursors.get(String(q.NextToken));
      if (!cursor) throw invalid('Invalid NextToken.');
      return { payload: pageOrders(cursor) };
    }
    const createdAfter = date(q.CreatedAfter, 'CreatedAfter');
    const createdBefore = date(q.CreatedBefore, 'CreatedBefore');
    const updatedAfter = date(q.LastUpdatedAfter, 'LastUpdatedAfter');
    const updatedBefore = date(q.LastUpdatedBefore, 'LastUpdatedBefore');
    const created = createdAfter !== undefined || createdBefore !== undefined;
    const updated = updatedAfter !== undefined || updatedBefore !== undefined;
    if (created && updated) throw invalid('CreatedAfter/CreatedBefore cannot be combined with LastUpdatedAfter/LastUpdatedBefore.');
    const after = created ? createdAfter : updatedAfter;
    const before = created ? createdBefore : updatedBefore;
    const [afterName, beforeName] = created ? ['CreatedAfter', 'CreatedBefore'] : ['LastUpdatedAfter', 'LastUpdatedBefore'];
    if (after === undefined) throw invalid('Either CreatedAfter or LastUpdatedAfter must be specified.');
    const latest = store.now() - TWO_MINUTES_MS;
    if (after > store.now()) throw invalid(`${afterName} cannot be in the future.`);
    if (before !== undefined && before < after) throw invalid(`${beforeName} must be equal to or after ${afterName}.`);
    if (before !== undefined && before > latest) throw invalid(`${beforeName} must be at least two minutes before the current time.`);
    const max = q.MaxResultsPerPage === undefined ? 100 : Number(q.MaxResultsPerPage);
    if (!Number.isInteger(max) || max < 1 || max > 100) throw invalid('MaxResultsPerPage must be between 1 and 100.');
    return {
      payload: pageOrders({
        field: created ? 'purchaseDate' : 'lastUpdateDate',
        after,
        // Without an explicit upper bound Amazon answers up to two minutes ago, and says so.
        before: before ?? latest,
        statuses: list(q.OrderStatuses),
        channels: list(q.FulfillmentChannels),
        marketplaceIds,
        max,
      }),
    };
  });

  function findOrder(id: string): SimOrder {
    const order = store.orders.get(id);
    if (!order) throw notFound(`Order ${id} was not found.`);
    return order;
  }

  app.get('/orders/v0/orders/:orderId', async (request, reply) => {
    const { pii } = await gate(request, reply, 'getOrder', true);
    return { payload: orderView(findOrder((request.params as { orderId: string }).orderId), { pii }) };
  });

  app.get('/orders/v0/orders/:orderId/orderItems', async (request, reply) => {
    await gate(request, reply, 'getOrderItems', true);
    const order = findOrder((request.params as { orderId: string }).orderId);
    const token = (request.query as { NextToken?: string }).NextToken;
    let offset = 0;
    if (token !== undefined) {
      const cursor = itemCursors.get(token);
      if (!cursor || cursor.orderId !== order.amazonOrderId) throw invalid('Invalid NextToken.');
      offset = cursor.offset;
    }
    const page = order.items.slice(offset, offset + ctx.itemsPerPage);
    const payload: Record<string, unknown> = {
      AmazonOrderId: order.amazonOrderId,
      OrderItems: page.map((item) => orderItemView(order, item)),
    };
    if (offset + page.length < order.items.length) {
      const next = randomBytes(18).toString('base64');
      itemCursors.set(next, { orderId: order.amazonOrderId, offset: offset + page.length });
      payload.NextToken = next;
    }
    return { payload };
  });

  // --- Finances API v0: refunds exist only here ------------------------------------------------------
  const eventCursors = new Map<string, { events: PostedEvent[]; offset: number; max: number }>();

  function maxResults(value: unknown): number {
    const max = value === undefined ? 100 : Number(value);
    if (!Number.isInteger(max) || max < 1 || max > 100) throw invalid('MaxResultsPerPage must be between 1 and 100.');
    return max;
  }

  /** A page of events (a snapshot taken at the first call; NextToken walks it). */
  function eventsPage(events: PostedEvent[], max: number, offset: number): Record<string, unknown> {
    const page = events.slice(offset, offset + max);
    const payload: Record<string, unknown> = { FinancialEvents: financialEvents(page) };
    if (offset + page.length < events.length) {
      const token = randomBytes(24).toString('base64');
      eventCursors.set(token, { events, offset: offset + page.length, max });
      payload.NextToken = token;
    }
    return payload;
  }

  function continued(token: unknown): Record<string, unknown> | undefined {
    if (token === undefined) return undefined;
    const cursor = eventCursors.get(String(token));
    if (!cursor) throw invalid('Invalid NextToken.');
    return eventsPage(cursor.events, cursor.max, cursor.offset);
  }

  app.get('/finances/v0/orders/:orderId/financialEvents', async (request, reply) => {
    await gate(request, reply, 'listFinancialEventsByOrderId');
    const q = request.query as Record<string, unknown>;
    const next = continued(q.NextToken);
    if (next) return { payload: next };
    const orderId = (request.params as { orderId: string }).orderId;
    if (!/^\d{3}-\d{7}-\d{7}$/.test(orderId)) throw invalid('Bad order ID provided.');
    // An order without money movements (not shipped yet, or not this seller's) simply has no events.
    const order = store.orders.get(orderId);
    return { payload: eventsPage(order ? orderFinancialEvents(order) : [], maxResults(q.MaxResultsPerPage), 0) };
  });

  app.get('/finances/v0/financialEvents', async (request, reply) => {
    await gate(request, reply, 'listFinancialEvents');
    const q = request.query as Record<string, unknown>;
    const next = continued(q.NextToken);
    if (next) return { payload: next };
    const after = date(q.PostedAfter, 'PostedAfter');
    const given = date(q.PostedBefore, 'PostedBefore');
    const latest = store.now() - ctx.financesListingDelayMs;
    if (given !== undefined && after === undefined) throw invalid('PostedAfter is required when PostedBefore is given.');
    if (after !== undefined && after > latest) throw invalid('PostedAfter must be no later than two minutes before the request.');
    if (given !== undefined && given > latest) throw invalid('PostedBefore must be no later than two minutes before the request.');
    const before = given ?? latest;
    if (after !== undefined && before <= after) throw invalid('PostedBefore must be later than PostedAfter.');
    const events = [...store.orders.values()]
      .flatMap((o) => orderFinancialEvents(o))
      .filter((e) => (after === undefined || e.postedAt >= after) && e.postedAt < before)
      .sort((a, b) => a.postedAt - b.postedAt);
    return { payload: eventsPage(events, maxResults(q.MaxResultsPerPage), 0) };
  });

  app.post('/orders/v0/orders/:orderId/shipmentConfirmation', async (request, reply) => {
    await gate(request, reply, 'confirmShipment');
    const order = findOrder((request.params as { orderId: string }).orderId);
    const body = bodyOf(ConfirmShipmentBody, request.body);
    if (body.marketplaceId !== order.marketplaceId) throw invalid(`marketplaceId ${body.marketplaceId} does not match the order.`);
    if (order.fulfillmentChannel === 'AFN') throw invalid('Shipments for orders fulfilled by Amazon cannot be confirmed by the seller.');
    if (PENDING_STATUSES.includes(order.status) || order.status === 'Canceled' || order.status === 'Shipped') {
      throw invalid(`Order in status ${order.status} cannot be confirmed.`);
    }
    const pkg = body.packageDetail;
    if (order.shipments.some((s) => s.packageReferenceId === pkg.packageReferenceId)) {
      throw invalid(`packageReferenceId ${pkg.packageReferenceId} was already used for this order.`);
    }
    for (const line of pkg.orderItems) {
      const item = order.items.find((i) => i.orderItemId === line.orderItemId);
      if (!item) throw invalid(`orderItemId ${line.orderItemId} is not part of the order.`);
      if (item.quantityShipped + line.quantity > item.quantity) throw invalid(`quantity for ${line.orderItemId} exceeds the unshipped quantity.`);
    }
    for (const line of pkg.orderItems) order.items.find((i) => i.orderItemId === line.orderItemId)!.quantityShipped += line.quantity;
    order.shipments.push({ ...pkg });
    store.recomputeShipStatus(order);
    store.touch(order, 'OrderStatusChange', 'ShipmentConfirmed');
    return reply.code(204).send();
  });

  // --- Listings Items API 2021-08-01 -------------------------------------------------------------
  const LISTING_DATA_SETS = ['summaries', 'attributes', 'issues', 'offers', 'fulfillmentAvailability', 'procurement', 'relationships', 'productTypes'];

  function listingParams(request: FastifyRequest): { sku: string; marketplaceIds: string[]; query: Record<string, unknown> } {
    const { sellerId, sku } = request.params as { sellerId: string; sku: string };
    if (sellerId !== store.sellerId) throw new SpApiError(403, 'Unauthorized', 'Access to requested resource is denied.', 'sellerId does not match the token.');
    const query = request.query as Record<string, unknown>;
    const marketplaceIds = list(query.marketplaceIds);
    if (marketplaceIds.length === 0) throw invalid('marketplaceIds is required.');
    return { sku, marketplaceIds, query };
  }

  app.get('/listings/2021-08-01/items/:sellerId/:sku', async (request, reply) => {
    await gate(request, reply, 'getListingsItem');
    const { sku, marketplaceIds, query } = listingParams(request);
    const included = list(query.includedData);
    const unknown = included.filter((d) => !LISTING_DATA_SETS.includes(d));
    if (unknown.length > 0) throw invalid(`Invalid includedData: ${unknown.join(', ')}.`);
    const listing = store.listings.get(sku);
    if (!listing) throw notFound(`SKU ${sku} not found.`);
    const marketplaceId = marketplaceIds[0]!;
    const sets: Record<string, () => unknown> = {
      summaries: () => [{ marketplaceId, asin: listing.asin, productType: listing.productType, itemName: `Simulated product ${sku}`, status: ['BUYABLE', 'DISCOVERABLE'], createdDate: iso(0), lastUpdatedDate: iso(store.now()) }],
      offers: () => [{ marketplaceId, offerType: 'B2C', price: { currencyCode: listing.currency, amount: listing.price } }],
      fulfillmentAvailability: () => [{ fulfillmentChannelCode: 'DEFAULT', quantity: listing.stock }],
    };
    // Only the data sets asked for (default: summaries), as Amazon answers.
    const body: Record<string, unknown> = { sku };
    for (const name of included.length > 0 ? included : ['summaries']) {
      const make = sets[name];
      if (make) body[name] = make();
    }
    return body;
  });

  app.patch('/listings/2021-08-01/items/:sellerId/:sku', async (request, reply) => {
    await gate(request, reply, 'patchListingsItem');
    const { sku, marketplaceIds, query } = listingParams(request);
    const body = bodyOf(ListingsPatchRequest, request.body);
    const preview = query.mode === 'VALIDATION_PREVIEW';
    const listing = store.listings.get(sku);
    const issues = validatePatches(body.patches);
    if (!listing) {
      issues.push({ code: '4000004', message: `SKU ${sku} has no listing for this seller; create it with putListingsItem first.`, severity: 'ERROR', categories: ['INVALID_ATTRIBUTE'] });
    }
    const failed = issues.some((i) => i.severity === 'ERROR');
    const response: Record<string, unknown> = {
      sku,
      status: failed ? 'INVALID' : preview ? 'VALID' : 'ACCEPTED',
      submissionId: randomUUID().replace(/-/g, ''),
      issues,
    };
    if (listing && list(query.includedData).includes('identifiers')) {
      response.identifiers = marketplaceIds.map((marketplaceId) => ({ marketplaceId, asin: listing.asin }));
    }
    // ACCEPTED means queued: the change shows up after listingApplyDelayMs (Amazon: minutes).
    if (listing && !failed && !preview) store.later(() => applyPatches(listing, body.patches), store.faults.listingApplyDelayMs);
    return response;
  });

  // --- Feeds API 2021-06-30 ----------------------------------------------------------------------
  const documentUrl = (id: string, signature: string): string =>
    `${ctx.baseUrl()}/_s3/feed-documents/${encodeURIComponent(id)}?X-Amz-Expires=300&X-Amz-Signature=${signature}`;

  app.post('/feeds/2021-06-30/documents', async (request, reply) => {
    await gate(request, reply, 'createFeedDocument');
    const { contentType } = bodyOf(FeedDocumentSpec, request.body);
    const id = `amzn1.tortuga.4.na.${randomUUID()}`;
    const signature = randomBytes(16).toString('hex');
    store.documents.set(id, { feedDocumentId: id, contentType, signature, expiresAt: store.now() + 300_000 });
    return reply.code(201).send({ feedDocumentId: id, url: documentUrl(id, signature) });
  });

  app.get('/feeds/2021-06-30/documents/:feedDocumentId', async (request, reply) => {
    await gate(request, reply, 'getFeedDocument');
    const doc = store.documents.get((request.params as { feedDocumentId: string }).feedDocumentId);
    if (!doc) throw notFound('Feed document not found.');
    doc.signature = randomBytes(16).toString('hex');
    doc.expiresAt = store.now() + 300_000;
    return { feedDocumentId: doc.feedDocumentId, url: documentUrl(doc.feedDocumentId, doc.signature) };
  });

  app.post('/feeds/2021-06-30/feeds', async (request, reply) => {
    await gate(request, reply, 'createFeed');
    const spec = bodyOf(FeedSpec, request.body);
    if (spec.feedType !== 'JSON_LISTINGS_FEED') throw invalid(`Feed type ${spec.feedType} is not accepted; use JSON_LISTINGS_FEED.`);
    const doc = store.documents.get(spec.inputFeedDocumentId);
    if (!doc || doc.content === undefined) throw invalid('inputFeedDocumentId does not name an uploaded document.');
    const feedId = String(50_000_000_000 + store.next());
    store.feeds.set(feedId, {
      feedId,
      feedType: spec.feedType,
      marketplaceIds: spec.marketplaceIds,
      inputFeedDocumentId: spec.inputFeedDocumentId,
      createdAt: store.now(),
      status: 'IN_QUEUE',
    });
    settleFeeds(store);
    return reply.code(202).send({ feedId });
  });

  app.get('/feeds/2021-06-30/feeds/:feedId', async (request, reply) => {
    await gate(request, reply, 'getFeed');
    const feed = store.feeds.get((request.params as { feedId: string }).feedId);
    if (!feed) throw notFound('Feed not found.');
    return {
      feedId: feed.feedId,
      feedType: feed.feedType,
      marketplaceIds: feed.marketplaceIds,
      createdTime: iso(feed.createdAt),
      processingStatus: feed.status,
      ...(feed.startedAt !== undefined ? { processingStartTime: iso(feed.startedAt) } : {}),
      ...(feed.endedAt !== undefined ? { processingEndTime: iso(feed.endedAt) } : {}),
      ...(feed.resultFeedDocumentId ? { resultFeedDocumentId: feed.resultFeedDocumentId } : {}),
    };
  });

  // --- Pre-signed document URLs (S3 stand-in: no SP-API token, content type must match) ---------
  app.register(async (s3) => {
    s3.removeAllContentTypeParsers();
    s3.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
    const s3Error = (reply: FastifyReply, status: number, code: string, message: string): FastifyReply =>
      reply.code(status).type('application/xml').send(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`);
    const signed = (request: FastifyRequest): { doc?: ReturnType<typeof store.documents.get>; problem?: string } => {
      const doc = store.documents.get(decodeURIComponent((request.params as { id: string }).id));
      const signature = (request.query as { 'X-Amz-Signature'?: string })['X-Amz-Signature'];
      if (!doc || signature !== doc.signature) return { problem: 'SignatureDoesNotMatch' };
      if (doc.expiresAt < store.now()) return { problem: 'AccessDenied' };
      return { doc };
    };
    const norm = (value: unknown): string => String(value ?? '').replace(/\s+/g, '').toLowerCase();
    s3.put('/_s3/feed-documents/:id', async (request, reply) => {
      const { doc, problem } = signed(request);
      if (!doc) return s3Error(reply, 403, problem!, 'Request has expired or the signature does not match.');
      if (norm(request.headers['content-type']) !== norm(doc.contentType)) {
        return s3Error(reply, 403, 'SignatureDoesNotMatch', 'Content-Type must equal the one given to createFeedDocument.');
      }
      doc.content = String(request.body ?? '');
      return reply.code(200).send('');
    });
    s3.get('/_s3/feed-documents/:id', async (request, reply) => {
      const { doc, problem } = signed(request);
      if (!doc || doc.content === undefined) return s3Error(reply, 403, problem ?? 'NoSuchKey', 'Document is not available.');
      return reply.type(doc.contentType).send(doc.content);
    });
  });

  // --- SQS stand-in (SQS JSON protocol bodies) --------------------------------------------------
  app.post('/_sqs/receive', async (request) => {
    const input = bodyOf(SqsReceive, request.body ?? {});
    const deadline = Date.now() + input.WaitTimeSeconds * 1000;
    for (;;) {
      const messages = store.queue.receive({ max: input.MaxNumberOfMessages, visibilityTimeoutS: input.VisibilityTimeout });
      // SQS answers {} when the queue is empty.
      if (messages.length > 0) return { Messages: messages };
      if (Date.now() >= deadline) return {};
      await new Promise((r) => setTimeout(r, 50));
    }
  });

  app.post('/_sqs/delete', async (request, reply) => {
    const input = bodyOf(SqsDelete, request.body);
    if (store.queue.delete(input.ReceiptHandle) === 'invalid') {
      return reply.code(400).send({ __type: 'com.amazonaws.sqs#ReceiptHandleIsInvalid', message: 'The input receipt handle is invalid.' });
    }
    return {};
  });
}

import { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { type Authenticator } from './auth';
import { parseCents, parseQueryDate, datePair } from './format';
import {
  RestBatch,
  RestNoteCreate,
  RestOrderCreate,
  RestOrderUpdate,
  RestProductUpdate,
  RestRefundCreate,
  RestWebhookCreate,
  RestWebhookUpdate,
} from './schemas';
import { noteJson, orderJson, productJson, refundJson, type SerializeContext } from './serialize';
import { ShopError, type SimOrder, type SimProduct } from './store';
import { isLoopbackUrl, type SimWebhook, type WebhookHub } from './webhooks';

// REST v3 routes under /wp-json/wc/v3 with WooCommerce's error envelope, paging headers and auth.

export const API_PREFIX = '/wp-json/wc/v3';

export interface FaultState {
  latencyMs: number;
  serverErrors: number;
  rateLimits: number;
  retryAfterSeconds: number;
  dropWebhooks: number;
}

export interface RestDeps {
  ctx: SerializeContext;
  auth: Authenticator;
  hub: WebhookHub;
  faults: FaultState;
}

type Req = FastifyRequest<{ Params: Record<string, string> }>;

export function sendWcError(reply: FastifyReply, status: number, code: string, message: string, extra: Record<string, unknown> = {}): FastifyReply {
  return reply.code(status).send({ code, message, data: { status, ...extra } });
}

function queryOf(request: FastifyRequest): URLSearchParams {
  const q = request.url.indexOf('?');
  return new URLSearchParams(q === -1 ? '' : request.url.slice(q + 1));
}

function idParam(request: Req, name = 'id'): number {
  const raw = request.params[name] ?? '';
  // WordPress routes only match digits; anything else is "no route".
  if (!/^\d+$/.test(raw)) throw new ShopError('rest_no_route', 'No route was found matching the URL and request method.', 404);
  return Number(raw);
}

function invalidParam(param: string, why: string): ShopError {
  const error = new ShopError('rest_invalid_param', `Invalid parameter(s): ${param}`, 400);
  Object.assign(error, { params: { [param]: why } });
  return error;
}

function intParam(query: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
  const raw = query.get(name);
  if (raw === null || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw invalidParam(name, `${name} must be between ${min} (inclusive) and ${max} (inclusive)`);
  }
  return value;
}

function idList(query: URLSearchParams, name: string): number[] | undefined {
  const raw = query.get(name);
  return raw ? raw.split(',').map((s) => Number(s.trim())).filter((n) => Number.isInteger(n)) : undefined;
}

/** Pages a collection the WordPress way: X-WP-Total, X-WP-TotalPages and a Link header. */
function paginate<T>(request: FastifyRequest, reply: FastifyReply, ctx: SerializeContext, items: T[]): T[] {
  const query = queryOf(request);
  const perPage = intParam(query, 'per_page', 10, 1, 100);
  const page = intParam(query, 'page', 1, 1, Number.MAX_SAFE_INTEGER);
  const offset = query.has('offset') ? intParam(query, 'offset', 0, 0, Number.MAX_SAFE_INTEGER) : (page - 1) * perPage;
  const total = items.length;
  const totalPages = Math.ceil(total / perPage);
  reply.header('X-WP-Total', String(total));
  reply.header('X-WP-TotalPages', String(totalPages));
  const path = request.url.split('?')[0] ?? '';
  const link = (p: number, rel: string): string => {
    const q = new URLSearchParams(query);
    for (const key of [...q.keys()]) if (key.startsWith('oauth_') || key.startsWith('consumer_')) q.delete(key);
    q.set('page', String(p));
    return `<${ctx.siteUrl}${path}?${q.toString()}>; rel="${rel}"`;
  };
  const rels: string[] = [];
  if (page > 1 && totalPages > 0) rels.push(link(Math.min(page - 1, totalPages), 'prev'));
  if (page < totalPages) rels.push(link(page + 1, 'next'));
  if (totalPages > 0) rels.push(link(1, 'first'), link(totalPages, 'last'));
  if (rels.length) reply.header('Link', rels.join(', '));
  return items.slice(offset, offset + perPage);
}

function filterOrders(deps: RestDeps, query: URLSearchParams): SimOrder[] {
  const { store, offsetMinutes } = deps.ctx;
  const gmt = query.get('dates_are_gmt') === 'true' || query.get('dates_are_gmt') === '1';
  const dateFilter = (name: string): number | undefined => {
    const raw = query.get(name);
    if (raw === null || raw === '') return undefined;
    const ms = parseQueryDate(raw, gmt, offsetMinutes);
    if (ms === undefined) throw invalidParam(name, `${name} is not a valid date.`);
    return ms;
  };
  const after = dateFilter('after');
  const before = dateFilter('before');
  const modifiedAfter = dateFilter('modified_after');
  const modifiedBefore = dateFilter('modified_before');
  const statuses = (query.get('status') ?? 'any').split(',').map((s) => s.trim());
  const include = idList(query, 'include');
  const exclude = idList(query, 'exclude');
  const orderby = query.get('orderby') ?? 'date';
  const direction = (query.get('order') ?? 'desc') === 'asc' ? 1 : -1;
  if (!['date', 'id', 'include', 'title', 'slug', 'modified'].includes(orderby)) throw invalidParam('orderby', 'orderby is not one of date, id, include, title, slug, modified.');
  const orders = [...store.orders.values()].filter((o) => {
    const status = o.trashed ? 'trash' : o.status;
    if (statuses.includes('any') ? status === 'trash' : !statuses.includes(status)) return false;
    if (after !== undefined && !(o.createdMs > after)) return false;
    if (before !== undefined && !(o.createdMs < before)) return false;
    if (modifiedAfter !== undefined && !(o.modifiedMs > modifiedAfter)) return false;
    if (modifiedBefore !== undefined && !(o.modifiedMs < modifiedBefore)) return false;
    if (include && !include.includes(o.id)) return false;
    return !exclude?.includes(o.id);
  });
  const key = (o: SimOrder): number => (orderby === 'modified' ? o.modifiedMs : orderby === 'date' ? o.createdMs : o.id);
  return orders.sort((a, b) => (key(a) - key(b) || a.id - b.id) * direction);
}

function filterProducts(deps: RestDeps, query: URLSearchParams, parentId?: number): SimProduct[] {
  const skus = query.get('sku')?.split(',').map((s) => s.trim()).filter(Boolean);
  const include = idList(query, 'include');
  return [...deps.ctx.store.products.values()]
    .filter((p) => {
      if (parentId !== undefined) return p.type === 'variation' && p.parentId === parentId;
      // A SKU search also finds variations; a plain listing shows only top-level products.
      if (skus) return skus.includes(p.sku);
      return p.type !== 'variation';
    })
    .filter((p) => !include || include.includes(p.id))
    .sort((a, b) => b.id - a.id);
}

function productOf(deps: RestDeps, id: number, parentId?: number): SimProduct {
  const product = deps.ctx.store.products.get(id);
  const wrongParent = parentId !== undefined && (product?.type !== 'variation' || product.parentId !== parentId);
  const variationOutsideParent = parentId === undefined && product?.type === 'variation';
  if (!product || wrongParent || variationOutsideParent) {
    const code = parentId === undefined ? 'woocommerce_rest_product_invalid_id' : 'woocommerce_rest_product_variation_invalid_id';
    throw new ShopError(code, 'Invalid ID.', 404);
  }
  return product;
}

function applyProductUpdate(deps: RestDeps, product: SimProduct, body: unknown): SimProduct {
  const patch = RestProductUpdate.parse(body);
  return deps.ctx.store.updateProduct(product.id, {
    stockQuantity: patch.stock_quantity,
    manageStock: patch.manage_stock === undefined || patch.manage_stock === 'parent' ? undefined : patch.manage_stock,
    regularCents: patch.regular_price === undefined ? undefined : patch.regular_price === '' ? null : parseCents(patch.regular_price),
  });
}

function batch(deps: RestDeps, body: unknown, parentId?: number): Record<string, unknown[]> {
  const input = RestBatch.parse(body);
  const count = (input.create?.length ?? 0) + (input.update?.length ?? 0) + (input.delete?.length ?? 0);
  if (count > 100) throw new ShopError('woocommerce_rest_request_entity_too_large', 'Unable to accept more than 100 items for this request.', 413);
  const itemError = (id: number, err: unknown): Record<string, unknown> => {
    const shop = err instanceof ShopError ? err : new ShopError('woocommerce_rest_invalid_param', (err as Error).message, 400);
    return { id, error: { code: shop.code, message: shop.message, data: { status: shop.status } } };
  };
  const result: Record<string, unknown[]> = {};
  if (input.create) result.create = input.create.map(() => itemError(0, new ShopError('woocommerce_rest_cannot_create', 'The simulator does not create products.', 400)));
  if (input.update) {
    result.update = input.update.map((item) => {
      try {
        return productJson(deps.ctx, applyProductUpdate(deps, productOf(deps, item.id, parentId), item));
      } catch (err) {
        return itemError(item.id, err);
      }
    });
  }
  if (input.delete) result.delete = input.delete.map((id) => itemError(id, new ShopError('woocommerce_rest_cannot_delete', 'The simulator does not delete products.', 400)));
  return result;
}

function webhookJson(deps: RestDeps, webhook: SimWebhook): Record<string, unknown> {
  const [resource, event] = webhook.topic.split('.');
  const created = datePair(webhook.createdMs, deps.ctx.offsetMinutes);
  const modified = datePair(webhook.modifiedMs, deps.ctx.offsetMinutes);
  return {
    id: webhook.id,
    name: webhook.name,
    status: webhook.status,
    topic: webhook.topic,
    resource,
    event,
    hooks: [],
    delivery_url: webhook.deliveryUrl,
    date_created: created.local,
    date_created_gmt: created.gmt,
    date_modified: modified.local,
    date_modified_gmt: modified.gmt,
  };
}

function webhookOf(deps: RestDeps, request: Req): SimWebhook {
  const webhook = deps.hub.webhooks.get(idParam(request));
  if (!webhook) throw new ShopError('woocommerce_rest_webhook_invalid_id', 'Invalid ID.', 404);
  return webhook;
}

export function registerRest(app: FastifyInstance, deps: RestDeps): void {
  const { ctx } = deps;
  const store = ctx.store;

  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/wp-json/')) return;
    const faults = deps.faults;
    if (faults.latencyMs > 0) await new Promise((r) => setTimeout(r, faults.latencyMs));
    if (faults.rateLimits > 0) {
      faults.rateLimits--;
      // Host or WAF throttling: WooCommerce core has no limiter, so the body is the proxy's, not JSON.
      return reply.code(429).header('Retry-After', String(faults.retryAfterSeconds)).type('text/html').send('<html><body><h1>429 Too Many Requests</h1></body></html>');
    }
    if (faults.serverErrors > 0) {
      faults.serverErrors--;
      return reply.code(503).type('text/html').send('<html><body><h1>503 Service Unavailable</h1></body></html>');
    }
    const q = request.url.indexOf('?');
    const outcome = deps.auth.check({
      method: request.method,
      baseUrl: `http://${request.headers.host ?? ''}${q === -1 ? request.url : request.url.slice(0, q)}`,
      query: queryOf(request),
      authorization: request.headers.authorization,
    });
    if (!outcome.ok) return sendWcError(reply, 401, outcome.code, outcome.message);
  });

  const p = API_PREFIX;

  // ---- orders ----
  app.get(p + '/orders', async (request, reply) => {
    const orders = filterOrders(deps, queryOf(request));
    return paginate(request, reply, ctx, orders).map((o) => orderJson(ctx, o));
  });
  app.post(p + '/orders', async (request, reply) => {
    const body = RestOrderCreate.parse(request.body);
    const order = store.createOrder({
      currency: body.currency,
      billing: body.billing,
      shipping: body.shipping,
      customerNote: body.customer_note,
      shippingCents: body.shipping_lines?.reduce((s, l) => s + parseCents(l.total), 0),
      lines: body.line_items.map((l) => ({
        sku: l.sku,
        productId: l.product_id,
        variationId: l.variation_id,
        quantity: l.quantity,
        unitCents: l.total === undefined ? undefined : Math.round(parseCents(l.total) / l.quantity),
      })),
      status: body.set_paid ? 'processing' : body.status,
    });
    if (body.meta_data) store.setMeta(order, body.meta_data);
    return reply.code(201).send(orderJson(ctx, order));
  });
  app.get<{ Params: Record<string, string> }>(p + '/orders/:id', async (request) => orderJson(ctx, store.getOrder(idParam(request))));
  app.put<{ Params: Record<string, string> }>(p + '/orders/:id', async (request) => {
    const id = idParam(request);
    const body = RestOrderUpdate.parse(request.body ?? {});
    const order = store.getOrder(id);
    if (body.meta_data) store.setMeta(order, body.meta_data);
    if (body.customer_note !== undefined) order.customerNote = body.customer_note;
    if (body.shipping) order.shipping = { ...order.shipping, ...body.shipping };
    const status = body.set_paid ? 'processing' : body.status;
    if (status && status !== order.status) store.setStatus(id, status);
    else store.touch(order);
    return orderJson(ctx, order);
  });
  app.delete<{ Params: Record<string, string> }>(p + '/orders/:id', async (request) => {
    const id = idParam(request);
    const json = orderJson(ctx, store.getOrder(id));
    const order = store.trash(id);
    if (queryOf(request).get('force') === 'true') store.orders.delete(order.id);
    return json;
  });

  // ---- notes ----
  app.get<{ Params: Record<string, string> }>(p + '/orders/:id/notes', async (request) => {
    const order = store.getOrder(idParam(request));
    const type = queryOf(request).get('type') ?? 'any';
    return order.notes
      .filter((n) => type === 'any' || (type === 'customer') === n.customerNote)
      .slice()
      .reverse()
      .map((n) => noteJson(ctx, order, n));
  });
  app.post<{ Params: Record<string, string> }>(p + '/orders/:id/notes', async (request, reply) => {
    const id = idParam(request);
    const body = RestNoteCreate.parse(request.body);
    const note = store.addApiNote(id, body.note, body.customer_note ?? false);
    return reply.code(201).send(noteJson(ctx, store.getOrder(id), note));
  });
  app.get<{ Params: Record<string, string> }>(p + '/orders/:id/notes/:noteId', async (request) => {
    const order = store.getOrder(idParam(request));
    const note = order.notes.find((n) => n.id === idParam(request, 'noteId'));
    if (!note) throw new ShopError('woocommerce_rest_invalid_id', 'Invalid resource ID.', 404);
    return noteJson(ctx, order, note);
  });

  // ---- refunds ----
  app.get<{ Params: Record<string, string> }>(p + '/orders/:id/refunds', async (request) => {
    const order = store.getOrder(idParam(request));
    return order.refunds.slice().reverse().map((r) => refundJson(ctx, order, r));
  });
  app.post<{ Params: Record<string, string> }>(p + '/orders/:id/refunds', async (request, reply) => {
    const id = idParam(request);
    const body = RestRefundCreate.parse(request.body);
    const refund = store.refund(id, {
      amountCents: body.amount === undefined ? undefined : parseCents(body.amount),
      reason: body.reason,
      restock: body.restock_items,
      lines: (body.line_items ?? []).map((l) => ({
        lineId: l.id,
        quantity: l.quantity ?? 0,
        amountCents: l.refund_total === undefined ? undefined : parseCents(l.refund_total),
      })),
    });
    return reply.code(201).send(refundJson(ctx, store.getOrder(id), refund));
  });

  // ---- products and variations ----
  app.get(p + '/products', async (request, reply) => {
    const products = filterProducts(deps, queryOf(request));
    return paginate(request, reply, ctx, products).map((x) => productJson(ctx, x));
  });
  app.post(p + '/products/batch', async (request) => batch(deps, request.body));
  app.get<{ Params: Record<string, string> }>(p + '/products/:id', async (request) => productJson(ctx, productOf(deps, idParam(request))));
  app.put<{ Params: Record<string, string> }>(p + '/products/:id', async (request) =>
    productJson(ctx, applyProductUpdate(deps, productOf(deps, idParam(request)), request.body)),
  );
  app.get<{ Params: Record<string, string> }>(p + '/products/:id/variations', async (request, reply) => {
    const parentId = productOf(deps, idParam(request)).id;
    return paginate(request, reply, ctx, filterProducts(deps, queryOf(request), parentId)).map((x) => productJson(ctx, x));
  });
  app.post<{ Params: Record<string, string> }>(p + '/products/:id/variations/batch', async (request) =>
    batch(deps, request.body, productOf(deps, idParam(request)).id),
  );
  app.get<{ Params: Record<string, string> }>(p + '/products/:id/variations/:vid', async (request) =>
    productJson(ctx, productOf(deps, idParam(request, 'vid'), idParam(request))),
  );
  app.put<{ Params: Record<string, string> }>(p + '/products/:id/variations/:vid', async (request) =>
    productJson(ctx, applyProductUpdate(deps, productOf(deps, idParam(request, 'vid'), idParam(request)), request.body)),
  );

  // ---- webhooks ----
  app.get(p + '/webhooks', async (request, reply) => {
    const list = [...deps.hub.webhooks.values()].sort((a, b) => b.id - a.id);
    return paginate(request, reply, ctx, list).map((w) => webhookJson(deps, w));
  });
  app.post(p + '/webhooks', async (request, reply) => {
    const body = RestWebhookCreate.parse(request.body);
    if (!isLoopbackUrl(body.delivery_url)) {
      throw new ShopError('woocommerce_rest_webhook_invalid_delivery_url', 'The simulator only delivers to loopback URLs.', 400);
    }
    const webhook = await deps.hub.create({
      name: body.name,
      topic: body.topic,
      deliveryUrl: body.delivery_url,
      secret: body.secret ?? '',
      status: body.status,
    });
    return reply.code(201).send(webhookJson(deps, webhook));
  });
  app.get<{ Params: Record<string, string> }>(p + '/webhooks/:id', async (request) => webhookJson(deps, webhookOf(deps, request)));
  app.put<{ Params: Record<string, string> }>(p + '/webhooks/:id', async (request) => {
    const webhook = webhookOf(deps, request);
    const body = RestWebhookUpdate.parse(request.body ?? {});
    if (body.delivery_url !== undefined && !isLoopbackUrl(body.delivery_url)) {
      throw new ShopError('woocommerce_rest_webhook_invalid_delivery_url', 'The simulator only delivers to loopback URLs.', 400);
    }
    deps.hub.update(webhook.id, { status: body.status, deliveryUrl: body.delivery_url, secret: body.secret, name: body.name });
    return webhookJson(deps, webhook);
  });
  app.delete<{ Params: Record<string, string> }>(p + '/webhooks/:id', async (request) => {
    const webhook = webhookOf(deps, request);
    deps.hub.remove(webhook.id);
    return webhookJson(deps, webhook);
  });
}

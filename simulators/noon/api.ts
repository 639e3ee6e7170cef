import { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { z } from 'zod';
import { checkLoginJwt, readCookie, sessionId } from './auth';
import { type NoonSettings } from './options';
import {
  CURRENCY,
  type IntegrationStatus,
  type NoonCountry,
  type NoonItem,
  type NoonOrder,
  type NoonState,
  type ServiceKey,
} from './state';
import { type Notifier } from './webhooks';

// The partner gateway: login, then cookies; FBPI orders and shipments, stock, pricing; 429 over the rate.

export interface NoonContext {
  state: NoonState;
  settings: NoonSettings;
  key: ServiceKey;
  projectCode: string;
  warehouses: string[];
  notifier: Notifier;
}

const COUNTRIES = ['AE', 'SA', 'EG'] as const;

export function sendError(ctx: NoonContext, reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  const body = ctx.settings.errorStyle === 'error_object' ? { error: { code, message } } : { message };
  return reply.code(status).send(body);
}

function itemStatus(code: 'OK' | 'NOT_FOUND' | 'INVALID_ARGUMENT', message?: string) {
  return { status_id: code === 'OK' ? 1 : code === 'NOT_FOUND' ? 5 : 3, status_code: code, ...(message ? { message } : {}) };
}

export function orderJson(order: NoonOrder): Record<string, unknown> {
  return {
    fbpi_order_nr: order.fbpiOrderNr,
    mp_code: order.mpCode,
    mp_order_nr: order.mpOrderNr,
    mp_country_code: order.country,
    customer_country_code: order.country,
    merchant_code: 'm-sim',
    currency_code: CURRENCY[order.country],
    warehouse_code: order.warehouseCode,
    order_created_at: new Date(order.createdAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    items: order.items.map((i) => ({
      mp_item_nr: i.mpItemNr,
      partner_sku: i.partnerSku,
      mp_status: i.mpStatus,
      integration_status: i.integrationStatus,
      delivered_invoice_price: i.price,
      cancellation_reason_code: i.cancellationReasonCode,
      // Unverified fields (see NoonRefund): null until noon refunds the unit.
      refund_nr: i.refund?.refundNr ?? null,
      refunded_amount: i.refund?.amount ?? null,
      refunded_at: i.refund ? new Date(i.refund.refundedAt).toISOString().replace(/\.\d{3}Z$/, 'Z') : null,
      refund_reason_code: i.refund?.reason ?? null,
    })),
  };
}

const ListBody = z.object({
  warehouse_code: z.string().min(1),
  created_after: z.string().datetime({ offset: true }).optional(),
  created_before: z.string().datetime({ offset: true }).optional(),
  page_size: z.number().int().positive().optional(),
});
const UpdateBody = z.object({
  fbpi_order_nr: z.string().min(1),
  items: z.array(z.object({ mp_item_nr: z.string().min(1), status: z.string().optional() })).min(1),
});
const ShipmentBody = z.object({
  warehouse_code: z.string().min(1),
  integration_shipment_nr: z.string().min(1),
  fbpi_order_nr: z.string().min(1),
  awbs: z.array(z.object({ courier: z.string().min(1), awb_nr: z.string().min(1) })).min(1),
  items: z.array(z.object({ mp_item_nr: z.string().min(1) })).min(1),
});
const ShipmentRef = z.object({ warehouse_code: z.string().min(1), integration_shipment_nr: z.string().min(1) });
const StockBody = z.object({
  items: z.array(z.object({ warehouse_code: z.string(), partner_sku: z.string(), qty: z.number(), processing_time: z.number().optional() })).min(1),
});
const StockListBody = z.object({ warehouse_code: z.string().min(1), partner_skus: z.array(z.string()).min(1) });
const PriceBody = z.object({
  items: z.array(z.object({
    partner_sku: z.string(),
    country_code: z.string(),
    price: z.number().nullable().optional(),
    msrp: z.number().nullable().optional(),
    is_active: z.boolean().nullable().optional(),
  })).min(1),
});
const PriceGetBody = z.object({ items: z.array(z.object({ partner_sku: z.string(), country_code: z.string() })).min(1) });

function shipmentJson(s: { fbpiOrderNr: string; integrationShipmentNr: string; warehouseCode: string; awbs: unknown[]; itemNrs: string[]; cancelled: boolean }, order: NoonOrder | undefined) {
  return {
    fbpi_order_nr: s.fbpiOrderNr,
    integration_shipment_nr: s.integrationShipmentNr,
    warehouse_code: s.warehouseCode,
    status: s.cancelled ? 'cancelled' : 'created',
    awbs: s.awbs,
    items: s.itemNrs.map((nr) => ({ mp_item_nr: nr, partner_sku: order?.items.find((i) => i.mpItemNr === nr)?.partnerSku ?? '' })),
  };
}

export function registerApi(app: FastifyInstance, ctx: NoonContext): void {
  const { state, settings } = ctx;

  const parse = <T extends z.ZodType>(schema: T, req: FastifyRequest, reply: FastifyReply): z.infer<T> | undefined => {
    const result = schema.safeParse(req.body);
    if (result.success) return result.data;
    void sendError(ctx, reply, 400, 'INVALID_ARGUMENT', result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    return undefined;
  };

  // Gate every vendor call: faults, User-Agent, rate, session cookie (login itself needs no session).
  app.addHook('preHandler', async (req, reply) => {
    if (req.url.startsWith('/_admin')) return;
    if (state.faults.latencyMs > 0) await new Promise((r) => setTimeout(r, state.faults.latencyMs));
    if (state.faults.serverError > 0) {
      state.faults.serverError--;
      return sendError(ctx, reply, 503, 'UNAVAILABLE', 'service unavailable');
    }
    if (settings.requireUserAgent && !req.headers['user-agent']) return sendError(ctx, reply, 400, 'INVALID_ARGUMENT', 'User-Agent header is required');
    const minute = Math.floor(Date.now() / 60_000);
    if (state.window.minute !== minute) state.window = { minute, count: 0 };
    state.window.count++;
    const overRate = state.window.count > settings.requestsPerMinute;
    if (state.faults.rateLimit > 0 || overRate) {
      if (!overRate) state.faults.rateLimit--;
      const wait = overRate ? Math.ceil((minute + 1) * 60 - Date.now() / 1000) : 1;
      if (settings.retryAfterHeader) void reply.header('retry-after', String(wait));
      return sendError(ctx, reply, 429, 'RESOURCE_EXHAUSTED', 'too many requests');
    }
    if (req.url.startsWith('/identity/public/')) return;
    const sid = readCookie(req.headers.cookie, settings.sessionCookie);
    const session = sid ? state.sessions.get(sid) : undefined;
    if (!session || session.expiresAt <= Date.now()) return sendError(ctx, reply, 401, 'UNAUTHENTICATED', 'session missing or expired');
  });

  app.post('/identity/public/v1/api/login', async (req, reply) => {
    const body = parse(z.object({ token: z.string(), default_project_code: z.string().optional() }), req, reply);
    if (!body) return reply;
    const check = checkLoginJwt({ token: body.token, key: ctx.key, nowSeconds: Math.floor(Date.now() / 1000), maxAgeSeconds: settings.jwtMaxAgeSeconds });
    if (!check.ok) return sendError(ctx, reply, 401, 'UNAUTHENTICATED', check.reason);
    if (state.usedJti.has(check.jti)) return sendError(ctx, reply, 401, 'UNAUTHENTICATED', 'token already used');
    state.usedJti.add(check.jti);
    if (body.default_project_code && body.default_project_code !== ctx.projectCode) {
      return sendError(ctx, reply, 403, 'PERMISSION_DENIED', 'no access to that project');
    }
    const sid = sessionId();
    state.sessions.set(sid, { expiresAt: Date.now() + settings.sessionTtlMs });
    const maxAge = Math.floor(settings.sessionTtlMs / 1000);
    void reply.header('set-cookie', [
      `${settings.sessionCookie}=${sid}; Path=/; Max-Age=${maxAge}; HttpOnly; Secure; SameSite=Lax`,
      `${settings.refreshCookie}=${sessionId()}; Path=/identity; Max-Age=${maxAge}; HttpOnly; Secure; SameSite=Lax`,
    ]);
    return { username: 'svc-sim', user_code: 'u-sim', project_code: ctx.projectCode };
  });

  app.get('/identity/v1/whoami', async () => ({ username: 'svc-sim', user_code: 'u-sim', project_code: ctx.projectCode }));

  app.get('/fbpi/v1/fbpi-order/:nr/get', async (req, reply) => {
    const order = state.orders.get((req.params as { nr: string }).nr);
    return order ? orderJson(order) : sendError(ctx, reply, 404, 'NOT_FOUND', 'order not found');
  });

  app.get('/fbpi/v1/fbpi-order/:nr/customer-details/get', async (req, reply) => {
    const order = state.orders.get((req.params as { nr: string }).nr);
    if (!order) return sendError(ctx, reply, 404, 'NOT_FOUND', 'order not found');
    const c = order.customer;
    return { first_name: c.firstName, last_name: c.lastName, city: c.city, administrative_division: c.division };
  });

  app.post('/fbpi/v1/fbpi-orders/list', async (req, reply) => {
    const body = parse(ListBody, req, reply);
    if (!body) return reply;
    const filter = JSON.stringify([body.warehouse_code, body.created_after ?? '', body.created_before ?? '']);
    const token = (req.query as { next_token?: string }).next_token;
    let offset = 0;
    if (token) {
      // Filters must stay the same across pages.
      const decoded = z.object({ o: z.number().int(), f: z.string() }).safeParse(JSON.parse(Buffer.from(token, 'base64url').toString('utf8') || 'null'));
      if (!decoded.success || decoded.data.f !== filter) return sendError(ctx, reply, 400, 'INVALID_ARGUMENT', 'next_token does not match the filters');
      offset = decoded.data.o;
    }
    const size = Math.min(settings.acceptPageSize && body.page_size ? body.page_size : settings.pageSize, settings.pageSize);
    const after = body.created_after ? Date.parse(body.created_after) : -Infinity;
    const before = body.created_before ? Date.parse(body.created_before) : Infinity;
    const all = [...state.orders.values()]
      .filter((o) => o.warehouseCode === body.warehouse_code && o.createdAt >= after && o.createdAt < before)
      .sort((a, b) => a.createdAt - b.createdAt || a.fbpiOrderNr.localeCompare(b.fbpiOrderNr));
    const page = all.slice(offset, offset + size);
    const more = offset + size < all.length;
    return {
      orders: page.map(orderJson),
      next_token: more ? Buffer.from(JSON.stringify({ o: offset + size, f: filter })).toString('base64url') : '',
    };
  });

  app.post('/fbpi/v1/fbpi-order/update', async (req, reply) => {
    const body = parse(UpdateBody, req, reply);
    if (!body) return reply;
    const order = state.orders.get(body.fbpi_order_nr);
    if (!order) return sendError(ctx, reply, 404, 'NOT_FOUND', 'order not found');
    const targets: [NoonItem, IntegrationStatus][] = [];
    for (const entry of body.items) {
      const item = order.items.find((i) => i.mpItemNr === entry.mp_item_nr);
      if (!item) return sendError(ctx, reply, 400, 'INVALID_ARGUMENT', `unknown item ${entry.mp_item_nr}`);
      const outOfStock = entry.status === 'UPDATE_ORDER_REQUEST_ITEM_STATUS_OUT_OF_STOCK';
      if (!outOfStock && entry.status && !/UNSPECIFIED|ACKNOWLEDGED/.test(entry.status)) {
        return sendError(ctx, reply, 400, 'INVALID_ARGUMENT', `unknown status ${entry.status}`);
      }
      if (item.integrationStatus === 'INTEGRATION_ITEM_STATUS_SHIPPED') {
        return sendError(ctx, reply, 400, 'FAILED_PRECONDITION', `item ${item.mpItemNr} is already shipped`);
      }
      targets.push([item, outOfStock ? 'INTEGRATION_ITEM_STATUS_OUT_OF_STOCK' : 'INTEGRATION_ITEM_STATUS_ACKNOWLEDGED']);
    }
    for (const [item, status] of targets) {
      if (item.integrationStatus === 'INTEGRATION_ITEM_STATUS_OUT_OF_STOCK') continue;
      item.integrationStatus = status;
      if (status === 'INTEGRATION_ITEM_STATUS_OUT_OF_STOCK') {
        item.mpStatus = 'MP_ITEM_STATUS_CANCELLED';
        item.cancellationReasonCode = 'SELLER_OUT_OF_STOCK';
      }
    }
    ctx.notifier.publish(order.fbpiOrderNr, settings.updateEventType);
    return { fbpi_order_nr: order.fbpiOrderNr, status: 'OK' };
  });

  app.post('/fbpi/v1/shipment/create', async (req, reply) => {
    const body = parse(ShipmentBody, req, reply);
    if (!body) return reply;
    const existing = state.shipments.get(body.integration_shipment_nr);
    // Idempotent on the seller's shipment number: a repeat gets the shipment made the first time.
    if (existing) return shipmentJson(existing, state.orders.get(existing.fbpiOrderNr));
    const order = state.orders.get(body.fbpi_order_nr);
    if (!order) return sendError(ctx, reply, 404, 'NOT_FOUND', 'order not found');
    if (order.warehouseCode !== body.warehouse_code) return sendError(ctx, reply, 400, 'INVALID_ARGUMENT', 'warehouse does not match the order');
    const items: NoonItem[] = [];
    for (const { mp_item_nr } of body.items) {
      const item = order.items.find((i) => i.mpItemNr === mp_item_nr);
      if (!item) return sendError(ctx, reply, 400, 'INVALID_ARGUMENT', `unknown item ${mp_item_nr}`);
      if (item.mpStatus === 'MP_ITEM_STATUS_CANCELLED' || item.integrationStatus === 'INTEGRATION_ITEM_STATUS_SHIPPED' || item.integrationStatus === 'INTEGRATION_ITEM_STATUS_OUT_OF_STOCK') {
        return sendError(ctx, reply, 400, 'FAILED_PRECONDITION', `item ${mp_item_nr} cannot be shipped`);
      }
      items.push(item);
    }
    for (const item of items) item.integrationStatus = 'INTEGRATION_ITEM_STATUS_SHIPPED';
    const shipment = {
      integrationShipmentNr: body.integration_shipment_nr,
      fbpiOrderNr: order.fbpiOrderNr,
      warehouseCode: body.warehouse_code,
      awbs: body.awbs,
      itemNrs: items.map((i) => i.mpItemNr),
      cancelled: false,
    };
    state.shipments.set(shipment.integrationShipmentNr, shipment);
    ctx.notifier.publish(order.fbpiOrderNr, settings.updateEventType);
    return shipmentJson(shipment, order);
  });

  app.post('/fbpi/v1/shipment/get', async (req, reply) => {
    const body = parse(ShipmentRef, req, reply);
    if (!body) return reply;
    const shipment = state.shipments.get(body.integration_shipment_nr);
    if (!shipment || shipment.warehouseCode !== body.warehouse_code) return sendError(ctx, reply, 404, 'NOT_FOUND', 'shipment not found');
    return shipmentJson(shipment, state.orders.get(shipment.fbpiOrderNr));
  });

  app.post('/fbpi/v1/shipment/cancel', async (req, reply) => {
    const body = parse(ShipmentRef, req, reply);
    if (!body) return reply;
    const shipment = state.shipments.get(body.integration_shipment_nr);
    if (!shipment) return sendError(ctx, reply, 404, 'NOT_FOUND', 'shipment not found');
    if (!shipment.cancelled) {
      shipment.cancelled = true;
      const order = state.orders.get(shipment.fbpiOrderNr);
      for (const item of order?.items ?? []) if (shipment.itemNrs.includes(item.mpItemNr)) item.integrationStatus = 'INTEGRATION_ITEM_STATUS_ACKNOWLEDGED';
    }
    return { status: 'OK' };
  });

  app.post('/stock/v1/stock-update', async (req, reply) => {
    const body = parse(StockBody, req, reply);
    if (!body) return reply;
    if (body.items.length > settings.maxBatch) return sendError(ctx, reply, 400, 'INVALID_ARGUMENT', `at most ${settings.maxBatch} items per call`);
    return {
      items: body.items.map((i) => {
        const echo = { warehouse_code: i.warehouse_code, partner_sku: i.partner_sku };
        if (!ctx.warehouses.includes(i.warehouse_code)) return { ...echo, status: itemStatus('INVALID_ARGUMENT', 'unknown warehouse') };
        if (!state.products.has(i.partner_sku)) return { ...echo, status: itemStatus('NOT_FOUND', 'unknown partner_sku') };
        if (!Number.isInteger(i.qty) || i.qty < 0) return { ...echo, status: itemStatus('INVALID_ARGUMENT', 'qty must be a whole number >= 0') };
        state.product(i.partner_sku).stock.set(i.warehouse_code, i.qty);
        return { ...echo, status: itemStatus('OK') };
      }),
    };
  });

  app.post('/stock/v1/stock-list', async (req, reply) => {
    const body = parse(StockListBody, req, reply);
    if (!body) return reply;
    if (body.partner_skus.length > settings.maxBatch) return sendError(ctx, reply, 400, 'INVALID_ARGUMENT', `at most ${settings.maxBatch} partner_skus per call`);
    if (!ctx.warehouses.includes(body.warehouse_code)) return sendError(ctx, reply, 400, 'INVALID_ARGUMENT', 'unknown warehouse');
    return {
      items: body.partner_skus.map((sku) => {
        const product = state.products.get(sku);
        return product
          ? { partner_sku: sku, warehouse_code: body.warehouse_code, qty: product.stock.get(body.warehouse_code) ?? 0, status: itemStatus('OK') }
          : { partner_sku: sku, warehouse_code: body.warehouse_code, qty: null, status: itemStatus('NOT_FOUND') };
      }),
    };
  });

  app.post('/pricing/v1/pricing/upsert', async (req, reply) => {
    const body = parse(PriceBody, req, reply);
    if (!body) return reply;
    if (body.items.length > settings.maxBatch) return sendError(ctx, reply, 400, 'INVALID_ARGUMENT', `at most ${settings.maxBatch} items per call`);
    return {
      items: body.items.map((i) => {
        const country = i.country_code.toUpperCase() as NoonCountry;
        const echo = { partner_sku: i.partner_sku, country_code: i.country_code };
        if (!COUNTRIES.includes(country)) return { ...echo, status: itemStatus('INVALID_ARGUMENT', 'unknown country') };
        if (!state.products.has(i.partner_sku)) return { ...echo, status: itemStatus('NOT_FOUND', 'unknown partner_sku') };
        if (i.price != null && !(i.price > 0)) return { ...echo, status: itemStatus('INVALID_ARGUMENT', 'price must be positive') };
        if (i.price != null && i.msrp != null && i.msrp < i.price) return { ...echo, status: itemStatus('INVALID_ARGUMENT', 'msrp below price') };
        const product = state.product(i.partner_sku);
        const old = product.prices.get(country) ?? { price: null, msrp: null, isActive: null };
        product.prices.set(country, {
          price: i.price === undefined ? old.price : i.price,
          msrp: i.msrp === undefined ? old.msrp : i.msrp,
          isActive: i.is_active === undefined ? old.isActive : i.is_active,
        });
        return { ...echo, status: itemStatus('OK') };
      }),
    };
  });

  app.post('/pricing/v1/pricing/get', async (req, reply) => {
    const body = parse(PriceGetBody, req, reply);
    if (!body) return reply;
    return {
      items: body.items.map((i) => {
        const entry = state.products.get(i.partner_sku)?.prices.get(i.country_code.toUpperCase() as NoonCountry);
        return { partner_sku: i.partner_sku, country_code: i.country_code, status: itemStatus(entry ? 'OK' : 'NOT_FOUND'), price: entry?.price ?? null, msrp: entry?.msrp ?? null, is_active: entry?.isActive ?? null };
      }),
    };
  });
}

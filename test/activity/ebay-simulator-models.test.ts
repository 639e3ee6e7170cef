import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { startEbaySimulator, type EbaySimulator } from '../../simulators/ebay';

// The simulator's answers, checked against eBay's own OpenAPI models. The models declare no required fields and
// allow extra properties, so every object is closed here: a field the model does not know fails the test.

// The official models live with the shared specs; EBAY_OPENAPI_DIR points elsewhere if they move.
const SPECS = process.env.EBAY_OPENAPI_DIR ?? '/work/shared/specs/openapi';

function closeObjects(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(closeObjects);
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = closeObjects(v);
  if (out.type === 'object' && out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}

function loadModel(ajv: Ajv, file: string, id: string): void {
  const doc = JSON.parse(readFileSync(join(SPECS, file), 'utf8')) as { components: unknown };
  ajv.addSchema({ $id: id, components: closeObjects(doc.components) });
}

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
for (const f of ['int32', 'int64', 'double', 'float']) ajv.addFormat(f, true);
loadModel(ajv, 'ebay-sell_fulfillment_v1_oas3.json', 'fulfillment');
loadModel(ajv, 'ebay-sell_inventory_v1_oas3.json', 'inventory');
loadModel(ajv, 'ebay-commerce_notification_v1_oas3.json', 'notification');

function validator(ref: string): ValidateFunction {
  const v = ajv.getSchema(ref);
  if (!v) throw new Error(`no schema ${ref}`);
  return v;
}

function expectValid(ref: string, body: unknown): void {
  const validate = validator(ref);
  const ok = validate(body);
  expect(ok ? [] : validate.errors).toEqual([]);
}

describe('eBay simulator answers match the official models', () => {
  let sim: EbaySimulator;
  let userToken: string;
  let appToken: string;
  let orderId: string;

  async function token(form: Record<string, string>): Promise<string> {
    const basic = Buffer.from(`${sim.credentials.clientId}:${sim.credentials.clientSecret}`).toString('base64');
    const res = await fetch(`${sim.url}/identity/v1/oauth2/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { access_token: string; expires_in: number };
    expect(body.expires_in).toBe(7200);
    return body.access_token;
  }

  async function api(path: string, init: { method?: string; body?: unknown; bearer?: string } = {}) {
    const res = await fetch(`${sim.url}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        authorization: `Bearer ${init.bearer ?? userToken}`,
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as unknown) : undefined };
  }

  beforeAll(async () => {
    sim = await startEbaySimulator({
      products: [
        { sku: 'M-1', price: '12.50', stock: 50 },
        { sku: 'M-2', price: '4.00', stock: 50 },
      ],
    });
    userToken = await token({ grant_type: 'refresh_token', refresh_token: sim.credentials.refreshToken });
    appToken = await token({ grant_type: 'client_credentials', scope: 'https://api.ebay.com/oauth/api_scope' });
    ({ orderId } = await sim.admin.createOrder({
      lines: [
        { sku: 'M-1', quantity: 2, unitPrice: '12.50' },
        { sku: 'M-2', quantity: 1 },
      ],
      shippingCost: '3.95',
    }));
    const order = (await api(`/sell/fulfillment/v1/order/${orderId}`)).body as { lineItems: { lineItemId: string }[] };
    await api(`/sell/fulfillment/v1/order/${orderId}/shipping_fulfillment`, {
      method: 'POST',
      body: { lineItems: [{ lineItemId: order.lineItems[0]!.lineItemId, quantity: 1 }], shippingCarrierCode: 'USPS', trackingNumber: '9400100000000000000001' },
    });
    const other = await sim.admin.createOrder({ lines: [{ sku: 'M-2', quantity: 1 }] });
    await sim.admin.cancelOrder(other.orderId);
  });
  afterAll(() => sim?.close());

  it('getOrders is an OrderSearchPagedCollection', async () => {
    const since = new Date(Date.now() - 60_000).toISOString();
    const res = await api(`/sell/fulfillment/v1/order?filter=${encodeURIComponent(`lastmodifieddate:[${since}..]`)}&limit=1`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ total: 2, limit: 1, offset: 0 });
    expect((res.body as { next?: string }).next).toContain('offset=1');
    expectValid('fulfillment#/components/schemas/OrderSearchPagedCollection', res.body);
  });

  it('getOrder is an Order, cancelled orders included', async () => {
    const res = await api(`/sell/fulfillment/v1/order/${orderId}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ orderFulfillmentStatus: 'IN_PROGRESS', pricingSummary: { total: { value: '32.95', currency: 'USD' } } });
    expectValid('fulfillment#/components/schemas/Order', res.body);
    const all = (await api('/sell/fulfillment/v1/order')).body as { orders: { orderId: string; cancelStatus: { cancelState: string } }[] };
    const cancelled = all.orders.find((o) => o.cancelStatus.cancelState === 'CANCELED');
    expect(cancelled).toBeDefined();
    expectValid('fulfillment#/components/schemas/Order', (await api(`/sell/fulfillment/v1/order/${cancelled!.orderId}`)).body);
  });

  it('issueRefund answers a Refund, and refunds show on the order as LineItemRefund and OrderRefund', async () => {
    const { orderId: refunded, lineItemIds } = await sim.admin.createOrder({ lines: [{ sku: 'M-1', quantity: 2 }, { sku: 'M-2', quantity: 1 }], shippingCost: '2.00' });
    const byLine = await api(`/sell/fulfillment/v1/order/${refunded}/issue_refund`, {
      method: 'POST',
      body: { reasonForRefund: 'BUYER_RETURNED_ITEM_FOR_REFUND', refundItems: [{ lineItemId: lineItemIds[0], refundAmount: { value: '12.50', currency: 'USD' } }] },
    });
    expect(byLine).toMatchObject({ status: 200, body: { refundStatus: 'PENDING', refundId: expect.any(String) } });
    expectValid('fulfillment#/components/schemas/Refund', byLine.body);
    const orderLevel = await api(`/sell/fulfillment/v1/order/${refunded}/issue_refund`, {
      method: 'POST',
      body: { reasonForRefund: 'OTHER_ADJUSTMENT', orderLevelRefundAmount: { value: '2.00', currency: 'USD' } },
    });
    expect(orderLevel.status).toBe(200);
    const order = (await api(`/sell/fulfillment/v1/order/${refunded}`)).body as {
      orderPaymentStatus: string;
      paymentSummary: { refunds: { refundId: string; amount: { value: string } }[] };
      lineItems: { refunds: { refundId: string; amount: { value: string } }[] }[];
    };
    expectValid('fulfillment#/components/schemas/Order', order);
    expect(order.orderPaymentStatus).toBe('PARTIALLY_REFUNDED');
    // The line-level refund sits on its line only; the order-level one in paymentSummary.
    expect(order.lineItems[0]!.refunds).toEqual([expect.objectContaining({ refundId: (byLine.body as { refundId: string }).refundId, amount: { value: '12.50', currency: 'USD' } })]);
    expect(order.lineItems[1]!.refunds).toEqual([]);
    expect(order.paymentSummary.refunds).toEqual([expect.objectContaining({ refundId: (orderLevel.body as { refundId: string }).refundId, refundStatus: 'REFUNDED' })]);
    // More than the line cost is refused with eBay's error model.
    const tooMuch = await api(`/sell/fulfillment/v1/order/${refunded}/issue_refund`, {
      method: 'POST',
      body: { reasonForRefund: 'OTHER_ADJUSTMENT', refundItems: [{ lineItemId: lineItemIds[1], refundAmount: { value: '4.01', currency: 'USD' } }] },
    });
    expect(tooMuch).toMatchObject({ status: 409, body: { errors: [{ errorId: 34924 }] } });
    expectValid('fulfillment#/components/schemas/Error', (tooMuch.body as { errors: unknown[] }).errors[0]);
  });

  it('shipping fulfilments are ShippingFulfillment(PagedCollection)', async () => {
    const list = await api(`/sell/fulfillment/v1/order/${orderId}/shipping_fulfillment`);
    expectValid('fulfillment#/components/schemas/ShippingFulfillmentPagedCollection', list.body);
    const [first] = (list.body as { fulfillments: { fulfillmentId: string }[] }).fulfillments;
    const one = await api(`/sell/fulfillment/v1/order/${orderId}/shipping_fulfillment/${first!.fulfillmentId}`);
    expectValid('fulfillment#/components/schemas/ShippingFulfillment', one.body);
  });

  it('bulkUpdatePriceQuantity answers BulkPriceQuantityResponse for 200 and 207', async () => {
    const offers = (await api('/sell/inventory/v1/offer?sku=M-1')).body as { offers: { offerId: string }[] };
    expectValid('inventory#/components/schemas/Offers', offers);
    const ok = await api('/sell/inventory/v1/bulk_update_price_quantity', {
      method: 'POST',
      body: {
        requests: [
          { sku: 'M-1', shipToLocationAvailability: { quantity: 8 }, offers: [{ offerId: offers.offers[0]!.offerId, price: { value: '13.00', currency: 'USD' } }] },
        ],
      },
    });
    expect(ok.status).toBe(200);
    expectValid('inventory#/components/schemas/BulkPriceQuantityResponse', ok.body);
    const mixed = await api('/sell/inventory/v1/bulk_update_price_quantity', {
      method: 'POST',
      body: { requests: [{ sku: 'M-2', shipToLocationAvailability: { quantity: 3 } }, { sku: 'NOPE', shipToLocationAvailability: { quantity: 1 } }] },
    });
    expect(mixed.status).toBe(207);
    expectValid('inventory#/components/schemas/BulkPriceQuantityResponse', mixed.body);
  });

  it('bulkGetInventoryItem answers BulkGetInventoryItemResponse for 200 and 207', async () => {
    const ok = await api('/sell/inventory/v1/bulk_get_inventory_item', { method: 'POST', body: { requests: [{ sku: 'M-1' }, { sku: 'M-2' }] } });
    expect(ok.status).toBe(200);
    expectValid('inventory#/components/schemas/BulkGetInventoryItemResponse', ok.body);
    const mixed = await api('/sell/inventory/v1/bulk_get_inventory_item', { method: 'POST', body: { requests: [{ sku: 'M-1' }, { sku: 'NOPE' }] } });
    expect(mixed.status).toBe(207);
    expectValid('inventory#/components/schemas/BulkGetInventoryItemResponse', mixed.body);
    expect((mixed.body as { responses: { sku: string; statusCode: number }[] }).responses.map((r) => [r.sku, r.statusCode])).toEqual([['M-1', 200], ['NOPE', 400]]);
    const repeated = await api('/sell/inventory/v1/bulk_get_inventory_item', { method: 'POST', body: { requests: [{ sku: 'M-1' }, { sku: 'M-1' }] } });
    expect(repeated.status).toBe(400);
    expect(repeated.body).toMatchObject({ errors: [{ errorId: 25734 }] });
  });

  it('inventory item and public key match their models', async () => {
    expectValid('inventory#/components/schemas/InventoryItemWithSkuLocaleGroupid', (await api('/sell/inventory/v1/inventory_item/M-1')).body);
    const [delivery] = await sim.admin.notifications(orderId);
    const kid = (JSON.parse(Buffer.from(delivery!.headers['x-ebay-signature']!, 'base64').toString('utf8')) as { kid: string }).kid;
    const key = await api(`/commerce/notification/v1/public_key/${kid}`, { bearer: appToken });
    expect(key.status).toBe(200);
    expectValid('notification#/components/schemas/PublicKey', key.body);
  });

  it('errors use the eBay error model, and the closed models do catch strays', async () => {
    const bad = await api('/sell/fulfillment/v1/order?limit=201');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ errors: [{ errorId: 31100, domain: 'API_FULFILLMENT' }] });
    expectValid('fulfillment#/components/schemas/Error', (bad.body as { errors: unknown[] }).errors[0]);
    expect(validator('fulfillment#/components/schemas/Amount')({ value: '1.00', currency: 'USD', cents: 100 })).toBe(false);
  });
});

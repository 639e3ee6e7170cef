import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { createAmazonAdapter } from '../../activities/marketplaces/amazon';
import { type AmazonSimulator, exchangeLwaToken, startAmazonSimulator } from '../../simulators/amazon';

// The simulator's responses, checked against Amazon's own published models (not our zod schemas).

const SPECS = '/work/shared/specs/openapi';
const load = (file: string): Record<string, unknown> => JSON.parse(readFileSync(join(SPECS, file), 'utf8')) as Record<string, unknown>;

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
// Swagger 2.0 definitions are JSON Schema; register each model's definitions under its own id.
for (const [id, file] of [
  ['orders', 'amazon-orders-v0.json'],
  ['listings', 'amazon-listings-items-2021-08-01.json'],
  ['feeds', 'amazon-feeds-2021-06-30.json'],
] as const) {
  ajv.addSchema({ $id: id, definitions: load(file).definitions }, id);
}
/** Closes every object that lists its properties, so a field the model does not know fails validation. */
function closeObjects(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(closeObjects);
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = closeObjects(v);
  if (out.type === 'object' && out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}
// The Finances API v0 model (amzn/selling-partner-api-models, models/finances-api-model/financesV0.json), kept
// with the tests; its objects are closed so a misnamed field fails.
const financesModel = JSON.parse(readFileSync(join(__dirname, '../fixtures/amazon/finances-v0.json'), 'utf8')) as { definitions: unknown };
ajv.addSchema({ $id: 'finances', definitions: closeObjects(financesModel.definitions) }, 'finances');
const notificationSchema = ajv.compile(load('amazon-order-change-notification.schema.json'));
const listingsFeedSchema = ajv.compile(load('amazon-json-listings-feed-schema.json'));

function model(ref: string): ValidateFunction {
  const validate = ajv.getSchema(ref);
  if (!validate) throw new Error(`no schema ${ref}`);
  return validate;
}

function expectValid(validate: ValidateFunction, data: unknown): void {
  const ok = validate(data);
  if (!ok) throw new Error(`does not match the model: ${JSON.stringify(validate.errors, null, 1)}\n${JSON.stringify(data).slice(0, 800)}`);
}

describe('Amazon simulator responses match the official SP-API models', () => {
  let sim: AmazonSimulator;
  let token: string;
  const skus = Array.from({ length: 22 }, (_, i) => `OAS-${i}`);

  const call = async (method: string, path: string, body?: unknown): Promise<Response> =>
    fetch(`${sim.url}${path}`, {
      method,
      headers: { 'x-amz-access-token': token, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  beforeAll(async () => {
    sim = await startAmazonSimulator({ rateScale: 100, itemsPerPage: 1, products: skus.map((sku) => ({ sku, price: '3.00', stock: 5 })) });
    token = (await exchangeLwaToken(sim.credentials)).body.access_token!;
    await sim.admin.createOrder({ status: 'Pending', lines: [{ sku: skus[0]!, quantity: 2, unitPrice: '3.00' }], ageMs: 300_000 });
    await sim.admin.createOrder({ lines: [{ sku: skus[0]!, quantity: 1, unitPrice: '3.00' }, { sku: skus[1]!, quantity: 4, unitPrice: '0.99' }], ageMs: 300_000 });
    await sim.admin.createOrder({ fulfillmentChannel: 'AFN', lines: [{ sku: skus[2]!, quantity: 1, unitPrice: '12.00' }], ageMs: 300_000 });
  });
  afterAll(() => sim.close());

  it('the models are strict enough to refuse a wrong shape (control)', () => {
    expect(model('orders#/definitions/GetOrdersResponse')({ payload: { Orders: [{ AmazonOrderId: 'x', OrderStatus: 'Pending' }] } })).toBe(false);
    expect(model('orders#/definitions/GetOrderItemsResponse')({ payload: { AmazonOrderId: 'x', OrderItems: [{ ASIN: 'B0', OrderItemId: '1', QuantityOrdered: 1, IsGift: false }] } })).toBe(false);
    expect(model('listings#/definitions/ListingsItemSubmissionResponse')({ sku: 's', status: 'DONE', submissionId: '1' })).toBe(false);
    expect(notificationSchema({ NotificationType: 'ORDER_CHANGE' })).toBe(false);
  });

  it('getOrders, getOrder and getOrderItems (all pages, Pending and Unshipped, MFN and AFN)', async () => {
    const list = await call('GET', `/orders/v0/orders?MarketplaceIds=${sim.credentials.marketplaceId}&CreatedAfter=2020-01-01T00:00:00Z&MaxResultsPerPage=2`);
    expect(list.status).toBe(200);
    const first = (await list.json()) as { payload: { Orders: { AmazonOrderId: string; OrderStatus: string }[]; NextToken?: string } };
    expectValid(model('orders#/definitions/GetOrdersResponse'), first);
    expect(first.payload.NextToken).toBeDefined();
    const second = (await (await call('GET', `/orders/v0/orders?MarketplaceIds=${sim.credentials.marketplaceId}&NextToken=${encodeURIComponent(first.payload.NextToken!)}`)).json()) as typeof first;
    expectValid(model('orders#/definitions/GetOrdersResponse'), second);
    const orders = [...first.payload.Orders, ...second.payload.Orders];
    expect(new Set(orders.map((o) => o.OrderStatus))).toEqual(new Set(['Pending', 'Unshipped']));

    for (const { AmazonOrderId: id } of orders) {
      const one = await call('GET', `/orders/v0/orders/${id}`);
      expect(one.status).toBe(200);
      expectValid(model('orders#/definitions/GetOrderResponse'), await one.json());
      let next: string | undefined;
      do {
        const items = await call('GET', `/orders/v0/orders/${id}/orderItems${next ? `?NextToken=${encodeURIComponent(next)}` : ''}`);
        const body = (await items.json()) as { payload: { NextToken?: string } };
        expectValid(model('orders#/definitions/GetOrderItemsResponse'), body);
        next = body.payload.NextToken;
      } while (next);
    }
  });

  it('Finances API: an order\'s events and the events posted in a window, refunds included, and their errors', async () => {
    const validate = model('finances#/definitions/ListFinancialEventsResponse');
    const id = await sim.admin.createOrder({ lines: [{ sku: skus[6]!, quantity: 2, unitPrice: '3.00' }], ageMs: 300_000 });
    const items = (await (await call('GET', `/orders/v0/orders/${id}/orderItems`)).json()) as { payload: { OrderItems: { OrderItemId: string }[] } };
    const orderItemId = items.payload.OrderItems[0]!.OrderItemId;
    const confirmed = await call('POST', `/orders/v0/orders/${id}/shipmentConfirmation`, {
      marketplaceId: sim.credentials.marketplaceId,
      packageDetail: { packageReferenceId: '1', carrierCode: 'UPS', trackingNumber: '1ZFIN', shipDate: new Date().toISOString(), orderItems: [{ orderItemId, quantity: 2 }] },
    });
    expect(confirmed.status).toBe(204);
    await expect(sim.admin.refund(id, { items: [{ orderItemId, quantity: 3 }] })).rejects.toThrow(/only shipped units/);
    const { adjustmentItemIds } = await sim.admin.refund(id, { items: [{ orderItemId, quantity: 1 }] });

    const byOrder = (await (await call('GET', `/finances/v0/orders/${id}/financialEvents`)).json()) as {
      payload: { FinancialEvents: { ShipmentEventList: unknown[]; RefundEventList: { ShipmentItemAdjustmentList: Record<string, unknown>[] }[] } };
    };
    expectValid(validate, byOrder);
    expect(byOrder.payload.FinancialEvents.ShipmentEventList).toHaveLength(1);
    expect(byOrder.payload.FinancialEvents.RefundEventList).toHaveLength(1);
    expect(byOrder.payload.FinancialEvents.RefundEventList[0]!.ShipmentItemAdjustmentList[0]).toMatchObject({
      OrderItemId: orderItemId,
      OrderAdjustmentItemId: adjustmentItemIds[0],
      QuantityShipped: 1,
      ItemChargeAdjustmentList: expect.arrayContaining([{ ChargeType: 'Principal', ChargeAmount: { CurrencyCode: 'USD', CurrencyAmount: -3 } }]),
    });

    // Listed by posting time only once two minutes have passed (Amazon's blind window), then by window.
    const after = new Date(Date.now() - 600_000).toISOString();
    const early = (await (await call('GET', `/finances/v0/financialEvents?PostedAfter=${after}`)).json()) as typeof byOrder;
    expectValid(validate, early);
    expect(early.payload.FinancialEvents.RefundEventList).toHaveLength(0);
    await sim.admin.advanceClock(150_000);
    const listed = (await (await call('GET', `/finances/v0/financialEvents?PostedAfter=${after}&MaxResultsPerPage=1`)).json()) as typeof byOrder & { payload: { NextToken?: string } };
    expectValid(validate, listed);
    expect(listed.payload.NextToken).toBeDefined();
    const rest = (await (await call('GET', `/finances/v0/financialEvents?NextToken=${encodeURIComponent(listed.payload.NextToken!)}`)).json()) as typeof byOrder;
    expectValid(validate, rest);
    expect([...listed.payload.FinancialEvents.RefundEventList, ...rest.payload.FinancialEvents.RefundEventList]).toHaveLength(1);

    const tooRecent = await call('GET', `/finances/v0/financialEvents?PostedAfter=${new Date(Date.now() + 150_000).toISOString()}`);
    expect(tooRecent.status).toBe(400);
    expectValid(validate, await tooRecent.json());
    const badId = await call('GET', '/finances/v0/orders/BAD-ORDER/financialEvents');
    expect(badId.status).toBe(400);
    expectValid(validate, await badId.json());
  });

  it('error bodies: 400, 403, 404 and 429', async () => {
    const errors = model('orders#/definitions/GetOrdersResponse');
    const bad = await call('GET', `/orders/v0/orders?MarketplaceIds=${sim.credentials.marketplaceId}`);
    expect(bad.status).toBe(400);
    expectValid(errors, await bad.json());
    const missing = await call('GET', '/orders/v0/orders/111-0000000-0000000');
    expect(missing.status).toBe(404);
    expectValid(model('orders#/definitions/GetOrderResponse'), await missing.json());
    const denied = await fetch(`${sim.url}/orders/v0/orders/111-0000000-0000000`);
    expect(denied.status).toBe(403);
    expectValid(model('orders#/definitions/GetOrderResponse'), await denied.json());
    await sim.admin.setFaults({ throttles: 1 });
    const throttled = await call('PATCH', `/listings/2021-08-01/items/${sim.credentials.sellerId}/${skus[0]}?marketplaceIds=${sim.credentials.marketplaceId}`, {
      productType: 'PRODUCT',
      patches: [{ op: 'replace', path: '/attributes/fulfillment_availability', value: [{ fulfillment_channel_code: 'DEFAULT', quantity: 1 }] }],
    });
    expect(throttled.status).toBe(429);
    expectValid(model('listings#/definitions/ErrorList'), await throttled.json());
  });

  it('patchListingsItem: ACCEPTED, VALID preview and INVALID', async () => {
    const path = (sku: string, extra = ''): string =>
      `/listings/2021-08-01/items/${sim.credentials.sellerId}/${sku}?marketplaceIds=${sim.credentials.marketplaceId}&includedData=identifiers,issues${extra}`;
    const stock = { productType: 'PRODUCT', patches: [{ op: 'merge', path: '/attributes/fulfillment_availability', value: [{ fulfillment_channel_code: 'DEFAULT', quantity: 9 }] }] };
    const validate = model('listings#/definitions/ListingsItemSubmissionResponse');
    const accepted = await call('PATCH', path(skus[3]!), stock);
    expect(accepted.status).toBe(200);
    const acceptedBody = (await accepted.json()) as { status: string };
    expectValid(validate, acceptedBody);
    expect(acceptedBody.status).toBe('ACCEPTED');
    const preview = (await (await call('PATCH', path(skus[4]!, '&mode=VALIDATION_PREVIEW'), stock)).json()) as { status: string };
    expectValid(validate, preview);
    expect(preview.status).toBe('VALID');
    const nested = { productType: 'PRODUCT', patches: [{ op: 'replace', path: '/attributes/purchasable_offer/0/our_price', value: [] }] };
    const refused = (await (await call('PATCH', path(skus[5]!), nested)).json()) as { status: string };
    expectValid(validate, refused);
    expect(refused.status).toBe('INVALID');
  });

  it('getListingsItem: an Item with only the data sets asked for (default summaries), and 404 for an unknown SKU', async () => {
    const path = (sku: string, included?: string): string =>
      `/listings/2021-08-01/items/${sim.credentials.sellerId}/${sku}?marketplaceIds=${sim.credentials.marketplaceId}${included ? `&includedData=${included}` : ''}`;
    const item = model('listings#/definitions/Item');
    const stock = (await (await call('GET', path(skus[6]!, 'fulfillmentAvailability'))).json()) as Record<string, unknown>;
    expectValid(item, stock);
    expect(stock).toEqual({ sku: skus[6], fulfillmentAvailability: [{ fulfillmentChannelCode: 'DEFAULT', quantity: 5 }] });
    const plain = (await (await call('GET', path(skus[6]!))).json()) as Record<string, unknown>;
    expectValid(item, plain);
    expect(Object.keys(plain).sort()).toEqual(['sku', 'summaries']);
    const missing = await call('GET', path('NO-SUCH-SKU', 'fulfillmentAvailability'));
    expect(missing.status).toBe(404);
    expectValid(model('listings#/definitions/ErrorList'), await missing.json());
  });

  it('feeds: documents, feed lifecycle, and the listings feed the adapter uploads', async () => {
    await sim.admin.setFaults({ feedProcessingMs: 100 });
    const adapter = createAmazonAdapter({ account: 'oas', ...sim.credentials, feedPollMs: 20 });
    const pushed = await adapter.pushStock({ items: skus.map((sku) => ({ sku, quantity: 2 })) });
    expect(pushed.results.every((r) => r.ok)).toBe(true);
    const [feed] = await sim.admin.feeds();
    expect(feed?.status).toBe('DONE');
    expectValid(listingsFeedSchema, JSON.parse(feed!.input!));

    const got = (await (await call('GET', `/feeds/2021-06-30/feeds/${feed!.feedId}`)).json()) as { resultFeedDocumentId: string };
    expectValid(model('feeds#/definitions/Feed'), got);
    const doc = await call('GET', `/feeds/2021-06-30/documents/${encodeURIComponent(got.resultFeedDocumentId)}`);
    expectValid(model('feeds#/definitions/FeedDocument'), await doc.json());
    const created = await call('POST', '/feeds/2021-06-30/documents', { contentType: 'application/json; charset=UTF-8' });
    expect(created.status).toBe(201);
    expectValid(model('feeds#/definitions/CreateFeedDocumentResponse'), await created.json());
  });

  it('ORDER_CHANGE notifications on the queue', async () => {
    const bodies = sim.queue.bodies();
    expect(bodies.length).toBeGreaterThanOrEqual(3);
    for (const body of bodies) expectValid(notificationSchema, JSON.parse(body));
  });
});

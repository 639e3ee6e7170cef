import { createShopifyAdapter } from '../../activities/marketplaces/shopify';
import { caught } from '../support/errors';
import { ChannelError } from '../../activities/marketplaces/errors';
import { type ChannelAdapter } from '../../activities/marketplaces/types';
import { type ShopifySimulator, startShopifySimulator } from '../../simulators/shopify';
import { stockReadActivity } from '../support/stock-reads';

// Adapter behaviour beyond the shared conformance suite, and the simulator's fidelity on the wire.

const SECRET = 'shopify-adapter-secret';

function adapterFor(sim: ShopifySimulator, overrides: { accessToken?: string } = {}): ChannelAdapter {
  return createShopifyAdapter({
    account: 'shopify-adapter',
    shopDomain: sim.shopDomain,
    adminUrl: sim.url,
    apiVersion: sim.apiVersion,
    accessToken: overrides.accessToken ?? sim.accessToken,
    webhookSecret: SECRET,
  });
}


describe('Shopify adapter against the simulator', () => {
  let sim: ShopifySimulator;
  let adapter: ChannelAdapter;
  beforeAll(async () => {
    sim = await startShopifySimulator({
      webhookSecret: SECRET,
      // 95-line orders cost ~740 points a read: a large bucket so that only the injected storms throttle here.
      graphqlBucket: { maximum: 100_000, restoreRate: 50_000 },
      products: [
        { sku: 'A-1', price: '5.00', stock: 10 },
        { sku: 'A-2', price: '6.00', stock: 10 },
        { sku: 'A"quoted\\sku', price: '7.00', stock: 10 },
      ],
    });
    adapter = adapterFor(sim);
  });
  afterAll(() => sim.close());
  afterEach(() => sim.admin.setFault({ reset: true }));

  it('reads orders with more lines than one page holds, edits included, in UTC', async () => {
    const lines = Array.from({ length: 95 }, (_, i) => ({ sku: `BULK-${i}`, quantity: 1 + (i % 3), price: '1.25' }));
    const created = sim.admin.createOrder({ lines });
    sim.admin.editQuantities(created.id, { lines: [{ lineItemId: created.lineItemIds[94]!, quantity: 7 }] });
    const order = await adapter.getOrder({ externalId: created.externalId });
    expect(order.lines).toHaveLength(95);
    expect(order.lines[94]).toMatchObject({ lineId: String(created.lineItemIds[94]), sku: 'BULK-94', quantity: 7 });
    expect(order.updatedAt).toMatch(/Z$/);
    const since = new Date(Date.now() - 60_000).toISOString();
    const seen = [];
    let cursor: string | undefined;
    do {
      const page = await adapter.listOrdersChangedSince({ since, cursor, limit: 50 });
      seen.push(...page.orders.filter((o) => o.externalId === created.externalId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.lines).toHaveLength(95);
  });

  it('maps shipment progress and replays a confirmed package by its tracking number', async () => {
    const created = sim.admin.createOrder({ lines: [{ sku: 'A-1', quantity: 2 }, { sku: 'A-2', quantity: 1 }] });
    const [l1, l2] = created.lineItemIds.map(String);
    const first = await adapter.confirmShipment({ externalId: created.externalId, shipmentId: 's-1', carrier: 'DHL', trackingNumber: 'TRK-1', lines: [{ lineId: l1!, quantity: 1 }] });
    expect((await adapter.getOrder({ externalId: created.externalId })).status).toBe('partially_shipped');
    const again = await adapter.confirmShipment({ externalId: created.externalId, shipmentId: 's-1', carrier: 'DHL', trackingNumber: 'TRK-1', lines: [{ lineId: l1!, quantity: 1 }] });
    expect(again.shipmentRef).toBe(first.shipmentRef);
    expect(sim.admin.fulfillments(created.id)).toHaveLength(1);
    const tooMany = await caught(adapter.confirmShipment({ externalId: created.externalId, shipmentId: 's-2', carrier: 'DHL', trackingNumber: 'TRK-2', lines: [{ lineId: l2!, quantity: 5 }] }), ChannelError);
    expect(tooMany.kind).toBe('rejected');
    await adapter.confirmShipment({ externalId: created.externalId, shipmentId: 's-2', carrier: 'DHL', trackingNumber: 'TRK-2', lines: [{ lineId: l1!, quantity: 1 }, { lineId: l2!, quantity: 1 }] });
    expect((await adapter.getOrder({ externalId: created.externalId })).status).toBe('shipped');
  });

  it('cancels whole orders only, and turns userErrors into rejected', async () => {
    const created = sim.admin.createOrder({ lines: [{ sku: 'A-1', quantity: 1 }] });
    expect((await caught(adapter.cancelOrder({ externalId: created.externalId, reason: 'x', lineIds: ['1'] }), ChannelError)).kind).toBe('rejected');
    await adapter.cancelOrder({ externalId: created.externalId, reason: 'customer' });
    expect(sim.admin.order(created.id)).toMatchObject({ cancel_reason: 'customer', financial_status: 'refunded' });
    expect((await adapter.getOrder({ externalId: created.externalId })).status).toBe('cancelled');
    const missing = await caught(adapter.cancelOrder({ externalId: '42', reason: 'customer' }), ChannelError);
    expect(missing.kind).toBe('rejected');
  });

  it('reports stale compare-and-set, unknown and quoted SKUs per item', async () => {
    const current = sim.admin.stock('A-1');
    const result = await adapter.pushStock({ items: [{ sku: 'A-1', quantity: 3, expectedCurrent: current + 1 }, { sku: 'NOPE', quantity: 1 }] });
    expect(result.results).toEqual([
      { sku: 'NOPE', ok: false, error: expect.stringContaining('unknown SKU') },
      { sku: 'A-1', ok: false, error: expect.stringContaining('CHANGE_FROM_QUANTITY_STALE') },
    ]);
    expect(sim.admin.stock('A-1')).toBe(current);
    const ok = await adapter.pushStock({ items: [{ sku: 'A-1', quantity: 3, expectedCurrent: current }, { sku: 'A"quoted\\sku', quantity: 4 }] });
    expect(ok.results.every((r) => r.ok)).toBe(true);
    expect(sim.admin.stock('A"quoted\\sku')).toBe(4);
    const prices = await adapter.pushPrices({ items: [{ sku: 'A-2', price: { amount: '8.10', currency: 'EUR' } }, { sku: 'A-2', price: { amount: '8.10', currency: 'USD' } }] });
    expect(prices.results.map((r) => r.ok)).toEqual([false, true]);
    expect(sim.admin.price('A-2')).toBe('8.10');
  });

  it('classifies 5xx as transient and a wrong token as auth', async () => {
    sim.admin.setFault({ serverErrors: 1 });
    expect((await caught(adapter.getOrder({ externalId: '1' }), ChannelError)).kind).toBe('transient');
    expect((await caught(adapterFor(sim, { accessToken: 'shpat_wrong' }).getOrder({ externalId: '1' }), ChannelError)).kind).toBe('auth');
  });

  it('reads available stock at the shop location by SKU: an edit in the Shopify admin shows, an unknown SKU is not listed', async () => {
    sim.admin.setStock('A-2', 23);
    sim.admin.setStock('A"quoted\\sku', 0);
    const read = stockReadActivity(adapterFor(sim));
    const first = await read(['A-2', 'A"quoted\\sku', 'NOPE-1']);
    expect(first.results).toEqual([
      { sku: 'A-2', quantity: 23 },
      { sku: 'A"quoted\\sku', quantity: 0 },
      { sku: 'NOPE-1', quantity: null },
    ]);
    // A fresh adapter learns the shop's location once, then one search per batch.
    expect(first.calls).toBe(2);
    sim.admin.setStock('A-2', 4);
    expect(await read(['A-2'])).toEqual({ results: [{ sku: 'A-2', quantity: 4 }], calls: 1 });
  });
});

describe('Shopify simulator wire fidelity', () => {
  let sim: ShopifySimulator;
  beforeAll(async () => {
    sim = await startShopifySimulator({ webhookSecret: SECRET, products: [{ sku: 'W-1', price: '2.00', stock: 3 }], restBucket: { size: 6, leakPerSecond: 0.5 } });
  });
  afterAll(() => sim.close());

  const rest = (path: string, token = sim.accessToken) => fetch(`${sim.url}/admin/api/${sim.apiVersion}/${path}`, { headers: { 'X-Shopify-Access-Token': token } });
  const graphql = (query: string, variables: Record<string, unknown> = {}) =>
    fetch(`${sim.url}/admin/api/${sim.apiVersion}/graphql.json`, {
      method: 'POST',
      headers: { 'X-Shopify-Access-Token': sim.accessToken, 'Content-Type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[]; extensions?: { cost: { requestedQueryCost: number; actualQueryCost: number | null } } } }));

  it('admin API over HTTP: create, edit, refund, faults and the delivery log', async () => {
    const post = (path: string, body: unknown) =>
      fetch(`${sim.url}/_admin/${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> }));
    const created = await post('orders', { lines: [{ sku: 'W-1', quantity: 2, price: '2.00' }] });
    expect(created.status).toBe(200);
    const { id, lineItemIds } = created.body as { id: number; lineItemIds: number[] };
    expect((await post(`orders/${id}/edit`, { lines: [{ lineItemId: lineItemIds[0], quantity: 1 }] })).body).toMatchObject({ order: { line_items: [{ quantity: 2, current_quantity: 1 }] } });
    expect((await post(`orders/${id}/refunds`, { lines: [{ lineItemId: lineItemIds[0], quantity: 1 }] })).body).toMatchObject({ refund: { order_id: id, transactions: [{ amount: '2.00' }] } });
    expect((await post('orders', { lines: [] })).status).toBe(422);
    expect((await post('faults', { serverErrors: 1 })).status).toBe(200);
    expect((await rest(`orders/${id}.json`)).status).toBe(503);
    expect((await rest(`orders/${id}.json`)).status).toBe(200);
    const log = (await (await fetch(`${sim.url}/_admin/webhooks`)).json()) as { deliveries: { topic: string; state: string }[] };
    expect(log.deliveries.map((d) => d.topic)).toEqual(expect.arrayContaining(['orders/create', 'orders/updated', 'refunds/create']));
    expect(log.deliveries.every((d) => d.state === 'no_endpoint')).toBe(true);
  });

  it('REST: status=open by default, Link paging with page_info, call-limit header, then 429 with Retry-After', async () => {
    const ids = [1, 2, 3].map(() => sim.admin.createOrder({ lines: [{ sku: 'W-1', quantity: 1 }] }).id);
    sim.admin.cancelOrder(ids[2]!);
    expect((await rest('orders.json', 'shpat_wrong')).status).toBe(401);
    const after = `since_id=${ids[0]! - 1}`; // only this test's orders
    const open = await rest(`orders.json?limit=5&${after}`);
    expect(open.headers.get('x-shopify-shop-api-call-limit')).toMatch(/^\d+\/6$/);
    expect(((await open.json()) as { orders: { id: number }[] }).orders.map((o) => o.id)).toEqual(ids.slice(0, 2));
    const firstPage = await rest(`orders.json?status=any&limit=2&${after}`);
    const link = firstPage.headers.get('link')!;
    expect(link).toMatch(/page_info=.*rel="next"/);
    const next = /<([^>]+)>; rel="next"/.exec(link)![1]!;
    const second = await fetch(next, { headers: { 'X-Shopify-Access-Token': sim.accessToken } });
    expect(second.headers.get('link')).toMatch(/rel="previous"/);
    expect(((await second.json()) as { orders: { id: number }[] }).orders.map((o) => o.id)).toEqual([ids[2]]);
    sim.admin.setFault({ throttle: 1, throttleSurface: 'rest' });
    const throttled = await rest(`orders/${ids[0]}.json`);
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('2.0');
  });

  it('GraphQL: answers only what was selected, prices the query and refuses unknown fields with HTTP 200', async () => {
    const id = sim.admin.createOrder({ lines: [{ sku: 'W-1', quantity: 1 }] }).id;
    const ok = await graphql('query ($id: ID!) { order(id: $id) { name lineItems(first: 5) { nodes { sku } } } }', { id: `gid://shopify/Order/${id}` });
    expect(ok.body.data).toEqual({ order: { name: expect.stringMatching(/^#\d+$/), lineItems: { nodes: [{ sku: 'W-1' }] } } });
    expect(ok.body.extensions!.cost.requestedQueryCost).toBe(1 + 2 + 5);
    expect(ok.body.extensions!.cost.actualQueryCost).toBe(1 + 2 + 1);
    const bad = await graphql(`{ order(id: "gid://shopify/Order/${id}") { nope } }`);
    expect(bad.status).toBe(200);
    expect(bad.body.errors![0]!.message).toContain("Field 'nope' doesn't exist");
    const invalid = await graphql('mutation { inventorySetQuantities(input: { name: "available" }) { userErrors { message } } }');
    expect(invalid.body.errors![0]!.extensions!.code).toBe('INVALID_VARIABLE');
    const tooCostly = await graphql('{ orders(first: 250) { nodes { lineItems(first: 250) { nodes { sku } } } } }');
    expect(tooCostly.body.errors![0]!.extensions!.code).toBe('MAX_COST_EXCEEDED');
  });

  it('turns GraphQL THROTTLED (HTTP 200) into rate_limited with a wait from throttleStatus', async () => {
    // Last in this block because it empties the bucket (default here: 2,000 points, 100 per second).
    // The first push learns the SKU, so the throttled call below is the 10-point mutation alone.
    const adapter = adapterFor(sim);
    await adapter.pushStock({ items: [{ sku: 'W-1', quantity: 3 }] });
    sim.admin.setFault({ throttle: 1, throttleSurface: 'graphql' });
    const err = await caught(adapter.pushStock({ items: [{ sku: 'W-1', quantity: 2 }] }), ChannelError);
    expect(err).toMatchObject({ kind: 'rate_limited', details: { status: 200, vendorCode: 'THROTTLED' } });
    // Empty bucket, restore 100 points/s: a 10-point mutation waits about 100 ms.
    expect(err.details.retryAfterMs).toBeGreaterThan(0);
    expect(err.details.retryAfterMs).toBeLessThanOrEqual(100);
  });
});

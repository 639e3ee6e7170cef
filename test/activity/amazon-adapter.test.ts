import { ChannelError } from '../../activities/marketplaces/errors';
import { type AmazonAdapter, createAmazonAdapter, type OrderNotified } from '../../activities/marketplaces/amazon';
import { type AmazonSimulator, exchangeLwaToken, startAmazonSimulator } from '../../simulators/amazon';
import { stockReadActivity } from '../support/stock-reads';
import { caught } from '../support/errors';

// Amazon-specific behaviour the shared conformance suite does not reach.

const SKUS = Array.from({ length: 25 }, (_, i) => `AMZ-${String(i + 1).padStart(2, '0')}`);
const AGED = 150_000; // older than Amazon's two-minute listing blind window

async function spApi(sim: AmazonSimulator, path: string, token?: string): Promise<Response> {
  return fetch(`${sim.url}${path}`, { headers: token ? { 'x-amz-access-token': token } : {} });
}

async function lwaToken(sim: AmazonSimulator): Promise<string> {
  const { status, body } = await exchangeLwaToken(sim.credentials);
  expect(status).toBe(200);
  expect(body).toMatchObject({ token_type: 'bearer', expires_in: 3600 });
  expect(body.access_token?.startsWith('Atza|')).toBe(true);
  return body.access_token!;
}

describe('Amazon adapter against the SP-API simulator', () => {
  let sim: AmazonSimulator;
  let adapter: AmazonAdapter;

  beforeAll(async () => {
    sim = await startAmazonSimulator({ rateScale: 100, itemsPerPage: 2, products: SKUS.map((sku) => ({ sku, price: '5.00', stock: 1 })) });
    adapter = createAmazonAdapter({ account: 'amazon-us', ...sim.credentials, feedPollMs: 20 });
  });
  afterAll(() => sim.close());
  beforeEach(() => sim.admin.setFaults({ shuffleQueue: true, feedProcessingMs: 0, dropNotifications: 0, duplicateNotifications: 0 }));

  it('reads a Pending order without prices or address, then the same order once it is Unshipped', async () => {
    const id = await sim.admin.createOrder({
      status: 'Pending',
      lines: [{ sku: SKUS[0]!, quantity: 3, unitPrice: '3.33' }],
      shippingPrice: '4.99',
      ageMs: AGED,
    });
    const pending = await adapter.getOrder({ externalId: id });
    expect(pending.status).toBe('pending_payment');
    expect(pending.shippingAddress).toBeUndefined();
    expect(pending.lines[0]).toMatchObject({ sku: SKUS[0], quantity: 3, unitPrice: { amount: '0.00', currency: 'USD' } });
    expect(pending.total.amount).toBe('0.00');

    await sim.admin.markPaid(id);
    const paid = await adapter.getOrder({ externalId: id });
    expect(paid.status).toBe('paid');
    // ItemPrice 9.99 is the line total; the unit price is a third of it.
    expect(paid.lines[0]!.unitPrice).toEqual({ amount: '3.33', currency: 'USD' });
    expect(paid.total).toEqual({ amount: '14.98', currency: 'USD' });
    expect(paid.shippingTotal).toEqual({ amount: '4.99', currency: 'USD' });
    expect(paid.shippingAddress).toMatchObject({ name: 'Jane Buyer', street1: '410 Terry Ave N', city: 'Seattle', countryCode: 'US' });
    expect(paid.customer.email).toMatch(/@marketplace\.amazon\.com$/);
    expect(paid.fulfilledBy).toBe('merchant');
    expect(paid.updatedAt > pending.updatedAt).toBe(true);
  });

  it('reads the tax on the shipping (ShippingTax) apart from the shipping, inside OrderTotal', async () => {
    const id = await sim.admin.createOrder({ lines: [{ sku: SKUS[3]!, quantity: 2, unitPrice: '5.00' }], shippingPrice: '4.00', shippingTax: '0.32', ageMs: AGED });
    const order = await adapter.getOrder({ externalId: id });
    expect(order).toMatchObject({ taxesIncluded: false, shippingTotal: { amount: '4.00', currency: 'USD' }, shippingTax: { amount: '0.32', currency: 'USD' } });
    expect(order.total).toEqual({ amount: '14.32', currency: 'USD' });
  });

  it('follows getOrderItems NextToken pages for orders with many lines', async () => {
    const lines = SKUS.slice(0, 5).map((sku, i) => ({ sku, quantity: i + 1, unitPrice: '2.00' }));
    const id = await sim.admin.createOrder({ lines, ageMs: AGED });
    const order = await adapter.getOrder({ externalId: id });
    expect(order.lines.map((l) => l.sku)).toEqual(SKUS.slice(0, 5));
    expect(order.lines.every((l) => l.unitPrice.amount === '2.00')).toBe(true);
  });

  it('marks FBA orders as fulfilled by the channel and refuses to confirm them', async () => {
    const id = await sim.admin.createOrder({ fulfillmentChannel: 'AFN', lines: [{ sku: SKUS[1]!, quantity: 1, unitPrice: '8.00' }], ageMs: AGED });
    const order = await adapter.getOrder({ externalId: id });
    expect(order.fulfilledBy).toBe('channel');
    expect(order.shippingAddress?.phone).toBeUndefined();
    await expect(
      adapter.confirmShipment({ externalId: id, shipmentId: `${id}-1`, carrier: 'UPS', trackingNumber: '1Z', lines: [{ lineId: order.lines[0]!.lineId, quantity: 1 }] }),
    ).rejects.toMatchObject({ kind: 'rejected' });
    await sim.admin.shipByAmazon(id);
    expect((await adapter.getOrder({ externalId: id })).status).toBe('shipped');
  });

  it('hands ORDER_CHANGE notifications over at least once, keyed only, and deletes them after hand-off', async () => {
    // Drain whatever earlier tests published.
    await adapter.pullNotifications({ maxMessages: 10, handOff: async () => undefined });
    while (sim.queue.stats().visible > 0) await adapter.pullNotifications({ maxMessages: 10, handOff: async () => undefined });

    await sim.admin.setFaults({ duplicateNotifications: 2 });
    const id = await sim.admin.createOrder({ status: 'Pending', lines: [{ sku: SKUS[2]!, quantity: 2, unitPrice: '7.25' }], ageMs: AGED });
    await sim.admin.markPaid(id);
    const bodies = sim.queue.bodies();
    expect(bodies).toHaveLength(4);
    for (const body of bodies) {
      expect(body).not.toContain('Amount');
      expect(body).not.toContain('AddressLine1');
    }

    // A failed hand-off deletes nothing: the messages come back after the visibility timeout.
    await expect(
      adapter.pullNotifications({ maxMessages: 10, visibilityTimeoutS: 30, handOff: async () => Promise.reject(new Error('temporal down')) }),
    ).rejects.toThrow('temporal down');
    expect(sim.queue.stats()).toEqual({ visible: 0, inFlight: 4 });
    await sim.admin.advanceClock(31_000);

    const handed: OrderNotified[] = [];
    const result = await adapter.pullNotifications({ maxMessages: 10, handOff: async (events) => void handed.push(...events) });
    expect(result.received).toBe(4);
    expect(result.deleted).toBe(4);
    expect(sim.queue.stats()).toEqual({ visible: 0, inFlight: 0 });
    // Two notifications, each delivered twice: handed over once per NotificationId.
    expect(handed).toHaveLength(2);
    expect(new Set(handed.map((s) => s.eventId)).size).toBe(2);
    for (const event of handed) {
      expect(event).toMatchObject({ channel: 'amazon', account: 'amazon-us', externalId: id, type: 'order.notified', source: 'webhook', topic: 'ORDER_CHANGE/OrderStatusChange' });
      expect(Object.keys(event)).not.toContain('order');
    }
    // The workflow re-fetches: only that read has the price.
    const order = await adapter.getOrder({ externalId: handed[0]!.externalId });
    expect(order.lines[0]!.unitPrice.amount).toBe('7.25');
  });

  it('loses nothing to a dropped notification when the poll path runs', async () => {
    await sim.admin.setFaults({ dropNotifications: 1 });
    const before = sim.queue.stats().visible;
    const id = await sim.admin.createOrder({ lines: [{ sku: SKUS[3]!, quantity: 1, unitPrice: '1.00' }], ageMs: AGED });
    expect(sim.queue.stats().visible).toBe(before);
    const page = await adapter.listOrdersChangedSince({ since: new Date(Date.now() - 60_000).toISOString(), limit: 100 });
    expect(page.orders.map((o) => o.externalId)).toContain(id);
  });

  it('keeps the two-minute rule: explicit recent LastUpdatedBefore is refused, fresh orders appear only after two minutes', async () => {
    const token = await lwaToken(sim);
    const after = new Date(Date.now() - 600_000).toISOString();
    const recent = new Date(Date.now() - 60_000).toISOString();
    const refused = await spApi(sim, `/orders/v0/orders?MarketplaceIds=${sim.credentials.marketplaceId}&LastUpdatedAfter=${after}&LastUpdatedBefore=${recent}`, token);
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { errors: { code: string }[] }).errors[0]!.code).toBe('InvalidInput');

    const ok = await spApi(sim, `/orders/v0/orders?MarketplaceIds=${sim.credentials.marketplaceId}&LastUpdatedAfter=${after}`, token);
    const payload = ((await ok.json()) as { payload: { LastUpdatedBefore: string } }).payload;
    const simNow = Date.parse((await sim.admin.advanceClock(0)).now);
    // Without an upper bound Amazon answers up to two minutes ago and says so.
    expect(Date.parse(payload.LastUpdatedBefore)).toBeLessThanOrEqual(simNow - 120_000);
    expect(Date.parse(payload.LastUpdatedBefore)).toBeGreaterThan(simNow - 130_000);

    const fresh = await sim.admin.createOrder({ lines: [{ sku: SKUS[4]!, quantity: 1, unitPrice: '2.00' }] });
    const since = new Date(Date.now() - 1000).toISOString();
    const list = async (): Promise<string[]> => {
      const ids: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await adapter.listOrdersChangedSince({ since, cursor, limit: 100 });
        ids.push(...page.orders.map((o) => o.externalId));
        cursor = page.nextCursor;
      } while (cursor);
      return ids;
    };
    expect(await list()).not.toContain(fresh);
    await sim.admin.advanceClock(121_000);
    expect(await list()).toContain(fresh);
  });

  it('pages getOrders with NextToken without losing or repeating orders', async () => {
    const since = new Date(Date.now() - 10_000).toISOString();
    await sim.admin.advanceClock(200_000); // everything before now is out of the blind window
    const created: string[] = [];
    for (let i = 0; i < 7; i++) created.push(await sim.admin.createOrder({ lines: [{ sku: SKUS[i]!, quantity: 1, unitPrice: '1.50' }], ageMs: AGED }));
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await adapter.listOrdersChangedSince({ since, cursor, limit: 3 });
      expect(page.orders.length).toBeLessThanOrEqual(3);
      seen.push(...page.orders.map((o) => o.externalId));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 50);
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of created) expect(seen).toContain(id);
  });

  it('pushes a large stock batch through JSON_LISTINGS_FEED and reads the processing report', async () => {
    await sim.admin.setFaults({ feedProcessingMs: 1000 });
    const items = [...SKUS.map((sku, i) => ({ sku, quantity: 100 + i })), { sku: 'AMZ-UNKNOWN', quantity: 1 }];
    const result = await adapter.pushStock({ items });
    // createFeedDocument, upload, createFeed, getFeed (at least twice: IN_QUEUE first), getFeedDocument, download.
    expect(result.calls).toBeGreaterThanOrEqual(7);
    expect(result.results.filter((r) => r.ok).map((r) => r.sku)).toEqual(SKUS);
    expect(result.results.find((r) => r.sku === 'AMZ-UNKNOWN')).toMatchObject({ ok: false, error: expect.stringContaining('AMZ-UNKNOWN') });
    for (const [i, sku] of SKUS.entries()) expect((await sim.admin.readProduct(sku)).stock).toBe(100 + i);

    const prices = SKUS.map((sku, i) => ({ sku, price: { amount: `${20 + i}.49`, currency: 'USD' } }));
    const priced = await adapter.pushPrices({ items: prices });
    expect(priced.results.every((r) => r.ok)).toBe(true);
    expect((await sim.admin.readProduct(SKUS[24]!)).price).toBe('44.49');
  });

  it('reports a listing patch Amazon refuses as a failed item, not an exception', async () => {
    const result = await adapter.pushStock({ items: [{ sku: 'AMZ-NOPE', quantity: 3 }] });
    expect(result.results[0]).toMatchObject({ sku: 'AMZ-NOPE', ok: false });
    expect(result.calls).toBe(1);
  });

  it('shows an accepted patch only once Amazon has applied it', async () => {
    await sim.admin.setFaults({ listingApplyDelayMs: 60_000 });
    const result = await adapter.pushStock({ items: [{ sku: SKUS[5]!, quantity: 77 }] });
    expect(result.results[0]!.ok).toBe(true);
    expect((await sim.admin.readProduct(SKUS[5]!)).stock).not.toBe(77);
    await sim.admin.advanceClock(60_000);
    expect((await sim.admin.readProduct(SKUS[5]!)).stock).toBe(77);
    await sim.admin.setFaults({ listingApplyDelayMs: 0 });
  });

  it('answers 403 Unauthorized without an access token', async () => {
    const response = await spApi(sim, `/orders/v0/orders?MarketplaceIds=${sim.credentials.marketplaceId}&CreatedAfter=2020-01-01T00:00:00Z`);
    expect(response.status).toBe(403);
    expect(((await response.json()) as { errors: { code: string }[] }).errors[0]!.code).toBe('Unauthorized');
  });
});

describe('Amazon refunds from the Finances API', () => {
  let sim: AmazonSimulator;
  beforeAll(async () => {
    sim = await startAmazonSimulator({ rateScale: 100, products: SKUS.slice(0, 2).map((sku) => ({ sku, price: '5.00', stock: 10 })) });
  });
  afterAll(() => sim.close());

  it('takes a repeated shipment confirmation of units already shipped as done, and still refuses one of units that are not', async () => {
    const adapter = createAmazonAdapter({ account: 'amazon-us', ...sim.credentials });
    const id = await sim.admin.createOrder({ lines: [{ sku: SKUS[0]!, quantity: 2, unitPrice: '5.00' }, { sku: SKUS[1]!, quantity: 1, unitPrice: '7.50' }], ageMs: AGED });
    const [first, second] = (await adapter.getOrder({ externalId: id })).lines.map((l) => l.lineId) as [string, string];
    const shipment = { externalId: id, shipmentId: 'ship-again', lines: [{ lineId: first, quantity: 2 }], carrier: 'UPS', trackingNumber: '1ZAGAIN' };
    const once = await adapter.confirmShipment(shipment);
    // A new run of the order (after close) or a retry after a lost answer sends the same package again.
    await expect(adapter.confirmShipment(shipment)).resolves.toEqual(once);
    // The other line never shipped: Amazon's refusal (a used package id) stands.
    const err = await caught(adapter.confirmShipment({ ...shipment, lines: [{ lineId: second, quantity: 1 }] }), ChannelError);
    expect(err.details.status).toBe(400);
  });

  it('reads a partial refund of one line, then a full refund of the rest, into the order with lines and amounts', async () => {
    const adapter = createAmazonAdapter({ account: 'amazon-us', ...sim.credentials });
    const id = await sim.admin.createOrder({ lines: [{ sku: SKUS[0]!, quantity: 2, unitPrice: '5.00' }, { sku: SKUS[1]!, quantity: 1, unitPrice: '7.50' }], ageMs: AGED });
    const placed = await adapter.getOrder({ externalId: id });
    const [first, second] = placed.lines.map((l) => l.lineId) as [string, string];
    // Nothing is charged before shipment, so there is nothing to refund yet.
    await expect(sim.admin.refund(id, { items: [{ orderItemId: first, quantity: 1 }] })).rejects.toThrow(/only shipped units/);
    await adapter.confirmShipment({ externalId: id, shipmentId: 'ship-r1', lines: [{ lineId: first, quantity: 2 }, { lineId: second, quantity: 1 }], carrier: 'UPS', trackingNumber: '1ZAMZREF' });
    expect((await adapter.getOrder({ externalId: id })).refunds).toBeUndefined();

    const partial = await sim.admin.refund(id, { items: [{ orderItemId: first, quantity: 1 }] });
    const afterPartial = await adapter.getOrder({ externalId: id });
    expect(afterPartial.status).toBe('shipped');
    expect(afterPartial.refunds).toEqual([
      {
        refundId: expect.stringContaining(partial.adjustmentItemIds[0]!),
        occurredAt: expect.any(String),
        lines: [{ lineId: first, quantity: 1, amount: { amount: '5.00', currency: 'USD' }, restock: false }],
        total: { amount: '5.00', currency: 'USD' },
      },
    ]);

    await sim.admin.refund(id);
    const after = await adapter.getOrder({ externalId: id });
    expect(after.refunds?.[0]).toEqual(afterPartial.refunds?.[0]);
    expect(after.refunds?.[1]).toMatchObject({
      lines: [
        { lineId: first, quantity: 1, amount: { amount: '5.00', currency: 'USD' } },
        { lineId: second, quantity: 1, amount: { amount: '7.50', currency: 'USD' } },
      ],
      total: { amount: '12.50', currency: 'USD' },
    });
    expect(new Set(after.refunds?.map((r) => r.refundId)).size).toBe(2);
  });

  it('polls up an order whose only change is a refund, once Amazon lists the refund (two minutes after posting)', async () => {
    const adapter = createAmazonAdapter({ account: 'amazon-us', ...sim.credentials });
    // Ship fifteen minutes in the simulator's past, so the order itself is older than the poll window
    // (`since` minus the five-minute overlap).
    await sim.admin.advanceClock(-900_000);
    const id = await sim.admin.createOrder({ lines: [{ sku: SKUS[0]!, quantity: 1, unitPrice: '5.00' }], ageMs: AGED });
    const lineId = (await adapter.getOrder({ externalId: id })).lines[0]!.lineId;
    await adapter.confirmShipment({ externalId: id, shipmentId: 'ship-r2', lines: [{ lineId, quantity: 1 }], carrier: 'UPS', trackingNumber: '1ZAMZPOLL' });
    await sim.admin.advanceClock(900_000);
    const since = new Date(Date.now() - 1000).toISOString();
    await sim.admin.refund(id);
    const list = async (): Promise<string[]> => {
      const ids: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await adapter.listOrdersChangedSince({ since, cursor, limit: 100 });
        ids.push(...page.orders.filter((o) => o.refunds?.length).map((o) => o.externalId));
        cursor = page.nextCursor;
      } while (cursor);
      return ids;
    };
    expect(await list()).not.toContain(id);
    await sim.admin.advanceClock(150_000);
    expect(await list()).toContain(id);
  });
});

describe('Amazon usage plans and LWA', () => {
  let sim: AmazonSimulator;
  beforeAll(async () => {
    sim = await startAmazonSimulator({ rateScale: 1 });
  });
  afterAll(() => sim.close());

  it('answers QuotaExceeded once the getOrders burst is spent, and the adapter waits one refill interval', async () => {
    const token = await lwaToken(sim);
    const path = `/orders/v0/orders?MarketplaceIds=${sim.credentials.marketplaceId}&CreatedAfter=2020-01-01T00:00:00Z`;
    const first = await spApi(sim, path, token);
    expect(first.status).toBe(200);
    expect(first.headers.get('x-amzn-ratelimit-limit')).toBe('0.0167');
    for (let i = 1; i < 20; i++) expect((await spApi(sim, path, token)).status).toBe(200);
    const throttled = await spApi(sim, path, token);
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('x-amzn-ratelimit-limit')).toBeNull();
    expect(((await throttled.json()) as { errors: { code: string }[] }).errors[0]!.code).toBe('QuotaExceeded');

    const adapter = createAmazonAdapter({ account: 'amazon-us', ...sim.credentials });
    const err = await adapter.listOrdersChangedSince({ since: new Date().toISOString() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChannelError);
    expect(err).toMatchObject({ kind: 'rate_limited', details: { status: 429, vendorCode: 'QuotaExceeded', retryAfterMs: Math.ceil(1000 / 0.0167) } });
  });

  it('classifies bad LWA credentials as auth, and recovers from an expired token with a new exchange', async () => {
    const wrong = createAmazonAdapter({ account: 'amazon-us', ...sim.credentials, clientSecret: 'nope' });
    await expect(wrong.pushStock({ items: [{ sku: 'X', quantity: 1 }] })).rejects.toMatchObject({ kind: 'auth' });

    await sim.admin.addProduct({ sku: 'AMZ-LWA', price: '1.00', stock: 0 });
    const adapter = createAmazonAdapter({ account: 'amazon-us', ...sim.credentials });
    expect((await adapter.pushStock({ items: [{ sku: 'AMZ-LWA', quantity: 1 }] })).calls).toBe(2); // token + patch
    expect((await adapter.pushStock({ items: [{ sku: 'AMZ-LWA', quantity: 2 }] })).calls).toBe(1); // cached token
    await sim.admin.advanceClock(3_601_000);
    await expect(adapter.pushStock({ items: [{ sku: 'AMZ-LWA', quantity: 3 }] })).rejects.toMatchObject({ kind: 'auth' });
    expect((await adapter.pushStock({ items: [{ sku: 'AMZ-LWA', quantity: 4 }] })).calls).toBe(2);
    expect((await sim.admin.readProduct('AMZ-LWA')).stock).toBe(4);
  });
});

describe('Amazon stock reads (getListingsItem)', () => {
  it('reads the merchant quantity one SKU a call: a change made on Amazon shows, a push only once applied, an unknown SKU is not listed', async () => {
    const sim = await startAmazonSimulator({ rateScale: 100, products: [{ sku: 'R-1', price: '5.00', stock: 2 }] });
    try {
      const adapter = createAmazonAdapter({ account: 'amazon-us', ...sim.credentials });
      const read = stockReadActivity(adapter);
      await sim.admin.addProduct({ sku: 'R-1', price: '5.00', stock: 12 });
      expect(await read(['R-1'])).toEqual({ results: [{ sku: 'R-1', quantity: 12 }], calls: 2 }); // token + read
      expect(await read(['NOPE'])).toEqual({ results: [{ sku: 'NOPE', quantity: null }], calls: 1 });
      // ACCEPTED is not applied: until Amazon applies the patch the read still shows the old figure.
      await sim.admin.setFaults({ listingApplyDelayMs: 60_000 });
      expect((await adapter.pushStock({ items: [{ sku: 'R-1', quantity: 3 }] })).results).toEqual([{ sku: 'R-1', ok: true }]);
      expect((await read(['R-1'])).results).toEqual([{ sku: 'R-1', quantity: 12 }]);
      await sim.admin.advanceClock(61_000);
      expect((await read(['R-1'])).results).toEqual([{ sku: 'R-1', quantity: 3 }]);
    } finally {
      await sim.close();
    }
  });
});

import { createWalmartAdapter } from '../../activities/marketplaces/walmart';
import { caught } from '../support/errors';
import { ChannelError } from '../../activities/marketplaces/errors';
import { type ChannelAdapter } from '../../activities/marketplaces/types';
import { type CanonicalOrder } from '../../domain';
import { startWalmartSimulator, startWebhookReceiver, type WalmartSimulator } from '../../simulators/walmart';
import { stockReadActivity } from '../support/stock-reads';

// The Walmart adapter against the simulator over HTTP: line-level fulfilment, paging, dates, money,
// throttling, feeds and signed pushes.

function adapterFor(sim: WalmartSimulator, extra: Partial<Parameters<typeof createWalmartAdapter>[0]> = {}): ChannelAdapter {
  return createWalmartAdapter({
    account: 'wm-test',
    apiUrl: sim.url,
    clientId: sim.credentials.clientId,
    clientSecret: sim.credentials.clientSecret,
    feedPollMs: 5,
    ...extra,
  });
}


describe('walmart adapter', () => {
  let sim: WalmartSimulator;
  let adapter: ChannelAdapter;
  beforeAll(async () => {
    sim = await startWalmartSimulator({
      products: [
        { sku: 'A', price: '5.00', stock: 10 },
        { sku: 'B', price: '6.00', stock: 10 },
        { sku: 'C', price: '7.00', stock: 10 },
      ],
    });
    adapter = adapterFor(sim);
  });
  afterAll(() => sim.close());

  it('converts epoch milliseconds to ISO UTC and JSON-number money exactly', async () => {
    const orderDate = Date.UTC(2026, 10, 20, 8, 30, 15, 123);
    const { purchaseOrderId } = await sim.admin.createOrder({
      orderDate,
      lines: [
        { sku: 'A', quantity: 3, unitPrice: '0.10', unitTax: '0.01' },
        { sku: 'B', quantity: 1, unitPrice: '19.99', shipping: '0.20' },
      ],
    });
    const order = await adapter.getOrder({ externalId: purchaseOrderId });
    expect(order.createdAt).toBe('2026-11-20T08:30:15.123Z');
    expect(Date.parse(order.updatedAt)).toBeGreaterThanOrEqual(orderDate);
    expect(order.lines[0]).toMatchObject({ lineId: '1', sku: 'A', quantity: 3, unitPrice: { amount: '0.10', currency: 'USD' }, tax: { amount: '0.03', currency: 'USD' } });
    // 0.30 + 0.03 + 19.99 + 0.20: float addition would give 20.520000000000003.
    expect(order.total).toEqual({ amount: '20.52', currency: 'USD' });
    expect(order.shippingTotal).toEqual({ amount: '0.20', currency: 'USD' });
    expect(order).toMatchObject({ channel: 'walmart', account: 'wm-test', status: 'paid', taxesIncluded: false });
    expect(order.shippingAddress).toMatchObject({ countryCode: 'US', region: 'NY' });
    expect(order.customer.email).toMatch(/@relay\.walmart\.com$/);
  });

  it('reads the SHIPPING charge\'s tax as the shipping tax, once per line; a refund of the shipping gives it back', async () => {
    const { purchaseOrderId: po } = await sim.admin.createOrder({ lines: [{ sku: 'A', quantity: 2, unitPrice: '5.00', unitTax: '0.40', shipping: '4.00', shippingTax: '0.32' }] });
    const order = await adapter.getOrder({ externalId: po });
    expect(order.lines[0]).toMatchObject({ quantity: 2, tax: { amount: '0.80', currency: 'USD' } });
    expect(order).toMatchObject({ shippingTotal: { amount: '4.00', currency: 'USD' }, shippingTax: { amount: '0.32', currency: 'USD' } });
    // 2 x (5.00 + 0.40) + 4.00 + 0.32
    expect(order.total).toEqual({ amount: '15.12', currency: 'USD' });
    await adapter.confirmShipment({ externalId: po, shipmentId: 'st-1', carrier: 'UPS', trackingNumber: '1ZSHIPTAX', lines: [{ lineId: '1', quantity: 2 }] });
    await sim.admin.refundOrder(po, { lines: [{ lineNumber: '1', amount: '4.00', tax: '0.32', chargeType: 'SHIPPING', reason: 'IncorrectShippingPrice' }] });
    const refunded = await adapter.getOrder({ externalId: po });
    expect(refunded.refunds?.map((r) => [r.lines.map((l) => [l.lineId, l.quantity, l.amount.amount]), r.total.amount])).toEqual([[[['1', 0, '4.32']], '4.32']]);
  });

  it('acknowledges new orders; shipping an unacknowledged order acknowledges it first', async () => {
    const { purchaseOrderId } = await sim.admin.createOrder({ lines: [{ sku: 'A', quantity: 1, unitPrice: '5.00' }] });
    await adapter.acknowledgeOrder({ externalId: purchaseOrderId });
    const acked = await sim.admin.getOrder(purchaseOrderId);
    expect(JSON.stringify(acked)).toContain('"status":"Acknowledged"');
    expect(JSON.stringify(acked)).not.toContain('"status":"Created"');

    const other = await sim.admin.createOrder({ lines: [{ sku: 'B', quantity: 1, unitPrice: '6.00' }] });
    await adapter.confirmShipment({ externalId: other.purchaseOrderId, shipmentId: 'ship-1', carrier: 'usps', trackingNumber: '9400-1', lines: [{ lineId: '1', quantity: 1 }] });
    const shipped = await adapter.getOrder({ externalId: other.purchaseOrderId });
    expect(shipped.status).toBe('shipped');
    expect(await sim.admin.shipments(other.purchaseOrderId)).toEqual([expect.objectContaining({ trackingNumber: '9400-1', carrier: 'USPS' })]);
  });

  it('ships and cancels per line; repeating either changes nothing', async () => {
    const { purchaseOrderId: po } = await sim.admin.createOrder({
      lines: [
        { sku: 'A', quantity: 2, unitPrice: '1.00' },
        { sku: 'B', quantity: 1, unitPrice: '2.00' },
        { sku: 'C', quantity: 1, unitPrice: '3.00' },
      ],
    });
    await adapter.acknowledgeOrder({ externalId: po });
    const ship = { externalId: po, shipmentId: 'pkg-1', carrier: 'UPS', trackingNumber: '1Z1', lines: [{ lineId: '1', quantity: 1 }] };
    await adapter.confirmShipment(ship);
    await adapter.confirmShipment(ship);
    expect(await sim.admin.shipments(po)).toHaveLength(1);
    await adapter.cancelOrder({ externalId: po, reason: 'out of stock', lineIds: ['3'] });
    await adapter.cancelOrder({ externalId: po, reason: 'out of stock', lineIds: ['3'] });

    const order = await adapter.getOrder({ externalId: po });
    expect(order.status).toBe('partially_shipped');
    expect(order.lines.map((l) => [l.lineId, l.quantity])).toEqual([['1', 2], ['2', 1], ['3', 0]]);
    expect(order.total.amount).toBe('4.00');
    const wire = await sim.admin.getOrder(po);
    const line3 = (wire.orderLines.orderLine[2] as unknown as { orderLineStatuses: { orderLineStatus: unknown[] } }).orderLineStatuses.orderLineStatus;
    expect(line3).toEqual([expect.objectContaining({ status: 'Cancelled', cancellationReason: 'SELLER_CANCEL_OUT_OF_STOCK' })]);

    await adapter.cancelOrder({ externalId: po, reason: 'customer asked' });
    const after = await adapter.getOrder({ externalId: po });
    expect(after.lines.map((l) => [l.lineId, l.quantity])).toEqual([['1', 1], ['2', 0], ['3', 0]]);
    expect(after.status).toBe('shipped');

    await expect(adapter.confirmShipment({ ...ship, trackingNumber: '1Z2', lines: [{ lineId: '9', quantity: 1 }] })).rejects.toMatchObject({ kind: 'rejected' });
    await expect(adapter.confirmShipment({ ...ship, carrier: 'Acme Freight', trackingNumber: '1Z3' })).rejects.toMatchObject({ kind: 'rejected' });
  });

  it('reads refunds into the order: a partial refund of one unit of a line, then a full refund of another', async () => {
    const { purchaseOrderId: po } = await sim.admin.createOrder({
      lines: [
        { sku: 'A', quantity: 2, unitPrice: '5.00', unitTax: '0.40' },
        { sku: 'B', quantity: 1, unitPrice: '6.00', shipping: '1.50' },
      ],
    });
    await adapter.confirmShipment({ externalId: po, shipmentId: 'r-1', carrier: 'UPS', trackingNumber: '1ZREF', lines: [{ lineId: '1', quantity: 2 }, { lineId: '2', quantity: 1 }] });
    expect((await adapter.getOrder({ externalId: po })).refunds).toBeUndefined();

    await sim.admin.refundOrder(po, { lines: [{ lineNumber: '1', amount: '5.00', tax: '0.40', quantity: 1, reason: 'DamagedItem' }] });
    const partial = await adapter.getOrder({ externalId: po });
    expect(partial.status).toBe('shipped');
    expect(partial.lines.map((l) => [l.lineId, l.quantity])).toEqual([['1', 2], ['2', 1]]);
    expect(partial.refunds).toEqual([
      {
        refundId: '1:1',
        occurredAt: expect.any(String),
        lines: [{ lineId: '1', quantity: 1, amount: { amount: '5.40', currency: 'USD' }, restock: false }],
        total: { amount: '5.40', currency: 'USD' },
        note: 'DamagedItem',
      },
    ]);

    await sim.admin.refundOrder(po, {
      lines: [
        { lineNumber: '2', amount: '6.00', quantity: 1, reason: 'CustomerChangedMind' },
        { lineNumber: '2', amount: '1.50', chargeType: 'SHIPPING', reason: 'CustomerChangedMind' },
      ],
    });
    const after = await adapter.getOrder({ externalId: po });
    expect(after.refunds?.map((r) => [r.refundId, r.lines.map((l) => [l.lineId, l.quantity, l.amount.amount]), r.total.amount])).toEqual([
      ['1:1', [['1', 1, '5.40']], '5.40'],
      ['2:1', [['2', 1, '6.00']], '6.00'],
      ['2:2', [['2', 0, '1.50']], '1.50'],
    ]);
    // The first refund reads the same as before: ids never move when later refunds arrive.
    expect(after.refunds?.[0]).toEqual(partial.refunds?.[0]);
    const listed = await adapter.listOrdersChangedSince({ since: new Date(Date.now() - 60_000).toISOString() });
    const all: CanonicalOrder[] = [...listed.orders];
    for (let cursor = listed.nextCursor; cursor; ) {
      const page = await adapter.listOrdersChangedSince({ since: new Date(Date.now() - 60_000).toISOString(), cursor });
      all.push(...page.orders);
      cursor = page.nextCursor;
    }
    expect(all.find((o) => o.externalId === po)?.refunds).toEqual(after.refunds);
  });

  it('reads delivery once every shipped line is Delivered, dated by the last statusDate, and lists the change', async () => {
    const { purchaseOrderId: po } = await sim.admin.createOrder({ lines: [{ sku: 'A', quantity: 2, unitPrice: '5.00' }, { sku: 'B', quantity: 1, unitPrice: '6.00' }] });
    await adapter.confirmShipment({ externalId: po, shipmentId: 'dl-1', carrier: 'UPS', trackingNumber: '1ZDLV', lines: [{ lineId: '1', quantity: 2 }, { lineId: '2', quantity: 1 }] });
    const shipped = await adapter.getOrder({ externalId: po });
    expect(shipped).toMatchObject({ status: 'shipped' });
    expect(shipped).not.toHaveProperty('deliveredAt');

    await sim.admin.deliverOrder(po, { lineNumbers: ['1'] });
    expect(await adapter.getOrder({ externalId: po })).not.toHaveProperty('deliveredAt');
    const since = new Date().toISOString();
    const wire = await sim.admin.deliverOrder(po);
    const lines = (wire as unknown as { orderLines: { orderLine: { statusDate: number; orderLineStatuses: { orderLineStatus: { status: string }[] } }[] } }).orderLines.orderLine;
    expect(lines.flatMap((l) => l.orderLineStatuses.orderLineStatus.map((s) => s.status))).toEqual(['Delivered', 'Delivered']);
    const delivered = await adapter.getOrder({ externalId: po });
    expect(delivered).toMatchObject({ status: 'shipped', deliveredAt: new Date(Math.max(...lines.map((l) => l.statusDate))).toISOString() });
    // No notification exists for it: the poller's lastModified window shows the change.
    const listed = await adapter.listOrdersChangedSince({ since });
    expect(listed.orders.find((o) => o.externalId === po)?.deliveredAt).toBe(delivered.deliveredAt);
  });

  it('pages orders changed since a time by appending nextCursor, without repeats', async () => {
    const fresh = await startWalmartSimulator({ products: [{ sku: 'A', price: 1, stock: 1 }] });
    try {
      const a = adapterFor(fresh);
      const since = new Date(Date.now() - 5000).toISOString();
      const ids: string[] = [];
      for (let i = 0; i < 7; i++) ids.push((await fresh.admin.createOrder({ lines: [{ sku: 'A', quantity: 1, unitPrice: '1' }] })).purchaseOrderId);
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await a.listOrdersChangedSince({ since, cursor, limit: 3 });
        seen.push(...page.orders.map((o) => o.externalId));
        cursor = page.nextCursor;
        pages++;
      } while (cursor && pages < 10);
      expect(seen).toEqual(ids);
      expect(pages).toBe(3);
      // An order modified later shows up for a later `since`, others do not.
      const later = new Date(Date.now() + 1000).toISOString();
      await new Promise((r) => setTimeout(r, 1100));
      await a.acknowledgeOrder({ externalId: ids[4]! });
      const changed = await a.listOrdersChangedSince({ since: later });
      expect(changed.orders.map((o) => o.externalId)).toEqual([ids[4]]);
      expect(changed.nextCursor).toBeUndefined();
    } finally {
      await fresh.close();
    }
  });

  it('reports 429 as rate_limited and 5xx as transient, without retrying', async () => {
    await sim.admin.faults({ rateLimited: 1 });
    const throttled = await caught(adapter.pushStock({ items: [{ sku: 'A', quantity: 1 }] }), ChannelError);
    expect(throttled.kind).toBe('rate_limited');
    expect(throttled.details.status).toBe(429);
    expect(throttled.details.retryAfterMs).toBeGreaterThan(0);
    expect((await sim.admin.product('A')).stock).toBe(10);
    await sim.admin.faults({ serverErrors: 1 });
    expect((await caught(adapter.getOrder({ externalId: 'whatever' }), ChannelError)).kind).toBe('transient');
    // The next call goes through: the adapter did not spend it on a retry.
    expect((await adapter.pushStock({ items: [{ sku: 'A', quantity: 2 }] })).results).toEqual([{ sku: 'A', ok: true }]);
    expect((await sim.admin.product('A')).stock).toBe(2);
  });

  it('drops a rejected token: 401 is auth, the next call gets a new token', async () => {
    await adapter.getOrder({ externalId: (await sim.admin.createOrder({ lines: [{ sku: 'A', quantity: 1, unitPrice: '1' }] })).purchaseOrderId });
    await sim.admin.faults({ expireTokens: true });
    expect((await caught(adapter.pushStock({ items: [{ sku: 'A', quantity: 5 }] }), ChannelError)).kind).toBe('auth');
    expect((await adapter.pushStock({ items: [{ sku: 'A', quantity: 5 }] })).results[0]!.ok).toBe(true);
  });

  it('pushes batches through feeds and returns the per-item results', async () => {
    const slow = await startWalmartSimulator({
      feedProcessingMs: 500,
      products: [
        { sku: 'A', price: '1.00', stock: 1 },
        { sku: 'B', price: '2.00', stock: 1 },
      ],
    });
    try {
      const a = adapterFor(slow);
      const stock = await a.pushStock({ items: [{ sku: 'A', quantity: 11 }, { sku: 'GHOST', quantity: 1 }, { sku: 'B', quantity: -1 }] });
      expect(stock.results.map((r) => [r.sku, r.ok])).toEqual([['A', true], ['GHOST', false], ['B', false]]);
      expect(stock.results[1]!.error).toMatch(/DATA_ERROR ERR_EXT_DATA_0101: SKU GHOST/);
      // token + upload + at least two polls (the feed is still in progress at the first one)
      expect(stock.calls).toBeGreaterThanOrEqual(4);
      expect((await slow.admin.product('A')).stock).toBe(11);
      expect((await slow.admin.product('B')).stock).toBe(1);
      const feeds = await slow.admin.feeds();
      expect(feeds.map((f) => f.feedType)).toEqual(['inventory']);

      const prices = await a.pushPrices({
        items: [
          { sku: 'A', price: { amount: '12.34', currency: 'USD' } },
          { sku: 'B', price: { amount: '5.00', currency: 'EUR' } },
        ],
      });
      expect(prices.results.map((r) => [r.sku, r.ok])).toEqual([['A', true], ['B', false]]);
      expect(prices.results[1]!.error).toMatch(/currency EUR/);
      expect((await slow.admin.product('A')).price).toBe('12.34');
      const single = await a.pushPrices({ items: [{ sku: 'GHOST', price: { amount: '1.00', currency: 'USD' } }] });
      expect(single.results[0]).toMatchObject({ sku: 'GHOST', ok: false });
      expect(single.calls).toBe(1);
    } finally {
      await slow.close();
    }
  });
});

describe('walmart stock reads', () => {
  it('reads GET /v3/inventory one SKU a call: a change made on Walmart shows, an unknown SKU (404) is not listed', async () => {
    const sim = await startWalmartSimulator({ products: [{ sku: 'R-1', price: '5.00', stock: 10 }, { sku: 'R-2', price: '5.00', stock: 3 }] });
    try {
      await sim.admin.setProduct({ sku: 'R-1', price: '5.00', stock: 64 });
      const read = stockReadActivity(adapterFor(sim));
      // The first call also fetches the token.
      expect(await read(['R-1'])).toEqual({ results: [{ sku: 'R-1', quantity: 64 }], calls: 2 });
      expect(await read(['NOPE'])).toEqual({ results: [{ sku: 'NOPE', quantity: null }], calls: 1 });
      expect((await read(['R-2', 'R-1'])).results).toEqual([{ sku: 'R-2', quantity: 3 }, { sku: 'R-1', quantity: 64 }]);
    } finally {
      await sim.close();
    }
  });
});

describe('walmart adapter webhooks', () => {
  it.each(['base64', 'hex'] as const)('verifies %s HMAC pushes in constant time and parses them into nudges', async (encoding) => {
    const receiver = await startWebhookReceiver();
    const sim = await startWalmartSimulator({ webhookUrl: receiver.url, digestEncoding: encoding, webhookSecret: 'sub-secret', products: [{ sku: 'A', price: 1, stock: 1 }] });
    try {
      const order = await sim.admin.createOrder({ lines: [{ sku: 'A', quantity: 1, unitPrice: '1' }] });
      const push = await receiver.waitFor(() => true);
      const request = { rawBody: push.rawBody, headers: push.headers, account: 'wm-test' };
      const wrongEncoding = encoding === 'hex' ? 'base64' : 'hex';
      expect(adapterFor(sim, { webhookSecret: 'sub-secret', digestEncoding: encoding }).verifyWebhook(request)).toEqual({ ok: true });
      expect(adapterFor(sim, { webhookSecret: 'sub-secret' }).verifyWebhook(request)).toEqual({ ok: true });
      expect(adapterFor(sim, { webhookSecret: 'sub-secret', digestEncoding: wrongEncoding }).verifyWebhook(request).ok).toBe(false);
      expect(adapterFor(sim, { webhookSecret: 'other' }).verifyWebhook(request).ok).toBe(false);
      expect(adapterFor(sim).verifyWebhook(request)).toEqual({ ok: false, reason: expect.stringMatching(/no webhook secret configured/) });
      const parsed = adapterFor(sim).parseWebhook(request);
      expect(parsed).toEqual({
        ok: true,
        events: [expect.objectContaining({ type: 'order.notified', topic: 'PO_CREATED', channel: 'walmart', externalId: order.purchaseOrderId, source: 'webhook' })],
      });
    } finally {
      await sim.close();
      await receiver.close();
    }
  });

  it('refuses unsigned pushes when the subscription uses no HMAC', async () => {
    const receiver = await startWebhookReceiver();
    const sim = await startWalmartSimulator({ webhookUrl: receiver.url, webhookAuth: 'none', products: [{ sku: 'A', price: 1, stock: 1 }] });
    try {
      await sim.admin.createOrder({ lines: [{ sku: 'A', quantity: 1, unitPrice: '1' }] });
      const push = await receiver.waitFor(() => true);
      expect(push.headers.authorization).toBeUndefined();
      const result = adapterFor(sim, { webhookSecret: sim.credentials.webhookSecret }).verifyWebhook({ rawBody: push.rawBody, headers: push.headers, account: 'wm-test' });
      expect(result).toEqual({ ok: false, reason: 'walmart: header authorization missing' });
    } finally {
      await sim.close();
      await receiver.close();
    }
  });
});

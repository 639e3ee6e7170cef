import { createSign, generateKeyPairSync } from 'node:crypto';
import Fastify from 'fastify';
import { ChannelError } from '../../activities/marketplaces/errors';
import { createEbayAdapter, type EbayAdapter, msUntilQuotaReset } from '../../activities/marketplaces/ebay';
import { type WebhookRequest } from '../../activities/marketplaces/types';
import { startEbaySimulator, type EbaySimulator } from '../../simulators/ebay';
import { stockReadActivity } from '../support/stock-reads';

// eBay-specific behaviour beyond the shared conformance suite, all over HTTP against the simulator.

const ACCOUNT = 'ebay-test';

function adapterFor(sim: EbaySimulator, extra: { refreshToken?: string; minRetryAfterMs?: number } = {}): EbayAdapter {
  return createEbayAdapter({ account: ACCOUNT, apiUrl: sim.url, identityUrl: sim.url, ...sim.credentials, ...extra });
}

function sigHeader(fields: Record<string, string>): string {
  return Buffer.from(JSON.stringify(fields)).toString('base64');
}

function decodeKid(request: WebhookRequest): string {
  const raw = request.headers['x-ebay-signature'] as string;
  return (JSON.parse(Buffer.from(raw, 'base64').toString('utf8')) as { kid: string }).kid;
}

async function firstPush(sim: EbaySimulator, orderId: string): Promise<WebhookRequest> {
  const [delivery] = await sim.admin.notifications(orderId);
  if (!delivery) throw new Error('no delivery');
  return { rawBody: Buffer.from(delivery.body, 'utf8'), headers: delivery.headers, account: ACCOUNT };
}

describe('eBay notifications: ECDSA signature with the key fetched by kid', () => {
  let sim: EbaySimulator;
  let adapter: EbayAdapter;
  beforeAll(async () => {
    sim = await startEbaySimulator({ products: [{ sku: 'N-1', price: '5.00', stock: 100 }] });
    adapter = adapterFor(sim);
  });
  afterAll(() => sim.close());

  it('verifies a real push after fetching the key once, and caches it', async () => {
    const before = (await sim.admin.quota()).remaining['commerce.notification']!;
    const a = await firstPush(sim, (await sim.admin.createOrder({ lines: [{ sku: 'N-1', quantity: 1 }] })).orderId);
    const b = await firstPush(sim, (await sim.admin.createOrder({ lines: [{ sku: 'N-1', quantity: 1 }] })).orderId);
    expect(adapter.verifyWebhook(a)).toMatchObject({ ok: false, reason: expect.stringContaining('not loaded') });
    await adapter.prepareWebhook(a);
    await adapter.prepareWebhook(b);
    expect(adapter.verifyWebhook(a)).toEqual({ ok: true });
    expect(adapter.verifyWebhook(b)).toEqual({ ok: true });
    // Same kid for both: one getPublicKey call in all.
    expect(before - (await sim.admin.quota()).remaining['commerce.notification']!).toBe(1);
  });

  it('parses ORDER_CONFIRMATION into one event per line item, keyed by notificationId', async () => {
    const { orderId } = await sim.admin.createOrder({ lines: [{ sku: 'N-1', quantity: 1 }, { sku: 'N-1', quantity: 2 }] });
    const deliveries = await sim.admin.notifications(orderId);
    expect(deliveries).toHaveLength(2);
    const events = deliveries.flatMap((d) => {
      const parsed = adapter.parseWebhook({ rawBody: Buffer.from(d.body), headers: d.headers, account: ACCOUNT });
      return parsed.ok ? parsed.events : [];
    });
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({ type: 'order.notified', topic: 'ORDER_CONFIRMATION', channel: 'ebay', account: ACCOUNT, externalId: orderId, source: 'webhook' });
    expect(new Set(events.map((e) => e.eventId)).size).toBe(2);
  });

  it('rejects a signature made with another key under the same kid, and a tampered body', async () => {
    const request = await firstPush(sim, (await sim.admin.createOrder({ lines: [{ sku: 'N-1', quantity: 1 }] })).orderId);
    await adapter.prepareWebhook(request);
    const forger = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
    const signature = createSign('sha1').update(request.rawBody).sign(forger).toString('base64');
    const forged = { ...request, headers: { ...request.headers, 'x-ebay-signature': sigHeader({ alg: 'ECDSA', kid: decodeKid(request), signature, digest: 'SHA1' }) } };
    expect(adapter.verifyWebhook(forged)).toMatchObject({ ok: false, reason: expect.stringContaining('does not match') });
    const body = JSON.parse(request.rawBody.toString()) as { notification: { data: { orderId: string } } };
    body.notification.data.orderId = '99-99999-99999';
    expect(adapter.verifyWebhook({ ...request, rawBody: Buffer.from(JSON.stringify(body)) }).ok).toBe(false);
    expect(adapter.verifyWebhook({ ...request, headers: {} })).toMatchObject({ ok: false, reason: expect.stringContaining('missing') });
    expect(adapter.verifyWebhook({ ...request, headers: { 'x-ebay-signature': 'bm90IGpzb24=' } }).ok).toBe(false);
  });

  it('handles an unknown kid: prepare resolves, verify rejects', async () => {
    const request = await firstPush(sim, (await sim.admin.createOrder({ lines: [{ sku: 'N-1', quantity: 1 }] })).orderId);
    const original = JSON.parse(Buffer.from(request.headers['x-ebay-signature'] as string, 'base64').toString()) as Record<string, string>;
    const unknown = { ...request, headers: { ...request.headers, 'x-ebay-signature': sigHeader({ ...original, kid: 'not-a-kid' }) } };
    await expect(adapter.prepareWebhook(unknown)).resolves.toBeUndefined();
    expect(adapter.verifyWebhook(unknown)).toMatchObject({ ok: false, reason: expect.stringContaining('unknown public key id') });
  });

  it('follows a key rotation by fetching the new kid', async () => {
    const { kid } = await sim.admin.rotateKey();
    const request = await firstPush(sim, (await sim.admin.createOrder({ lines: [{ sku: 'N-1', quantity: 1 }] })).orderId);
    expect(decodeKid(request)).toBe(kid);
    expect(adapter.verifyWebhook(request).ok).toBe(false);
    await adapter.prepareWebhook(request);
    expect(adapter.verifyWebhook(request)).toEqual({ ok: true });
  });

  it("accepts a body eBay re-serialised differently (verification over JSON.stringify, as eBay's SDK does)", async () => {
    await sim.admin.setFaults({ prettyNotificationBody: true });
    const request = await firstPush(sim, (await sim.admin.createOrder({ lines: [{ sku: 'N-1', quantity: 1 }] })).orderId);
    await sim.admin.setFaults({});
    expect(request.rawBody.toString()).toContain('\n');
    await adapter.prepareWebhook(request);
    expect(adapter.verifyWebhook(request)).toEqual({ ok: true });
  });

  it('a transient failure fetching the key surfaces as a ChannelError (the push gets a 5xx)', async () => {
    const { kid } = await sim.admin.rotateKey();
    const request = await firstPush(sim, (await sim.admin.createOrder({ lines: [{ sku: 'N-1', quantity: 1 }] })).orderId);
    expect(decodeKid(request)).toBe(kid);
    await sim.admin.setFaults({ serverErrors: 1 });
    await expect(adapter.prepareWebhook(request)).rejects.toMatchObject({ name: 'ChannelError', kind: 'transient' });
    await adapter.prepareWebhook(request);
    expect(adapter.verifyWebhook(request)).toEqual({ ok: true });
  });
});

describe('eBay notifications delivered over HTTP', () => {
  it('POSTs signed pushes to the webhook URL; dropped ones never arrive', async () => {
    const received: WebhookRequest[] = [];
    const receiver = Fastify();
    receiver.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    receiver.post('/ebay', async (req, reply) => {
      received.push({ rawBody: req.body as Buffer, headers: req.headers, account: ACCOUNT });
      return reply.code(204).send();
    });
    const hookUrl = `${await receiver.listen({ host: '127.0.0.1', port: 0 })}/ebay`;
    const sim = await startEbaySimulator({ webhookUrl: hookUrl, products: [{ sku: 'H-1', price: '2.00', stock: 10 }] });
    try {
      const adapter = adapterFor(sim);
      await sim.admin.setFaults({ dropNotifications: 1 });
      const dropped = await sim.admin.createOrder({ lines: [{ sku: 'H-1', quantity: 1 }] });
      const { orderId } = await sim.admin.createOrder({ lines: [{ sku: 'H-1', quantity: 1 }] });
      for (let i = 0; i < 100 && received.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(received).toHaveLength(1);
      const push = received[0]!;
      await adapter.prepareWebhook(push);
      expect(adapter.verifyWebhook(push)).toEqual({ ok: true });
      const parsed = adapter.parseWebhook(push);
      expect(parsed.ok && parsed.events.map((e) => e.externalId)).toEqual([orderId]);
      expect((await sim.admin.notifications(dropped.orderId))[0]).toMatchObject({ dropped: true, attempts: 0 });
    } finally {
      await sim.close();
      await receiver.close();
    }
  });
});

describe('eBay orders', () => {
  let sim: EbaySimulator;
  let adapter: EbayAdapter;
  beforeAll(async () => {
    sim = await startEbaySimulator({ products: [{ sku: 'O-1', price: '7.25', stock: 100 }, { sku: 'O-2', price: '3.10', stock: 100 }] });
    adapter = adapterFor(sim);
  });
  afterAll(() => sim.close());

  it('maps money, address, customer and status', async () => {
    const { orderId } = await sim.admin.createOrder({
      lines: [{ sku: 'O-1', quantity: 3, unitPrice: '7.25' }, { sku: 'O-2', quantity: 1 }],
      shippingCost: '4.99',
      buyer: { username: 'pat_buys', fullName: 'Pat Doe', email: 'pat@example.com' },
    });
    const order = await adapter.getOrder({ externalId: orderId });
    expect(order).toMatchObject({
      channel: 'ebay', account: ACCOUNT, externalId: orderId, status: 'paid', currency: 'USD',
      total: { amount: '29.84', currency: 'USD' },
      shippingTotal: { amount: '4.99', currency: 'USD' },
      customer: { name: 'Pat Doe', email: 'pat@example.com' },
      shippingAddress: { name: 'Pat Doe', street1: '2145 Hamilton Ave', city: 'San Jose', countryCode: 'US' },
    });
    expect(order.lines.map((l) => [l.sku, l.quantity, l.unitPrice.amount])).toEqual([['O-1', 3, '7.25'], ['O-2', 1, '3.10']]);
  });

  it('loses buyer PII the way eBay does: email after 14 days, name and street after 90', async () => {
    const day = 86_400_000;
    const at = (days: number) => new Date(Date.now() - days * day).toISOString();
    const recent = await adapter.getOrder({ externalId: (await sim.admin.createOrder({ lines: [{ sku: 'O-1', quantity: 1 }], createdAt: at(20) })).orderId });
    expect(recent.customer.email).toBeUndefined();
    expect(recent.shippingAddress?.street1).toBe('2145 Hamilton Ave');
    const old = await adapter.getOrder({ externalId: (await sim.admin.createOrder({ lines: [{ sku: 'O-1', quantity: 1 }], createdAt: at(100) })).orderId });
    expect(old.shippingAddress).toBeUndefined();
    expect(old.customer.name).toMatch(/^buyer_/);
  });

  it('follows shipping, cancellation and refunds into the canonical status', async () => {
    const shipped = await sim.admin.createOrder({ lines: [{ sku: 'O-1', quantity: 2 }] });
    const lineId = shipped.lineItemIds[0]!;
    await adapter.confirmShipment({ externalId: shipped.orderId, shipmentId: 's-1', lines: [{ lineId, quantity: 1 }], carrier: 'USPS', trackingNumber: 'TRK1' });
    expect((await adapter.getOrder({ externalId: shipped.orderId })).status).toBe('partially_shipped');
    await adapter.confirmShipment({ externalId: shipped.orderId, shipmentId: 's-2', lines: [{ lineId, quantity: 1 }], carrier: 'USPS', trackingNumber: 'TRK2' });
    expect((await adapter.getOrder({ externalId: shipped.orderId })).status).toBe('shipped');

    const cancelled = await sim.admin.createOrder({ lines: [{ sku: 'O-2', quantity: 1 }] });
    await sim.admin.cancelOrder(cancelled.orderId);
    expect((await adapter.getOrder({ externalId: cancelled.orderId })).status).toBe('cancelled');

    const refunded = await sim.admin.createOrder({ lines: [{ sku: 'O-2', quantity: 1 }] });
    await sim.admin.refundOrder(refunded.orderId);
    expect((await adapter.getOrder({ externalId: refunded.orderId })).status).toBe('refunded');
  });

  it('reads refunds into the order: a partial refund of one line, then the rest as a full refund', async () => {
    const placed = await sim.admin.createOrder({ lines: [{ sku: 'O-1', quantity: 2, unitPrice: '7.25' }, { sku: 'O-2', quantity: 1 }], shippingCost: '1.00' });
    const [mugLine, capLine] = placed.lineItemIds as [string, string];
    await adapter.confirmShipment({ externalId: placed.orderId, shipmentId: 'r-1', lines: [{ lineId: mugLine, quantity: 2 }, { lineId: capLine, quantity: 1 }], carrier: 'USPS', trackingNumber: 'TRKREF1' });
    expect((await adapter.getOrder({ externalId: placed.orderId })).refunds).toBeUndefined();

    const partial = await sim.admin.refundOrder(placed.orderId, { lines: [{ lineItemId: mugLine, amount: '7.25' }] });
    const afterPartial = await adapter.getOrder({ externalId: placed.orderId });
    expect(afterPartial.status).toBe('shipped');
    expect(afterPartial.refunds).toEqual([
      {
        refundId: partial.refundId,
        occurredAt: expect.any(String),
        lines: [{ lineId: mugLine, quantity: 1, amount: { amount: '7.25', currency: 'USD' }, restock: false }],
        total: { amount: '7.25', currency: 'USD' },
      },
    ]);

    // The rest of the order (7.25 + 3.10 + 1.00 shipping), as eBay refunds it: order-level money, no lines.
    const rest = await sim.admin.refundOrder(placed.orderId);
    const after = await adapter.getOrder({ externalId: placed.orderId });
    expect(after.status).toBe('refunded');
    expect(after.refunds?.map((r) => r.refundId)).toEqual([partial.refundId, rest.refundId]);
    expect(after.refunds?.[1]).toMatchObject({ lines: [], total: { amount: '11.35', currency: 'USD' } });
    // Listing returns the same refunds as getOrder.
    const listed = await adapter.listOrdersChangedSince({ since: new Date(Date.now() - 60_000).toISOString() });
    expect(listed.orders.find((o) => o.externalId === placed.orderId)?.refunds).toEqual(after.refunds);
  });

  it('maps a full refund issued as one order-level amount to every line', async () => {
    const placed = await sim.admin.createOrder({ lines: [{ sku: 'O-1', quantity: 1 }, { sku: 'O-2', quantity: 2 }] });
    const full = await sim.admin.refundOrder(placed.orderId, { amount: '13.45' });
    const order = await adapter.getOrder({ externalId: placed.orderId });
    expect(order.refunds).toEqual([
      {
        refundId: full.refundId,
        occurredAt: expect.any(String),
        lines: [
          { lineId: placed.lineItemIds[0], quantity: 1, amount: { amount: '7.25', currency: 'USD' }, restock: false },
          { lineId: placed.lineItemIds[1], quantity: 2, amount: { amount: '6.20', currency: 'USD' }, restock: false },
        ],
        total: { amount: '13.45', currency: 'USD' },
      },
    ]);
  });

  it('confirmShipment is safe to repeat: the same tracking number is the same package', async () => {
    const { orderId, lineItemIds } = await sim.admin.createOrder({ lines: [{ sku: 'O-1', quantity: 1 }] });
    const input = { externalId: orderId, shipmentId: 'p-1', lines: [{ lineId: lineItemIds[0]!, quantity: 1 }], carrier: 'UPS', trackingNumber: '1ZSAME' };
    const first = await adapter.confirmShipment(input);
    const again = await adapter.confirmShipment(input);
    expect(again.shipmentRef).toBe(first.shipmentRef);
    expect(await sim.admin.fulfillments(orderId)).toHaveLength(1);
  });

  it('rejects over-shipping and seller cancellation', async () => {
    const { orderId, lineItemIds } = await sim.admin.createOrder({ lines: [{ sku: 'O-1', quantity: 1 }] });
    await expect(
      adapter.confirmShipment({ externalId: orderId, shipmentId: 'x', lines: [{ lineId: lineItemIds[0]!, quantity: 2 }], carrier: 'UPS', trackingNumber: '1ZOVER' }),
    ).rejects.toMatchObject({ name: 'ChannelError', kind: 'rejected', details: { status: 400, vendorCode: '32600' } });
    await expect(adapter.cancelOrder({ externalId: orderId, reason: 'oos' })).rejects.toMatchObject({ name: 'ChannelError', kind: 'rejected' });
  });

  it('pages with offset inside a fixed window and skips orders changed before `since`', async () => {
    const old = await sim.admin.createOrder({ lines: [{ sku: 'O-1', quantity: 1 }], createdAt: new Date(Date.now() - 3_600_000).toISOString() });
    // Stamps never run ahead of the clock: a short pause puts earlier tests' orders strictly before `since`.
    await new Promise((r) => setTimeout(r, 5));
    const since = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 5));
    const fresh: string[] = [];
    for (let i = 0; i < 5; i++) fresh.push((await sim.admin.createOrder({ lines: [{ sku: 'O-2', quantity: 1 }] })).orderId);
    const seen: string[] = [];
    const cursors: string[] = [];
    let cursor: string | undefined;
    let page = await adapter.listOrdersChangedSince({ since, limit: 2 });
    for (;;) {
      seen.push(...page.orders.map((o) => o.externalId));
      cursor = page.nextCursor;
      if (!cursor) break;
      cursors.push(cursor);
      // An order created after the first page is outside the window and must not shift later pages.
      if (cursors.length === 1) await sim.admin.createOrder({ lines: [{ sku: 'O-2', quantity: 1 }] });
      page = await adapter.listOrdersChangedSince({ since, cursor, limit: 2 });
    }
    expect(cursors.map((c) => new URLSearchParams(c).get('offset'))).toEqual(['2', '4']);
    expect([...seen].sort()).toEqual([...fresh].sort());
    expect(seen).not.toContain(old.orderId);
  });
});

describe('eBay stock and prices', () => {
  const skus = Array.from({ length: 60 }, (_, i) => `B-${String(i).padStart(3, '0')}`);
  let sim: EbaySimulator;
  let adapter: EbayAdapter;
  beforeAll(async () => {
    sim = await startEbaySimulator({ products: skus.map((sku) => ({ sku, price: '1.00', stock: 1 })) });
    adapter = adapterFor(sim);
  });
  afterAll(() => sim.close());

  it('sends at most 25 entries per bulk call', async () => {
    const before = (await sim.admin.quota()).remaining['sell.inventory']!;
    const result = await adapter.pushStock({ items: skus.map((sku, i) => ({ sku, quantity: i })) });
    expect(result.calls).toBe(3);
    expect(before - (await sim.admin.quota()).remaining['sell.inventory']!).toBe(3);
    expect(result.results.every((r) => r.ok)).toBe(true);
    expect(await sim.admin.stock('B-059')).toBe(59);
    expect(await sim.admin.stock('B-025')).toBe(25);
  });

  it('reads each entry of a 207 answer into per-SKU results', async () => {
    await sim.admin.setProduct('B-001', { price: '1.00', stock: 1, published: false });
    const stock = await adapter.pushStock({ items: [{ sku: 'B-000', quantity: 9 }, { sku: 'GHOST', quantity: 1 }, { sku: 'B-002', quantity: -1 }] });
    expect(stock.results).toEqual([
      { sku: 'B-000', ok: true },
      { sku: 'GHOST', ok: false, error: expect.stringContaining('25702') },
      { sku: 'B-002', ok: false, error: expect.stringContaining('25709') },
    ]);
    expect(await sim.admin.stock('B-000')).toBe(9);
    const prices = await adapter.pushPrices({
      items: [
        { sku: 'B-003', price: { amount: '4.50', currency: 'USD' } },
        { sku: 'B-001', price: { amount: '4.50', currency: 'USD' } },
        { sku: 'B-004', price: { amount: '4.50', currency: 'EUR' } },
        { sku: 'GHOST', price: { amount: '4.50', currency: 'USD' } },
      ],
    });
    expect(prices.results.map((r) => [r.sku, r.ok])).toEqual([
      ['B-001', false], ['GHOST', false], ['B-003', true], ['B-004', false],
    ]);
    expect(await sim.admin.price('B-003')).toBe('4.50');
    expect(await sim.admin.price('B-004')).toBe('1.00');
  });
});

describe('eBay auth and quotas', () => {
  it('caches the user token across calls', async () => {
    const sim = await startEbaySimulator({ products: [{ sku: 'T-1', price: '1.00', stock: 5 }] });
    try {
      const adapter = adapterFor(sim);
      for (let i = 0; i < 5; i++) await adapter.pushStock({ items: [{ sku: 'T-1', quantity: i }] });
      expect((await sim.admin.quota()).tokensIssued).toBe(1);
      await sim.admin.expireTokens();
      await expect(adapter.pushStock({ items: [{ sku: 'T-1', quantity: 1 }] })).rejects.toMatchObject({ name: 'ChannelError', kind: 'auth' });
      // The rejected token was dropped: the next call mints a new one.
      await adapter.pushStock({ items: [{ sku: 'T-1', quantity: 2 }] });
      expect(await sim.admin.stock('T-1')).toBe(2);
    } finally {
      await sim.close();
    }
  });

  it('a wrong refresh token is an auth error', async () => {
    const sim = await startEbaySimulator({ products: [{ sku: 'T-1', price: '1.00', stock: 5 }] });
    try {
      const adapter = adapterFor(sim, { refreshToken: 'v^1.1#wrong' });
      await expect(adapter.pushStock({ items: [{ sku: 'T-1', quantity: 1 }] })).rejects.toMatchObject({ name: 'ChannelError', kind: 'auth' });
    } finally {
      await sim.close();
    }
  });

  it('a spent daily quota answers 429/2001 and the adapter waits until the quota restarts', async () => {
    // The quota day ends at midnight Pacific time: never straddle it.
    if (msUntilQuotaReset() < 60_000) await new Promise((r) => setTimeout(r, msUntilQuotaReset() + 1_000));
    const sim = await startEbaySimulator({ dailyQuota: 2, products: [{ sku: 'Q-1', price: '1.00', stock: 5 }] });
    try {
      const adapter = adapterFor(sim, { minRetryAfterMs: 5000 });
      await adapter.pushStock({ items: [{ sku: 'Q-1', quantity: 1 }] });
      await adapter.pushStock({ items: [{ sku: 'Q-1', quantity: 2 }] });
      const err = (await adapter.pushStock({ items: [{ sku: 'Q-1', quantity: 3 }] }).catch((e: unknown) => e)) as ChannelError;
      expect(err).toBeInstanceOf(ChannelError);
      expect(err).toMatchObject({ kind: 'rate_limited', details: { status: 429, vendorCode: '2001' } });
      const expected = Math.max(5000, msUntilQuotaReset());
      expect(err.details.retryAfterMs).toBeGreaterThanOrEqual(5000);
      expect(Math.abs(err.details.retryAfterMs! - expected)).toBeLessThan(60_000);
      expect(await sim.admin.stock('Q-1')).toBe(2);
      // Other APIs have their own quota.
      const { orderId } = await sim.admin.createOrder({ lines: [{ sku: 'Q-1', quantity: 1 }] });
      await expect(adapter.getOrder({ externalId: orderId })).resolves.toMatchObject({ externalId: orderId });
    } finally {
      await sim.close();
    }
  });
});

describe('eBay stock reads (bulkGetInventoryItem)', () => {
  it('reads ship-to-home quantities 25 SKUs a call: changes made on eBay show, unknown SKUs are not listed', async () => {
    const products = Array.from({ length: 30 }, (_, i) => ({ sku: `R-${i}`, price: '2.00', stock: i }));
    const sim = await startEbaySimulator({ products });
    try {
      await sim.admin.setProduct('R-3', { price: '2.00', stock: 77 });
      const read = stockReadActivity(adapterFor(sim));
      const one = await read(['R-3', 'R-4', 'NOPE']);
      expect(one).toEqual({ results: [{ sku: 'R-3', quantity: 77 }, { sku: 'R-4', quantity: 4 }, { sku: 'NOPE', quantity: null }], calls: 1 });
      // More than one call holds, and a SKU named twice is asked for once (eBay refuses repeats with 25734).
      const many = await read([...products.map((p) => p.sku), 'R-0']);
      expect(many.calls).toBe(2);
      expect(many.results.map((r) => r.quantity)).toEqual([...products.map((p) => (p.sku === 'R-3' ? 77 : p.stock)), 0]);
    } finally {
      await sim.close();
    }
  });
});

import { createWooCommerceAdapter } from '../../activities/marketplaces/woocommerce';
import { type ChannelAdapter } from '../../activities/marketplaces/types';
import { type WooCommerceSimulator, startWooCommerceSimulator } from '../../simulators/woocommerce';
import { stockReadActivity } from '../support/stock-reads';

// WooCommerce-specific adapter behaviour beyond the shared conformance suite.

function adapterFor(sim: WooCommerceSimulator, overrides: { consumerSecret?: string } = {}): ChannelAdapter {
  return createWooCommerceAdapter({
    account: 'woo-adapter',
    siteUrl: sim.url,
    consumerKey: sim.consumerKey,
    consumerSecret: overrides.consumerSecret ?? sim.consumerSecret,
    webhookSecret: 'unused',
  });
}

describe('WooCommerce adapter', () => {
  let sim: WooCommerceSimulator;
  let adapter: ChannelAdapter;

  beforeAll(async () => {
    sim = await startWooCommerceSimulator({ webhookSecret: 'unused', timezoneOffsetMinutes: 330 });
    adapter = adapterFor(sim);
  });
  afterAll(async () => {
    await sim.close();
  });

  it('maps UTC dates from the _gmt fields, not the site-local ones', async () => {
    const created = await sim.admin.createOrder({ lines: [{ sku: 'WOO-MUG', quantity: 1 }], status: 'processing' });
    const order = await adapter.getOrder({ externalId: String(created.id) });
    expect(order.createdAt).toBe(`${created.date_created_gmt as string}.000Z`);
    expect(created.date_created).not.toBe(created.date_created_gmt);
    expect(order).toMatchObject({ status: 'paid', name: `#${created.id}`, customer: { email: 'ada.buyer@example.com' }, shippingAddress: { countryCode: 'US' } });
  });

  it('reads shipping_tax as the shipping tax, inside the total', async () => {
    const created = await sim.admin.createOrder({ lines: [{ sku: 'WOO-MUG', quantity: 1, unitPrice: '10.00' }], shippingTotal: '5.00', shippingTax: '0.40', status: 'processing' });
    expect(created).toMatchObject({ shipping_tax: '0.40', total_tax: '0.40', total: '15.40' });
    const order = await adapter.getOrder({ externalId: String(created.id) });
    expect(order).toMatchObject({ shippingTotal: { amount: '5.00', currency: 'USD' }, shippingTax: { amount: '0.40', currency: 'USD' }, total: { amount: '15.40', currency: 'USD' } });
  });

  it('pushes variations through their parent batch and reports unknown and variable SKUs per item', async () => {
    const result = await adapter.pushStock({
      items: [
        { sku: 'WOO-TEE-S', quantity: 11 },
        { sku: 'WOO-MUG', quantity: 12 },
        { sku: 'NO-SUCH-SKU', quantity: 1 },
        { sku: 'WOO-TEE', quantity: 5 },
      ],
    });
    expect(result.results.map((r) => [r.sku, r.ok])).toEqual([
      ['WOO-TEE-S', true],
      ['WOO-MUG', true],
      ['NO-SUCH-SKU', false],
      ['WOO-TEE', false],
    ]);
    expect(result.calls).toBe(3);
    expect((await sim.admin.product('WOO-TEE-S')).stock).toBe(11);
    expect((await sim.admin.product('WOO-MUG')).stock).toBe(12);
    const prices = await adapter.pushPrices({ items: [{ sku: 'WOO-TEE-M', price: { amount: '17.5', currency: 'USD' } }] });
    // WOO-TEE-M was not looked up before: one lookup plus one variations batch.
    expect(prices).toEqual({ results: [{ sku: 'WOO-TEE-M', ok: true }], calls: 2 });
    expect((await sim.admin.product('WOO-TEE-M')).price).toBe('17.50');
  });

  it('completes the order once every unit has shipped, and does not post a retried shipment twice', async () => {
    const created = await sim.admin.createOrder({ lines: [{ sku: 'WOO-CAP', quantity: 2 }], status: 'processing' });
    const id = String(created.id);
    const lineId = String(created.line_items[0]!.id);
    const first = await adapter.confirmShipment({ externalId: id, shipmentId: 'pkg-1', carrier: 'DHL', trackingNumber: 'JD01', lines: [{ lineId, quantity: 1 }] });
    expect((await adapter.getOrder({ externalId: id })).status).toBe('paid');
    const retry = await adapter.confirmShipment({ externalId: id, shipmentId: 'pkg-1', carrier: 'DHL', trackingNumber: 'JD01', lines: [{ lineId, quantity: 1 }] });
    expect(retry.shipmentRef).toBe(first.shipmentRef);
    await expect(adapter.confirmShipment({ externalId: id, shipmentId: 'pkg-2', carrier: 'DHL', trackingNumber: 'JD02', lines: [{ lineId, quantity: 2 }] })).rejects.toMatchObject({ kind: 'rejected' });
    await adapter.confirmShipment({ externalId: id, shipmentId: 'pkg-2', carrier: 'DHL', trackingNumber: 'JD02', trackingUrl: 'https://dhl.example/JD02', lines: [{ lineId, quantity: 1 }] });
    expect((await adapter.getOrder({ externalId: id })).status).toBe('shipped');
    const customerNotes = (await sim.admin.notes(created.id)).filter((n) => n.customer_note);
    expect(customerNotes.map((n) => n.note.split('\n')[0])).toEqual([
      'Shipped with DHL, tracking number JD01.',
      'Shipped with DHL, tracking number JD02 (https://dhl.example/JD02).',
    ]);
  });

  it('cancels whole orders only, restoring stock, and refuses to cancel a completed one', async () => {
    const before = (await sim.admin.product('WOO-BAG')).stock!;
    const created = await sim.admin.createOrder({ lines: [{ sku: 'WOO-BAG', quantity: 3 }], status: 'processing' });
    expect((await sim.admin.product('WOO-BAG')).stock).toBe(before - 3);
    const id = String(created.id);
    await expect(adapter.cancelOrder({ externalId: id, reason: 'x', lineIds: [String(created.line_items[0]!.id)] })).rejects.toMatchObject({ kind: 'rejected' });
    await adapter.cancelOrder({ externalId: id, reason: 'out of stock in the warehouse' });
    await adapter.cancelOrder({ externalId: id, reason: 'again' });
    expect((await adapter.getOrder({ externalId: id })).status).toBe('cancelled');
    expect((await sim.admin.product('WOO-BAG')).stock).toBe(before);
    expect((await sim.admin.notes(created.id)).filter((n) => n.note.startsWith('Cancelled by channelsync'))).toHaveLength(1);
    const done = await sim.admin.createOrder({ lines: [{ sku: 'WOO-BAG', quantity: 1 }], status: 'processing' });
    await sim.admin.setStatus(done.id, 'completed');
    await expect(adapter.cancelOrder({ externalId: String(done.id), reason: 'late' })).rejects.toMatchObject({ kind: 'rejected' });
  });

  it('classifies errors: unknown order, bad credentials, throttling, server errors', async () => {
    await expect(adapter.getOrder({ externalId: '999999' })).rejects.toMatchObject({ kind: 'rejected', details: { status: 404 } });
    await expect(adapterFor(sim, { consumerSecret: 'cs_wrong' }).getOrder({ externalId: '1' })).rejects.toMatchObject({ kind: 'auth', details: { status: 401 } });
    await sim.admin.setFaults({ rateLimits: 1, retryAfterSeconds: 7 });
    await expect(adapter.getOrder({ externalId: '1' })).rejects.toMatchObject({ kind: 'rate_limited', details: { status: 429, retryAfterMs: 7000 } });
    await sim.admin.setFaults({ serverErrors: 1 });
    await expect(adapter.getOrder({ externalId: '1' })).rejects.toMatchObject({ kind: 'transient', details: { status: 503 } });
    await sim.admin.resetFaults();
    await expect(adapter.listOrdersChangedSince({ since: new Date().toISOString(), cursor: 'garbage' })).rejects.toMatchObject({ kind: 'rejected' });
  });

  it('lists only orders modified after the given time, including old orders edited since', async () => {
    const old = await sim.admin.createOrder({ lines: [{ sku: 'WOO-MUG', quantity: 1 }] });
    // modified_after has whole-second resolution (and we step back one second): leave a clear gap.
    await new Promise((r) => setTimeout(r, 2100));
    const since = new Date().toISOString();
    const fresh = await sim.admin.createOrder({ lines: [{ sku: 'WOO-MUG', quantity: 1 }] });
    const ids = async () => {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await adapter.listOrdersChangedSince({ since, cursor, limit: 1 });
        seen.push(...page.orders.map((o) => o.externalId));
        cursor = page.nextCursor;
      } while (cursor);
      return seen;
    };
    expect(await ids()).toEqual([String(fresh.id)]);
    await sim.admin.markPaid(old.id);
    expect(await ids()).toEqual([String(old.id), String(fresh.id)]);
  });

  it('reads stock by SKU in one call: a wp-admin edit shows, unmanaged stock is untracked, variable and unknown SKUs are not listed', async () => {
    await sim.admin.setStock('WOO-CAP', { quantity: 42 });
    await sim.admin.setStock('WOO-BAG', { quantity: null, manageStock: false });
    await sim.admin.setStock('WOO-TEE-S', { quantity: 7 });
    const read = stockReadActivity(adapter);
    expect(await read(['WOO-CAP', 'WOO-BAG', 'WOO-TEE-S', 'WOO-TEE', 'NOPE'])).toEqual({
      results: [
        { sku: 'WOO-CAP', quantity: 42 },
        { sku: 'WOO-BAG', quantity: null, untracked: true },
        { sku: 'WOO-TEE-S', quantity: 7 },
        { sku: 'WOO-TEE', quantity: null },
        { sku: 'NOPE', quantity: null },
      ],
      calls: 1,
    });
    // A push switches stock management back on, so re-pushing is the drift check's cure for untracked stock.
    await adapter.pushStock({ items: [{ sku: 'WOO-BAG', quantity: 5 }] });
    expect((await read(['WOO-BAG'])).results).toEqual([{ sku: 'WOO-BAG', quantity: 5 }]);
  });
});

describe('WooCommerce adapter with a large catalogue', () => {
  it('splits stock pushes into batches of 100', async () => {
    const products = Array.from({ length: 150 }, (_, i) => ({ sku: `BULK-${i}`, price: '1.00', stock: 0 }));
    const sim = await startWooCommerceSimulator({ webhookSecret: 'unused', products });
    try {
      const adapter = adapterFor(sim);
      const result = await adapter.pushStock({ items: products.map((p, i) => ({ sku: p.sku, quantity: i })) });
      expect(result.results.every((r) => r.ok)).toBe(true);
      expect(result.calls).toBe(4);
      expect((await sim.admin.product('BULK-149')).stock).toBe(149);
      const again = await adapter.pushStock({ items: products.map((p) => ({ sku: p.sku, quantity: 5 })) });
      // SKU ids are cached: only the two batch calls this time.
      expect(again.calls).toBe(2);
    } finally {
      await sim.close();
    }
  });
});

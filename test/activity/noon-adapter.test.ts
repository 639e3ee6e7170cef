import Fastify, { type FastifyInstance } from 'fastify';
import { createNoonAdapter, type NoonAdapterConfig } from '../../activities/marketplaces/noon';
import {
  generateServiceKey,
  type NoonSimulator,
  type NoonSimulatorOptions,
  type ServiceKey,
  startNoonSimulator,
} from '../../simulators/noon';
import { noonAdmin } from '../../simulators/noon/admin-client';
import { stockReadActivity } from '../support/stock-reads';

const SKUS = ['DATES', 'OUD', 'KAHWA'];
const CREDENTIALS = { 'x-channelsync-token': 'tok-123', 'x-tenant': 'acme' };
const sims: NoonSimulator[] = [];
let serviceKey: ServiceKey;

jest.setTimeout(60_000);

beforeAll(async () => {
  serviceKey = await generateServiceKey();
});

async function setup(options: NoonSimulatorOptions = {}, adapter: Partial<NoonAdapterConfig> = {}) {
  const sim = await startNoonSimulator({
    serviceKey,
    products: SKUS.map((partnerSku) => ({ partnerSku, qty: 10, prices: { AE: 10, SA: 11 } })),
    ...options,
  });
  sims.push(sim);
  const config: NoonAdapterConfig = {
    account: 'ae-main', baseUrl: sim.url, key: sim.credentials, country: 'AE', warehouseCode: sim.warehouses[0]!,
    webhookCredentials: CREDENTIALS, ...adapter,
  };
  return { sim, admin: noonAdmin(sim.url), adapter: createNoonAdapter(config) };
}

async function until<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 400; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`gave up waiting for ${what}`);
}

afterAll(async () => {
  await Promise.all(sims.map((s) => s.close()));
});

describe('noon session', () => {
  it('logs in once, then renews after the session is dropped (401) and finishes the call', async () => {
    const { admin, adapter } = await setup();
    const { fbpi_order_nr } = await admin.createOrder({ lines: [{ sku: 'DATES', quantity: 1, unitPrice: '10' }] });
    await Promise.all([adapter.getOrder({ externalId: fbpi_order_nr }), adapter.getOrder({ externalId: fbpi_order_nr })]);
    expect(await admin.sessions()).toEqual({ count: 1 });
    await admin.expireSessions();
    expect((await adapter.getOrder({ externalId: fbpi_order_nr })).externalId).toBe(fbpi_order_nr);
    expect(await admin.sessions()).toEqual({ count: 2 });
  });

  it('renews ahead of the cookie expiry without waiting for a 401', async () => {
    // The cookie lives 30 minutes and the adapter renews 1 hour ahead: every call must log in first.
    const { admin, adapter } = await setup({ settings: { sessionTtlMs: 30 * 60_000 } }, { renewMarginMs: 3600_000 });
    const { fbpi_order_nr } = await admin.createOrder({ lines: [{ sku: 'DATES', quantity: 1, unitPrice: '10' }] });
    await adapter.getOrder({ externalId: fbpi_order_nr });
    await adapter.getOrder({ externalId: fbpi_order_nr });
    expect(await admin.sessions()).toEqual({ count: 2 });
  });

  it('is refused with a key the project does not know', async () => {
    const { sim } = await setup();
    const other = await generateServiceKey();
    const key = { ...sim.credentials, key_id: other.keyId, private_key: other.privateKeyPem };
    const stranger = createNoonAdapter({
      account: 'ae-main', baseUrl: sim.url, key, country: 'AE', warehouseCode: 'WH-AE-DXB1', webhookCredentials: CREDENTIALS,
    });
    await expect(stranger.getOrder({ externalId: 'NFBO1' })).rejects.toMatchObject({ kind: 'auth', details: { status: 401 } });
  });
});

describe('noon orders', () => {
  it('folds unit items by SKU, acknowledges, and cancels as out of stock', async () => {
    const { admin, adapter } = await setup();
    const { fbpi_order_nr } = await admin.createOrder({
      lines: [{ sku: 'DATES', quantity: 2, unitPrice: '1299.5' }, { sku: 'OUD', quantity: 1, unitPrice: '0.1' }],
      country: 'AE',
    });
    const order = await adapter.getOrder({ externalId: fbpi_order_nr });
    expect(order.lines.map((l) => [l.lineId, l.quantity, l.unitPrice.amount])).toEqual([['DATES', 2, '1299.50'], ['OUD', 1, '0.10']]);
    expect(order.total).toEqual({ amount: '2599.10', currency: 'AED' });
    expect(order.customer.name).toBe('Fatima Al Mansoori');

    await adapter.acknowledgeOrder({ externalId: fbpi_order_nr });
    expect((await admin.order(fbpi_order_nr)).items.map((i) => i.integrationStatus)).toEqual(Array(3).fill('INTEGRATION_ITEM_STATUS_ACKNOWLEDGED'));

    await adapter.cancelOrder({ externalId: fbpi_order_nr, reason: 'no stock', lineIds: ['OUD'] });
    const after = await adapter.getOrder({ externalId: fbpi_order_nr });
    expect(after.lines.map((l) => l.quantity)).toEqual([2, 0]);
    expect(after.total.amount).toBe('2599.00');
    await adapter.cancelOrder({ externalId: fbpi_order_nr, reason: 'no stock' });
    expect((await adapter.getOrder({ externalId: fbpi_order_nr })).status).toBe('cancelled');
  });

  it('creates a shipment once per seller shipment number and refuses units that are not open', async () => {
    const { admin, adapter } = await setup();
    const { fbpi_order_nr } = await admin.createOrder({ lines: [{ sku: 'KAHWA', quantity: 2, unitPrice: '20' }] });
    const shipment = { externalId: fbpi_order_nr, shipmentId: 'SHP-1', carrier: 'Aramex', trackingNumber: 'AWB1', lines: [{ lineId: 'KAHWA', quantity: 1 }] };
    await adapter.confirmShipment(shipment);
    await adapter.confirmShipment(shipment);
    expect(await admin.shipments(fbpi_order_nr)).toHaveLength(1);
    expect((await adapter.getOrder({ externalId: fbpi_order_nr })).status).toBe('partially_shipped');
    await expect(adapter.confirmShipment({ ...shipment, shipmentId: 'SHP-2', lines: [{ lineId: 'KAHWA', quantity: 2 }] })).rejects.toMatchObject({ kind: 'rejected' });
    await adapter.confirmShipment({ ...shipment, shipmentId: 'SHP-2', trackingNumber: 'AWB2' });
    expect((await adapter.getOrder({ externalId: fbpi_order_nr })).status).toBe('shipped');
    await expect(adapter.cancelOrder({ externalId: fbpi_order_nr, reason: 'x' })).rejects.toMatchObject({ kind: 'rejected' });
  });

  it('reads refunds of shipped units into the order: one unit of a line, then the rest', async () => {
    const { admin, adapter } = await setup();
    const { fbpi_order_nr, mp_item_nrs } = await admin.createOrder({ lines: [{ sku: 'DATES', quantity: 2, unitPrice: '45.5' }, { sku: 'OUD', quantity: 1, unitPrice: '120' }] });
    const [date1, date2, oud] = mp_item_nrs as [string, string, string];
    await expect(admin.refund(fbpi_order_nr, { itemNrs: [date1] })).rejects.toThrow(/not shipped/);
    await adapter.confirmShipment({ externalId: fbpi_order_nr, shipmentId: 'SHP-R', carrier: 'Aramex', trackingNumber: 'AWBR', lines: [{ lineId: 'DATES', quantity: 2 }, { lineId: 'OUD', quantity: 1 }] });
    expect((await adapter.getOrder({ externalId: fbpi_order_nr })).refunds).toBeUndefined();

    const { refund_nr: first } = await admin.refund(fbpi_order_nr, { itemNrs: [date1] });
    const partial = await adapter.getOrder({ externalId: fbpi_order_nr });
    expect(partial.refunds).toEqual([
      { refundId: first, occurredAt: expect.any(String), lines: [{ lineId: 'DATES', quantity: 1, amount: { amount: '45.50', currency: 'AED' }, restock: true }], total: { amount: '45.50', currency: 'AED' }, note: 'CUSTOMER_RETURN' },
    ]);
    expect(partial.lines.map((l) => [l.lineId, l.quantity])).toEqual([['DATES', 2], ['OUD', 1]]);

    const { refund_nr: rest } = await admin.refund(fbpi_order_nr, { itemNrs: [date2, oud] });
    const full = await adapter.getOrder({ externalId: fbpi_order_nr });
    expect(full.refunds?.[0]).toEqual(partial.refunds?.[0]);
    expect(full.refunds?.[1]).toMatchObject({
      refundId: rest,
      lines: [
        { lineId: 'DATES', quantity: 1, amount: { amount: '45.50', currency: 'AED' } },
        { lineId: 'OUD', quantity: 1, amount: { amount: '120.00', currency: 'AED' } },
      ],
      total: { amount: '165.50', currency: 'AED' },
    });
  });

  it('pages with next_token and slices big pages when page_size is ignored', async () => {
    for (const settings of [{ acceptPageSize: true, pageSize: 50 }, { acceptPageSize: false, pageSize: 7 }, { acceptPageSize: false, pageSize: 50 }]) {
      const { admin, adapter } = await setup({ settings });
      const since = new Date(Date.now() - 1000).toISOString();
      const made: string[] = [];
      for (let i = 0; i < 23; i++) made.push((await admin.createOrder({ lines: [{ sku: 'DATES', quantity: 1, unitPrice: '1' }] })).fbpi_order_nr);
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await adapter.listOrdersChangedSince({ since, cursor, limit: 10 });
        expect(page.orders.length).toBeLessThanOrEqual(10);
        seen.push(...page.orders.map((o) => o.externalId));
        cursor = page.nextCursor;
        pages++;
      } while (cursor && pages < 50);
      expect(seen).toEqual(made);
    }
  });
});

describe('noon stock and prices', () => {
  it('reports each SKU on its own when a batch succeeds in part', async () => {
    const { admin, sim, adapter } = await setup({}, { batchSize: 2 });
    const stock = await adapter.pushStock({ items: [{ sku: 'DATES', quantity: 4 }, { sku: 'GHOST', quantity: 1 }, { sku: 'OUD', quantity: -1 }, { sku: 'KAHWA', quantity: 0 }] });
    expect(stock.calls).toBe(2);
    expect(stock.results.map((r) => [r.sku, r.ok])).toEqual([['DATES', true], ['GHOST', false], ['OUD', false], ['KAHWA', true]]);
    expect(stock.results[1]!.error).toMatch(/NOT_FOUND/);
    expect((await admin.product('DATES')).stock[sim.warehouses[0]!]).toBe(4);
    expect((await admin.product('OUD')).stock[sim.warehouses[0]!]).toBe(10);

    const prices = await adapter.pushPrices({
      items: [
        { sku: 'DATES', price: { amount: '1299.50', currency: 'AED' } },
        { sku: 'GHOST', price: { amount: '1.00', currency: 'AED' } },
        { sku: 'OUD', price: { amount: '5.00', currency: 'SAR' } },
      ],
    });
    expect(prices.results.map((r) => [r.sku, r.ok])).toEqual([['DATES', true], ['GHOST', false], ['OUD', false]]);
    expect((await admin.product('DATES')).prices.AE?.price).toBe(1299.5);
    expect((await admin.product('OUD')).prices.SA?.price).toBe(11);
  });

  it('prices a Saudi account in SAR with lower-case country codes', async () => {
    const { admin, adapter } = await setup({}, { country: 'SA', countryCodeCase: 'lower' });
    const result = await adapter.pushPrices({ items: [{ sku: 'OUD', price: { amount: '77.25', currency: 'SAR' } }] });
    expect(result.results).toEqual([{ sku: 'OUD', ok: true }]);
    expect((await admin.product('OUD')).prices.SA?.price).toBe(77.25);
  });

  it('turns going over the configured rate into rate_limited, with or without Retry-After', async () => {
    for (const retryAfterHeader of [true, false]) {
      const { adapter } = await setup({ settings: { requestsPerMinute: 3, retryAfterHeader } });
      const settled = await Promise.allSettled([1, 2, 3, 4].map(() => adapter.pushStock({ items: [{ sku: 'DATES', quantity: 1 }] })));
      const refused = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
      expect(refused.length).toBeGreaterThanOrEqual(1);
      expect(refused[0]!.reason).toMatchObject({ kind: 'rate_limited', details: { status: 429 } });
      expect(refused[0]!.reason.details.retryAfterMs === undefined).toBe(!retryAfterHeader);
    }
  });
});

describe('noon stock reads (stock-list)', () => {
  it('reads the integration warehouse in batches: a change made on noon shows, an unknown partner_sku is not listed', async () => {
    const { admin, adapter } = await setup({}, { batchSize: 2 });
    await admin.putProduct('OUD', { qty: 6 });
    const read = stockReadActivity(adapter);
    expect(await read(['OUD', 'GHOST', 'KAHWA'])).toEqual({
      results: [{ sku: 'OUD', quantity: 6 }, { sku: 'GHOST', quantity: null }, { sku: 'KAHWA', quantity: 10 }],
      calls: 2,
    });
  });
});

describe('noon webhooks', () => {
  let receiver: FastifyInstance;
  const received: { body: string; headers: Record<string, string | string[] | undefined> }[] = [];
  let failuresLeft = 1;

  beforeAll(async () => {
    receiver = Fastify();
    receiver.addContentTypeParser('application/json', { parseAs: 'string' }, (_r, body, done) => done(null, body));
    receiver.post('/noon', async (req, reply) => {
      if (failuresLeft > 0) {
        failuresLeft--;
        return reply.code(500).send('down');
      }
      received.push({ body: req.body as string, headers: req.headers });
      return reply.code(204).send();
    });
    await receiver.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(() => receiver.close());

  it('delivers at least once with the credential headers; the adapter checks them and keeps only the key', async () => {
    const url = `http://127.0.0.1:${receiver.addresses()[0]!.port}/noon`;
    const { admin, adapter } = await setup({
      webhooks: [{ url, credentials: CREDENTIALS }],
      settings: { webhookRetryIntervalMs: 5, duplicateDeliveries: true },
    });
    const { fbpi_order_nr } = await admin.createOrder({ lines: [{ sku: 'DATES', quantity: 1, unitPrice: '10' }] });
    const log = await until(async () => {
      const all = await admin.deliveries(fbpi_order_nr);
      return all.length === 2 && all.every((d) => d.delivered) ? all : undefined;
    }, 'noon deliveries');
    expect(log.map((d) => d.attempts).sort()).toEqual([1, 2]);
    const copies = received.filter((r) => r.body.includes(fbpi_order_nr));
    expect(copies).toHaveLength(2);
    const requests = copies.map((c) => ({ rawBody: Buffer.from(c.body), headers: c.headers, account: 'ae-main' }));
    for (const request of requests) expect(adapter.verifyWebhook(request)).toEqual({ ok: true });
    const events = requests.map((r) => adapter.parseWebhook(r)).flatMap((p) => (p.ok ? p.events : []));
    expect(events).toHaveLength(2);
    // Both copies are one event: the workflow drops the second by its id.
    expect(events[0]!.eventId).toBe(events[1]!.eventId);
    expect(events[0]).toMatchObject({ externalId: fbpi_order_nr, channel: 'noon', type: 'order.notified', topic: 'FBPI::ORDER_CREATED' });
    expect(Object.keys(JSON.parse(copies[0]!.body).payload)).toEqual(['order_nr']);
  });

  it('rejects deliveries with a missing or wrong credential, and any delivery when none is configured', async () => {
    const { adapter } = await setup();
    const body = Buffer.from(JSON.stringify({ event_type: 'FBPI::ORDER_CREATED', metadata: { published_at: '2026-04-09T08:42:15Z' }, payload: { order_nr: 'NFBO1' } }));
    const request = (headers: Record<string, string>) => ({ rawBody: body, headers, account: 'ae-main' });
    expect(adapter.verifyWebhook(request(CREDENTIALS))).toEqual({ ok: true });
    expect(adapter.verifyWebhook(request({ 'x-channelsync-token': 'tok-123' })).ok).toBe(false);
    expect(adapter.verifyWebhook(request({ ...CREDENTIALS, 'x-tenant': 'acme2' })).ok).toBe(false);
    const open = (await setup({}, { webhookCredentials: {} })).adapter;
    expect(open.verifyWebhook(request(CREDENTIALS)).ok).toBe(false);
  });

  it('drops deliveries when told to', async () => {
    const { admin } = await setup({ webhooks: [{ url: 'http://127.0.0.1:9/never', credentials: CREDENTIALS }], settings: { webhookRetryAttempts: 0 } });
    await admin.faults({ dropWebhooks: 1 });
    const { fbpi_order_nr } = await admin.createOrder({ lines: [{ sku: 'DATES', quantity: 1, unitPrice: '10' }] });
    expect((await admin.deliveries(fbpi_order_nr)).map((d) => d.dropped)).toEqual([true]);
  });
});

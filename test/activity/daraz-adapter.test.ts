import Fastify, { type FastifyInstance } from 'fastify';
import { type ChannelError } from '../../activities/marketplaces/errors';
import {
  createDarazAdapter,
  createDarazToken,
  type DarazAdapterConfig,
  type DarazTokens,
} from '../../activities/marketplaces/daraz';
import { callDaraz } from '../../activities/marketplaces/daraz/client';
import { type DarazSimulator, type DarazSimulatorOptions, startDarazSimulator } from '../../simulators/daraz';
import { darazAdmin } from '../../simulators/daraz/admin-client';
import { stockReadActivity } from '../support/stock-reads';

const FAR = () => new Date(Date.now() + 30 * 86_400_000).toISOString();
const SKUS = ['TEA', 'MUG', 'RICE', 'SALT&PEPPER'];
const sims: DarazSimulator[] = [];

jest.setTimeout(60_000);

async function setup(options: DarazSimulatorOptions = {}, adapter: Partial<DarazAdapterConfig> = {}) {
  const sim = await startDarazSimulator({
    accessToken: 'seed-token',
    products: SKUS.map((sellerSku) => ({ sellerSku, price: '250.00', quantity: 40 })),
    ...options,
  });
  sims.push(sim);
  const config: DarazAdapterConfig = {
    account: 'lk-main',
    country: options.country ?? 'PK',
    baseUrl: sim.restUrl,
    appKey: sim.appKey,
    appSecret: sim.appSecret,
    tokens: { accessToken: 'seed-token', refreshToken: 'none', accessExpiresAt: FAR(), refreshExpiresAt: FAR() },
    ...adapter,
  };
  return { sim, admin: darazAdmin(sim.url), adapter: createDarazAdapter(config), config };
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

describe('Daraz orders/get 5000 ceiling', () => {
  it.each([true, false])('slides the update_after window to reach every order (inclusive filter: %s)', async (inclusive) => {
    const { sim, admin, adapter } = await setup({ settings: { afterFilterInclusive: inclusive } });
    const start = Date.now() - 3 * 3600_000;
    const { order_ids } = await admin.bulkOrders({ count: 5150, sku: 'TEA', unitPrice: '10.00', startAt: start, stepMs: 1000 });

    // The gateway really refuses a page at the ceiling, so reaching the end proves the slide happened.
    const direct = callDaraz(
      { baseUrl: sim.restUrl, appKey: sim.appKey, appSecret: sim.appSecret },
      { apiPath: '/orders/get', method: 'GET', accessToken: 'seed-token', params: { update_after: '2020-01-01T00:00:00+05:00', offset: '4950', limit: '100' } },
    );
    await expect(direct).rejects.toMatchObject({ kind: 'rejected', details: { vendorCode: '97' } });

    const seen = new Set<string>();
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await adapter.listOrdersChangedSince({ since: new Date(start - 1000).toISOString(), cursor, limit: 100 });
      page.orders.forEach((o) => seen.add(o.externalId));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 200);
    expect(cursor).toBeUndefined();
    expect(order_ids.filter((id) => !seen.has(id))).toEqual([]);
    expect(pages).toBeGreaterThan(51);
  });
});

describe('Daraz reading orders', () => {
  it('folds one item per unit into lines by SKU and reads every setting of ids and times', async () => {
    const cases = [
      { country: 'LK' as const, currency: 'LKR', settings: { timeStyle: 'iso' as const, idsAsNumbers: true } },
      { country: 'NP' as const, currency: 'NPR', settings: { timeStyle: 'space' as const, idsAsNumbers: false } },
    ];
    for (const { country, currency, settings } of cases) {
      const { admin, adapter } = await setup({ country, settings });
      const { order_id } = await admin.createOrder({
        lines: [
          { sku: 'TEA', quantity: 3, unitPrice: '1250.50', voucher: '50.50' },
          { sku: 'MUG', quantity: 1, unitPrice: '99.99' },
        ],
        shippingFee: '120.00',
      });
      const order = await adapter.getOrder({ externalId: order_id });
      expect(order.lines).toEqual([
        { lineId: 'TEA', sku: 'TEA', title: 'TEA', quantity: 3, unitPrice: { amount: '1250.50', currency }, discount: { amount: '151.50', currency } },
        { lineId: 'MUG', sku: 'MUG', title: 'MUG', quantity: 1, unitPrice: { amount: '99.99', currency } },
      ]);
      expect(order.total).toEqual({ amount: '3819.99', currency });
      expect(order.status).toBe('paid');
    }
  });

  it('shows a partly cancelled SKU with the remaining quantity and unpaid orders as pending payment', async () => {
    const { admin, adapter } = await setup();
    const { order_id, order_item_ids } = await admin.createOrder({ lines: [{ sku: 'TEA', quantity: 2, unitPrice: '10.00' }], paymentMethod: 'card' });
    expect((await adapter.getOrder({ externalId: order_id })).status).toBe('pending_payment');
    await admin.setStatus(order_id, { status: 'pending' });
    await admin.setStatus(order_id, { status: 'canceled', itemIds: [order_item_ids[0]!] });
    const order = await adapter.getOrder({ externalId: order_id });
    expect(order.lines[0]!.quantity).toBe(1);
    expect(order.status).toBe('paid');
  });

  it('reads refunds from reverse orders: one returned unit of a line, then the rest refunded; pending lines wait', async () => {
    for (const idsAsNumbers of [false, true]) {
      const { admin, adapter } = await setup({ settings: { idsAsNumbers } });
      const { order_id, order_item_ids } = await admin.createOrder({ lines: [{ sku: 'TEA', quantity: 2, unitPrice: '250.00', voucher: '50.00' }, { sku: 'MUG', quantity: 1, unitPrice: '300.00' }] });
      const [tea1, tea2, mug] = order_item_ids as [string, string, string];
      await admin.setStatus(order_id, { status: 'delivered' });
      expect((await adapter.getOrder({ externalId: order_id })).refunds).toBeUndefined();

      const first = await admin.refund(order_id, { itemIds: [tea1] });
      const partial = await adapter.getOrder({ externalId: order_id });
      expect(partial.refunds).toEqual([
        {
          refundId: `${first.reverse_order_id}/${first.reverse_order_line_ids[0]}`,
          occurredAt: expect.any(String),
          lines: [{ lineId: 'TEA', quantity: 1, amount: { amount: '200.00', currency: 'PKR' }, restock: true }],
          total: { amount: '200.00', currency: 'PKR' },
          note: 'Changed mind',
        },
      ]);
      // A returned unit stays on its line: lines are what was sold, refunds carry what came back.
      expect(partial.lines.map((l) => [l.lineId, l.quantity])).toEqual([['TEA', 2], ['MUG', 1]]);

      // The rest: a return still in progress is not a refund yet; once refunded it is, unit by unit.
      const rest = await admin.refund(order_id, { itemIds: [tea2, mug], reverseStatus: 'REQUEST_INITIATE' });
      expect((await adapter.getOrder({ externalId: order_id })).refunds).toHaveLength(1);
      await admin.setReverseStatus(rest.reverse_order_id, { reverseStatus: 'REFUND_SUCCESS' });
      const full = await adapter.getOrder({ externalId: order_id });
      expect(full.status).toBe('refunded');
      expect(full.refunds?.[0]).toEqual(partial.refunds?.[0]);
      expect(full.refunds?.slice(1).map((r) => [r.lines[0]!.lineId, r.lines[0]!.quantity, r.total.amount])).toEqual([
        ['TEA', 1, '200.00'],
        ['MUG', 1, '300.00'],
      ]);
      const listed = await adapter.listOrdersChangedSince({ since: new Date(Date.now() - 60_000).toISOString() });
      expect(listed.orders.find((o) => o.externalId === order_id)?.refunds).toEqual(full.refunds);
    }
  });

  it('reads delivery once every unit not cancelled is delivered, dated by the units\u2019 updated_at', async () => {
    const { admin, adapter } = await setup();
    const { order_id, order_item_ids } = await admin.createOrder({ lines: [{ sku: 'TEA', quantity: 2, unitPrice: '10.00' }, { sku: 'MUG', quantity: 1, unitPrice: '7.00' }] });
    const [tea1, tea2, mug] = order_item_ids as [string, string, string];
    await admin.setStatus(order_id, { status: 'shipped', itemIds: [tea1, tea2] });
    await admin.setStatus(order_id, { status: 'canceled', itemIds: [mug] });
    await admin.setStatus(order_id, { status: 'delivered', itemIds: [tea1] });
    expect(await adapter.getOrder({ externalId: order_id })).not.toHaveProperty('deliveredAt');
    const before = Date.now();
    await admin.setStatus(order_id, { status: 'delivered', itemIds: [tea2] });
    const order = await adapter.getOrder({ externalId: order_id });
    expect(order.status).toBe('shipped');
    // Daraz times have one-second resolution.
    expect(Date.parse(order.deliveredAt!)).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(Date.parse(order.deliveredAt!)).toBeLessThanOrEqual(Date.now());
  });

  it('names an unknown order as rejected', async () => {
    const { adapter } = await setup();
    await expect(adapter.getOrder({ externalId: '1' })).rejects.toMatchObject({ kind: 'rejected', details: { vendorCode: '16' } });
  });
});

describe('Daraz pack and ready-to-ship', () => {
  it('packs the named units into a package, marks it ready to ship, and recognises a repeat', async () => {
    const { admin, adapter } = await setup();
    const { order_id } = await admin.createOrder({ lines: [{ sku: 'TEA', quantity: 2, unitPrice: '5.00' }, { sku: 'MUG', quantity: 1, unitPrice: '7.00' }] });
    const base = { externalId: order_id, carrier: 'any', trackingNumber: 'ignored' };
    const first = await adapter.confirmShipment({ ...base, shipmentId: 's1', lines: [{ lineId: 'TEA', quantity: 1 }] });
    expect((await adapter.getOrder({ externalId: order_id })).status).toBe('partially_shipped');
    const second = await adapter.confirmShipment({ ...base, shipmentId: 's2', lines: [{ lineId: 'TEA', quantity: 1 }, { lineId: 'MUG', quantity: 1 }] });
    const packages = await admin.packages(order_id);
    expect(packages.map((p) => p.status)).toEqual(['ready_to_ship', 'ready_to_ship']);
    expect(packages.map((p) => p.packageId).sort()).toEqual([first.shipmentRef, second.shipmentRef].sort());
    expect((await adapter.getOrder({ externalId: order_id })).status).toBe('shipped');
    // Nothing left to pack: a repeat of the whole shipment returns the existing packages.
    const again = await adapter.confirmShipment({ ...base, shipmentId: 's2', lines: [{ lineId: 'MUG', quantity: 1 }] });
    expect(again.shipmentRef).toBe(second.shipmentRef);
    expect(await admin.packages(order_id)).toHaveLength(2);
  });

  it('finishes a package an earlier attempt packed but did not hand over', async () => {
    const { sim, admin, adapter } = await setup();
    const { order_id, order_item_ids } = await admin.createOrder({ lines: [{ sku: 'RICE', quantity: 1, unitPrice: '5.00' }] });
    const packReq = JSON.stringify({ pack_order_list: [{ order_id, order_item_list: order_item_ids }], delivery_type: 'dropship', shipping_allocate_type: 'TFS' });
    await callDaraz({ baseUrl: sim.restUrl, appKey: sim.appKey, appSecret: sim.appSecret }, { apiPath: '/order/fulfill/pack', method: 'POST', accessToken: 'seed-token', params: { packReq } });
    const result = await adapter.confirmShipment({ externalId: order_id, shipmentId: 'x', carrier: 'c', trackingNumber: 't', lines: [{ lineId: 'RICE', quantity: 1 }] });
    const packages = await admin.packages(order_id);
    expect(packages).toHaveLength(1);
    expect(packages[0]).toMatchObject({ packageId: result.shipmentRef, status: 'ready_to_ship' });
  });

  it('refuses to ship more units than are open', async () => {
    const { admin, adapter } = await setup();
    const { order_id } = await admin.createOrder({ lines: [{ sku: 'TEA', quantity: 1, unitPrice: '5.00' }] });
    await expect(
      adapter.confirmShipment({ externalId: order_id, shipmentId: 'x', carrier: 'c', trackingNumber: 't', lines: [{ lineId: 'TEA', quantity: 2 }] }),
    ).rejects.toMatchObject({ kind: 'rejected' });
  });
});

describe('Daraz cancellation', () => {
  it('validates, picks a reason the platform offered and cancels; out-of-stock zeroes the SKU', async () => {
    const { admin, adapter } = await setup();
    const a = await admin.createOrder({ lines: [{ sku: 'TEA', quantity: 2, unitPrice: '5.00' }, { sku: 'MUG', quantity: 1, unitPrice: '5.00' }] });
    await adapter.cancelOrder({ externalId: a.order_id, reason: 'customer asked', lineIds: ['TEA'] });
    const partly = await adapter.getOrder({ externalId: a.order_id });
    expect(partly.lines.map((l) => [l.sku, l.quantity])).toEqual([['TEA', 0], ['MUG', 1]]);
    expect((await admin.product('TEA')).quantity).toBe(40);

    const b = await admin.createOrder({ lines: [{ sku: 'RICE', quantity: 1, unitPrice: '5.00' }] });
    await adapter.cancelOrder({ externalId: b.order_id, reason: 'Out of stock' });
    expect((await adapter.getOrder({ externalId: b.order_id })).status).toBe('cancelled');
    expect((await admin.product('RICE')).quantity).toBe(0);
    // Already cancelled: nothing to do.
    await adapter.cancelOrder({ externalId: b.order_id, reason: 'Out of stock' });
  });

  it('is refused once the units are handed over', async () => {
    const { admin, adapter } = await setup();
    const { order_id } = await admin.createOrder({ lines: [{ sku: 'TEA', quantity: 1, unitPrice: '5.00' }] });
    await adapter.confirmShipment({ externalId: order_id, shipmentId: 'x', carrier: 'c', trackingNumber: 't', lines: [{ lineId: 'TEA', quantity: 1 }] });
    await expect(adapter.cancelOrder({ externalId: order_id, reason: 'late' })).rejects.toMatchObject({ kind: 'rejected' });
  });
});

describe('Daraz stock and price pushes', () => {
  it('reports each SKU on its own: unknown SKUs and campaign-locked decreases fail, the rest apply', async () => {
    const { admin, adapter } = await setup({ settings: { campaignStockLock: true } });
    const result = await adapter.pushStock({
      items: [{ sku: 'TEA', quantity: 60 }, { sku: 'MUG', quantity: 5 }, { sku: 'NOPE', quantity: 1 }, { sku: 'SALT&PEPPER', quantity: 41 }],
    });
    expect(result.results.map((r) => [r.sku, r.ok])).toEqual([['TEA', true], ['MUG', false], ['NOPE', false], ['SALT&PEPPER', true]]);
    expect(result.results[1]!.error).toMatch(/^4170/);
    expect((await admin.product('TEA')).quantity).toBe(60);
    expect((await admin.product('MUG')).quantity).toBe(40);
    expect((await admin.product('SALT&PEPPER')).quantity).toBe(41);
  });

  it('splits more than one batch of SKUs into several calls', async () => {
    const { admin, adapter } = await setup();
    const many = Array.from({ length: 45 }, (_, i) => `BULK-${i}`);
    for (const sku of many) await admin.putProduct(sku, { quantity: 1, price: '1.00' });
    const result = await adapter.pushStock({ items: many.map((sku) => ({ sku, quantity: 9 })) });
    expect(result.calls).toBe(3);
    expect(result.results.every((r) => r.ok)).toBe(true);
    expect((await admin.product('BULK-44')).quantity).toBe(9);
  });

  it('sends exact decimal prices and refuses a price in another currency without a call', async () => {
    const { admin, adapter } = await setup({ country: 'BD' });
    const result = await adapter.pushPrices({
      items: [{ sku: 'TEA', price: { amount: '1234.5', currency: 'BDT' } }, { sku: 'MUG', price: { amount: '3.00', currency: 'PKR' } }],
    });
    expect(result.results).toEqual([{ sku: 'TEA', ok: true }, { sku: 'MUG', ok: false, error: expect.stringContaining('PKR') }]);
    expect((await admin.product('TEA')).price).toBe('1234.50');
    expect((await admin.product('MUG')).price).toBe('250.00');
  });

  it.each([false, true])('classifies throttling as rate limited (sent as HTTP 429: %s)', async (throttleAsHttp429) => {
    const { adapter } = await setup({ settings: { qps: 1, throttleAsHttp429 } });
    const calls = [1, 2, 3].map(() => adapter.pushStock({ items: [{ sku: 'TEA', quantity: 1 }] }));
    const settled = await Promise.allSettled(calls);
    const throttled = settled.filter((s) => s.status === 'rejected').map((s) => (s as PromiseRejectedResult).reason as ChannelError);
    expect(throttled.length).toBeGreaterThanOrEqual(1);
    expect(throttled[0]).toMatchObject({ kind: 'rate_limited' });
    if (!throttleAsHttp429) expect(throttled[0]).toMatchObject({ details: { retryAfterMs: 1000, vendorCode: 'ApiCallLimit' } });
  });
});

describe('Daraz stock reads (products/get)', () => {
  it('reads quantities by seller SKU, 50 a call: a change made on Daraz shows, an unknown SKU is not listed', async () => {
    const { admin, adapter } = await setup();
    const many = Array.from({ length: 55 }, (_, i) => `READ-${i}`);
    for (const [i, sku] of many.entries()) await admin.putProduct(sku, { quantity: i, price: '1.00' });
    await admin.putProduct('SALT&PEPPER', { quantity: 13 });
    const read = stockReadActivity(adapter);
    expect(await read(['SALT&PEPPER', 'NOPE', 'TEA'])).toEqual({
      results: [{ sku: 'SALT&PEPPER', quantity: 13 }, { sku: 'NOPE', quantity: null }, { sku: 'TEA', quantity: 40 }],
      calls: 1,
    });
    const all = await read(many);
    expect(all.calls).toBe(2);
    expect(all.results).toEqual(many.map((sku, i) => ({ sku, quantity: i })));
  });
});

describe('Daraz tokens and signing', () => {
  it('exchanges a one-time code for tokens, numbers sent as strings or numbers', async () => {
    for (const tokenNumbersAsStrings of [true, false]) {
      const { sim, admin } = await setup({ tokenNumbersAsStrings, accessTokenSeconds: 864000, refreshTokenSeconds: 4320000 });
      const client = { baseUrl: sim.restUrl, appKey: sim.appKey, appSecret: sim.appSecret };
      const { code } = await admin.authCode();
      const tokens = await createDarazToken(client, { code });
      expect(Date.parse(tokens.accessExpiresAt) - Date.now()).toBeGreaterThan(863_000_000);
      expect(Date.parse(tokens.refreshExpiresAt)).toBeGreaterThan(Date.parse(tokens.accessExpiresAt));
      await expect(createDarazToken(client, { code })).rejects.toMatchObject({ kind: 'auth', details: { vendorCode: 'InvalidCode' } });
    }
  });

  it('sends the seller back to the registered callback with a code and the state', async () => {
    const { sim } = await setup({ redirectUri: 'https://erp.example.test/daraz/callback' });
    const authorize = (redirect: string) =>
      fetch(`${sim.url}/oauth/authorize?response_type=code&force_auth=true&client_id=${sim.appKey}&state=xyz&redirect_uri=${encodeURIComponent(redirect)}`, { redirect: 'manual' });
    const ok = await authorize('https://erp.example.test/daraz/callback');
    expect(ok.status).toBe(302);
    const location = new URL(ok.headers.get('location')!);
    expect(location.searchParams.get('state')).toBe('xyz');
    const tokens = await createDarazToken({ baseUrl: sim.restUrl, appKey: sim.appKey, appSecret: sim.appSecret }, { code: location.searchParams.get('code')! });
    expect(tokens.accessToken).toBeTruthy();
    expect((await authorize('https://evil.example.test/cb')).status).toBe(400);
  });

  it('refreshes before the access token expires, hands the new pair over, and the old one stops working', async () => {
    const { sim, admin } = await setup();
    const client = { baseUrl: sim.restUrl, appKey: sim.appKey, appSecret: sim.appSecret };
    const first = await createDarazToken(client, { code: (await admin.authCode()).code });
    const stored: DarazTokens[] = [];
    const soon = { ...first, accessExpiresAt: new Date(Date.now() + 60_000).toISOString() };
    const live = createDarazAdapter({
      account: 'pk-main', country: 'PK', baseUrl: sim.restUrl, appKey: sim.appKey, appSecret: sim.appSecret,
      tokens: soon, onTokens: (t) => void stored.push(t),
    });
    const { order_id } = await admin.createOrder({ lines: [{ sku: 'TEA', quantity: 1, unitPrice: '1.00' }] });
    await Promise.all([live.getOrder({ externalId: order_id }), live.getOrder({ externalId: order_id })]);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.accessToken).not.toBe(first.accessToken);
    // The refresh token's own clock is not extended.
    // (Both are computed from refresh_expires_in at receipt, so they differ by the seconds between the two calls;
    // an extended clock would add the full lifetime again.)
    expect(Math.abs(Date.parse(stored[0]!.refreshExpiresAt) - Date.parse(first.refreshExpiresAt))).toBeLessThan(30_000);
    const stale = createDarazAdapter({ account: 'pk-main', country: 'PK', baseUrl: sim.restUrl, appKey: sim.appKey, appSecret: sim.appSecret, tokens: { ...first, accessExpiresAt: FAR() } });
    await expect(stale.getOrder({ externalId: order_id })).rejects.toMatchObject({ kind: 'auth', details: { vendorCode: 'IllegalAccessToken' } });
  });

  it('asks for a new authorisation once the refresh token has expired', async () => {
    const { adapter } = await setup({}, {
      tokens: { accessToken: 'seed-token', refreshToken: 'r', accessExpiresAt: new Date(Date.now() - 1).toISOString(), refreshExpiresAt: new Date(Date.now() - 1).toISOString() },
    });
    await expect(adapter.getOrder({ externalId: '1' })).rejects.toMatchObject({ kind: 'auth' });
  });

  it('is refused with a wrong secret or a clock outside the allowed skew', async () => {
    const wrong = await setup({}, { appSecret: 'not-the-secret' });
    await expect(wrong.adapter.getOrder({ externalId: '1' })).rejects.toMatchObject({ kind: 'auth', details: { vendorCode: 'IncompleteSignature' } });
    const late = await setup({}, { now: () => Date.now() - 7300_000, tokens: { accessToken: 'seed-token', refreshToken: 'r', accessExpiresAt: FAR(), refreshExpiresAt: FAR() } });
    await expect(late.adapter.getOrder({ externalId: '1' })).rejects.toMatchObject({ details: { vendorCode: 'InvalidTimestamp' } });
  });
});

describe('Daraz push delivery', () => {
  let receiver: FastifyInstance;
  const received: { body: string; authorization: string }[] = [];
  let failuresLeft = 2;

  beforeAll(async () => {
    receiver = Fastify();
    receiver.addContentTypeParser('application/json', { parseAs: 'string' }, (_r, body, done) => done(null, body));
    receiver.post('/daraz', async (req, reply) => {
      if (failuresLeft > 0) {
        failuresLeft--;
        return reply.code(503).send('busy');
      }
      received.push({ body: req.body as string, authorization: String(req.headers.authorization) });
      return reply.code(200).send('ok');
    });
    await receiver.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(() => receiver.close());

  it('retries until the endpoint answers 200, signed so the adapter accepts it, ids only', async () => {
    const address = receiver.addresses()[0]!;
    const { admin, adapter } = await setup({
      settings: { pushUrl: `http://127.0.0.1:${address.port}/daraz`, pushRetryIntervalMs: 5, pushSite: 'daraz_pk', pushTimestampUnit: 's' },
    });
    const { order_id } = await admin.createOrder({ lines: [{ sku: 'TEA', quantity: 1, unitPrice: '1.00' }] });
    const [record] = await until(async () => {
      const log = await admin.pushes(order_id);
      return log.every((p) => p.delivered) && log.length > 0 ? log : undefined;
    }, 'push delivery');
    expect(record!.attempts).toBe(3);
    const delivered = received.find((r) => r.body.includes(order_id))!;
    const request = { rawBody: Buffer.from(delivered.body), headers: { authorization: delivered.authorization }, account: 'pk-main' };
    expect(adapter.verifyWebhook(request)).toEqual({ ok: true });
    const body = JSON.parse(delivered.body) as { data: Record<string, unknown>; site: string };
    expect(Object.keys(body.data).sort()).toEqual(['order_status', 'status_update_time', 'trade_order_id', 'trade_order_line_id']);
    expect(body.site).toBe('daraz_pk');
    const parsed = adapter.parseWebhook(request);
    expect(parsed.ok && parsed.events[0]).toMatchObject({ externalId: order_id, channel: 'daraz' });
  });

  it('pushes msg_type 10 for a refunded return, which the adapter reads as a nudge for the order', async () => {
    const address = receiver.addresses()[0]!;
    const { admin, adapter } = await setup({ settings: { pushUrl: `http://127.0.0.1:${address.port}/daraz`, pushRetryIntervalMs: 5 } });
    const { order_id, order_item_ids } = await admin.createOrder({ lines: [{ sku: 'TEA', quantity: 1, unitPrice: '1.00' }] });
    await admin.setStatus(order_id, { status: 'delivered' });
    const { reverse_order_id } = await admin.refund(order_id, { itemIds: [order_item_ids[0]!] });
    const delivered = await until(async () => received.find((r) => r.body.includes(`"reverse_order_id":"${reverse_order_id}"`)), 'reverse push');
    const request = { rawBody: Buffer.from(delivered.body), headers: { authorization: delivered.authorization }, account: 'pk-main' };
    expect(adapter.verifyWebhook(request)).toEqual({ ok: true });
    expect(JSON.parse(delivered.body)).toMatchObject({ message_type: 10, data: { reverse_status: 'REFUND_SUCCESS', trade_order_id: order_id } });
    const parsed = adapter.parseWebhook(request);
    expect(parsed.ok && parsed.events[0]).toMatchObject({ type: 'order.notified', externalId: order_id, topic: 'reverse_status/REFUND_SUCCESS' });
  });

  it('drops pushes when told to, and refuses a non-loopback push URL', async () => {
    const { admin } = await setup({ settings: { pushUrl: '', pushRetryIntervalMs: 5 } });
    await admin.faults({ dropPushes: 1 });
    const { order_id } = await admin.createOrder({ lines: [{ sku: 'TEA', quantity: 1, unitPrice: '1.00' }] });
    expect((await admin.pushes(order_id)).map((p) => p.dropped)).toEqual([true]);
    await expect(admin.settings({ pushUrl: 'http://example.com/hook' })).rejects.toThrow();
  });
});

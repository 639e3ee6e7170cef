import { ApiVersion, LogSeverity, shopifyApi } from '@shopify/shopify-api';
import Fastify from 'fastify';
import { createShopifyAdapter, MISSING_SKU_PREFIX, SHOPIFY_HEADERS } from '../../activities/marketplaces/shopify';
import { type ChannelAdapter, type WebhookRequest } from '../../activities/marketplaces/types';
import { type CanonicalOrder } from '../../domain';
import { type Delivery, type ShopifySimulator, startShopifySimulator } from '../../simulators/shopify';
import { startWebhookReceiver, type WebhookReceiver } from '../../simulators/shopify/receiver';
import { checkTotals } from '../support/odoo-totals';

const SECRET = 'shopify-webhook-secret';
const ACCOUNT = 'shopify-hooks';

/** A delivery as the gateway would hand it over: lower-cased header names, exact bytes. */
function asRequest(d: Pick<Delivery, 'headers' | 'rawBody'>): WebhookRequest {
  return { rawBody: d.rawBody, headers: Object.fromEntries(Object.entries(d.headers).map(([k, v]) => [k.toLowerCase(), v])), account: ACCOUNT };
}

function adapterFor(sim: ShopifySimulator): ChannelAdapter {
  return createShopifyAdapter({ account: ACCOUNT, shopDomain: sim.shopDomain, adminUrl: sim.url, apiVersion: sim.apiVersion, accessToken: sim.accessToken, webhookSecret: SECRET });
}

describe('Shopify webhooks: verify and parse', () => {
  let sim: ShopifySimulator;
  let adapter: ChannelAdapter;
  beforeAll(async () => {
    sim = await startShopifySimulator({ webhookSecret: SECRET, products: [{ sku: 'HOOK-A', price: '10.00', stock: 50 }, { sku: 'HOOK-B', price: '4.50', stock: 50 }] });
    adapter = adapterFor(sim);
  });
  afterAll(() => sim.close());

  /** The order as orders/updated carries it, as getOrder reads it and as the poller lists it. */
  async function reads(externalId: string, id: number, on = { sim, adapter }): Promise<CanonicalOrder[]> {
    const pushed = parse(on.sim.admin.buildDelivery({ topic: 'orders/updated', orderId: id }));
    if (pushed.type !== 'order.updated') throw new Error(`unexpected ${pushed.type}`);
    const listed = await on.adapter.listOrdersChangedSince({ since: new Date(Date.now() - 60_000).toISOString() });
    return [pushed.order, await on.adapter.getOrder({ externalId }), listed.orders.find((o) => o.externalId === externalId)!];
  }

  function parse(d: Delivery) {
    const request = asRequest(d);
    expect(adapter.verifyWebhook(request)).toEqual({ ok: true });
    const parsed = adapter.parseWebhook(request);
    if (!parsed.ok) throw new Error(`${parsed.message}: ${JSON.stringify(parsed.issues)}`);
    expect(parsed.events).toHaveLength(1);
    return parsed.events[0]!;
  }

  it('orders/create becomes order.created keyed by Event-Id, with UTC times and the REST numeric id', () => {
    const created = sim.admin.createOrder({
      lines: [{ sku: 'HOOK-A', quantity: 2, price: '10.00', taxRate: 0.1 }, { sku: 'HOOK-B', quantity: 1 }],
      customer: { firstName: 'Grace', lastName: 'Hopper', email: 'grace@example.com' },
      shippingPrice: '5.00',
    });
    const rest = sim.admin.order(created.id) as { updated_at: string };
    expect(rest.updated_at).toMatch(/-05:00$/); // the shop's offset, as Shopify's REST JSON has it
    const event = parse(created.webhook!);
    expect(event).toMatchObject({ type: 'order.created', channel: 'shopify', account: ACCOUNT, externalId: created.externalId, eventId: created.webhook!.eventId, source: 'webhook' });
    expect(event.occurredAt).toBe(new Date(rest.updated_at).toISOString());
    if (event.type !== 'order.created') throw new Error('unexpected type');
    expect(event.order).toMatchObject({
      name: created.name,
      status: 'paid',
      customer: { name: 'Ada Lovelace', email: 'grace@example.com' },
      total: { amount: '31.50', currency: 'USD' },
      shippingTotal: { amount: '5.00', currency: 'USD' },
    });
    expect(event.order.lines).toEqual([
      expect.objectContaining({ lineId: String(created.lineItemIds[0]), sku: 'HOOK-A', quantity: 2, unitPrice: { amount: '10.00', currency: 'USD' }, tax: { amount: '2.00', currency: 'USD' } }),
      expect.objectContaining({ lineId: String(created.lineItemIds[1]), sku: 'HOOK-B', quantity: 1, unitPrice: { amount: '4.50', currency: 'USD' } }),
    ]);
  });

  it('orders/updated after an edit carries current_quantity; orders/paid is an update', () => {
    const created = sim.admin.createOrder({ lines: [{ sku: 'HOOK-A', quantity: 3 }], financialStatus: 'pending' });
    expect(parse(created.webhook!)).toMatchObject({ type: 'order.created', order: { status: 'pending_payment' } });
    sim.admin.editQuantities(created.id, { lines: [{ lineItemId: created.lineItemIds[0]!, quantity: 1 }] });
    const updated = sim.admin.buildDelivery({ topic: 'orders/updated', orderId: created.id });
    expect(parse(updated)).toMatchObject({ type: 'order.updated', order: { lines: [{ quantity: 1 }] } });
    sim.admin.markPaid(created.id);
    expect(parse(sim.admin.buildDelivery({ topic: 'orders/paid', orderId: created.id }))).toMatchObject({ type: 'order.updated', order: { status: 'paid' } });
    // A full order body on orders/edited is an update; Shopify's order_edit summary is not an order.
    expect(parse(sim.admin.buildDelivery({ topic: 'orders/edited', orderId: created.id }))).toMatchObject({ type: 'order.updated' });
    const summary = sim.admin.buildDelivery({ topic: 'orders/edited', payload: { order_edit: { id: 1, order_id: created.id, created_at: '2026-01-01T10:00:00-05:00' } } });
    expect(parse(summary)).toMatchObject({ type: 'unsupported', topic: 'orders/edited', externalId: created.externalId });
  });

  it('orders/cancelled and refunds/create become order.cancelled and order.refunded', () => {
    const created = sim.admin.createOrder({ lines: [{ sku: 'HOOK-A', quantity: 2, price: '10.00' }], shippingPrice: '3.00' });
    sim.admin.cancelOrder(created.id, { reason: 'customer', restock: true, refund: true });
    expect(parse(sim.admin.buildDelivery({ topic: 'orders/cancelled', orderId: created.id }))).toMatchObject({ type: 'order.cancelled', externalId: created.externalId, reason: 'customer' });
    const refunded = parse(sim.admin.buildDelivery({ topic: 'refunds/create', orderId: created.id }));
    expect(refunded).toMatchObject({
      type: 'order.refunded',
      externalId: created.externalId,
      // Cancelled before anything shipped (restock_type cancel): no goods come back.
      refund: { lines: [{ lineId: String(created.lineItemIds[0]), quantity: 2, amount: { amount: '20.00', currency: 'USD' }, restock: false }], total: { amount: '23.00', currency: 'USD' } },
    });
  });

  it('a partial refund without restock names only its line', () => {
    const created = sim.admin.createOrder({ lines: [{ sku: 'HOOK-A', quantity: 3, price: '10.00' }, { sku: 'HOOK-B', quantity: 1, price: '4.50' }] });
    sim.admin.refund(created.id, { lines: [{ lineItemId: created.lineItemIds[0]!, quantity: 1, restock: false }] });
    const event = parse(sim.admin.buildDelivery({ topic: 'refunds/create', orderId: created.id }));
    expect(event).toMatchObject({ type: 'order.refunded', refund: { lines: [{ quantity: 1, restock: false }], total: { amount: '10.00' } } });
    const order = parse(sim.admin.buildDelivery({ topic: 'orders/updated', orderId: created.id }));
    // The refund travels as its own event (a credit note); the order's lines are not edited by it.
    expect(order).toMatchObject({ type: 'order.updated', order: { status: 'paid', lines: [{ quantity: 3 }, { quantity: 1 }] } });
  });

  it('a refund leaves line quantities as ordered on the webhook and the GraphQL paths alike; an edit changes both', async () => {
    const created = sim.admin.createOrder({ lines: [{ sku: 'HOOK-A', quantity: 3, price: '10.00' }, { sku: 'HOOK-B', quantity: 2, price: '4.50' }] });
    sim.admin.editQuantities(created.id, { lines: [{ lineItemId: created.lineItemIds[1]!, quantity: 1 }] });
    sim.admin.refund(created.id, { lines: [{ lineItemId: created.lineItemIds[0]!, quantity: 1, restock: false }] });
    const quantities = (lines: { lineId: string; quantity: number }[]) => lines.map((l) => [l.lineId, l.quantity]);
    const expected = [[String(created.lineItemIds[0]), 3], [String(created.lineItemIds[1]), 1]];
    const pushed = parse(sim.admin.buildDelivery({ topic: 'orders/updated', orderId: created.id }));
    if (pushed.type !== 'order.updated') throw new Error(`unexpected ${pushed.type}`);
    expect(quantities(pushed.order.lines)).toEqual(expected);
    expect(quantities((await adapter.getOrder({ externalId: created.externalId })).lines)).toEqual(expected);
    const listed = await adapter.listOrdersChangedSince({ since: new Date(Date.now() - 60_000).toISOString() });
    expect(quantities(listed.orders.find((o) => o.externalId === created.externalId)!.lines)).toEqual(expected);
  });

  it('a partial refund (lines and shipping) leaves the total as ordered, net of edits only, on the webhook and the GraphQL paths alike', async () => {
    // 3 x 10.00 and 2 x 4.50 at 10% tax, shipping 5.00: 39.00 + 3.90 + 5.00 = 47.90 as ordered.
    const lines = [{ sku: 'HOOK-A', quantity: 3, price: '10.00', taxRate: 0.1 }, { sku: 'HOOK-B', quantity: 2, price: '4.50', taxRate: 0.1 }];
    const totals = async (externalId: string, id: number, lineTaxes?: string[]) => {
      const orders = await reads(externalId, id);
      for (const o of orders) {
        // Each read also passes the check against what Odoo totals (lines as they stand and shipping, no tax).
        expect(checkTotals(o)).toMatchObject({ within: true, difference: { amount: '0.00' } });
        if (lineTaxes) expect(o.lines.map((l) => l.tax?.amount)).toEqual(lineTaxes);
      }
      return orders.map((o) => o.total.amount);
    };
    const refunded = sim.admin.createOrder({ lines, shippingPrice: '5.00' });
    // 1 unit of HOOK-A with its tax and the shipping: 10.00 + 1.00 + 5.00, which Shopify's current total drops by.
    sim.admin.refund(refunded.id, { lines: [{ lineItemId: refunded.lineItemIds[0]!, quantity: 1 }], refundShipping: true });
    expect(sim.admin.order(refunded.id)).toMatchObject({ total_price: '47.90', current_total_price: '31.90', financial_status: 'partially_refunded' });
    expect(await totals(refunded.externalId, refunded.id)).toEqual(['47.90', '47.90', '47.90']);

    // Edited (HOOK-B 2 -> 1), then refunded the same way: what Odoo totals for the lines as they stand (3 x 10.00
    // + 1 x 4.50) and the shipping, plus their tax (3.00 + 0.45) = 42.95.
    const edited = sim.admin.createOrder({ lines, shippingPrice: '5.00' });
    sim.admin.editQuantities(edited.id, { lines: [{ lineItemId: edited.lineItemIds[1]!, quantity: 1 }] });
    // Shopify keeps HOOK-B's tax as ordered (0.90) on the line; the canonical line has its unit's (0.45).
    expect(sim.admin.order(edited.id)).toMatchObject({ total_tax: '3.90', current_total_tax: '3.45', line_items: [{}, { tax_lines: [{ price: '0.90' }] }] });
    expect(await totals(edited.externalId, edited.id, ['3.00', '0.45'])).toEqual(['42.95', '42.95', '42.95']);
    sim.admin.refund(edited.id, { lines: [{ lineItemId: edited.lineItemIds[0]!, quantity: 1 }], refundShipping: true });
    expect(sim.admin.order(edited.id)).toMatchObject({ current_total_price: '26.95' });
    expect(await totals(edited.externalId, edited.id, ['3.00', '0.45'])).toEqual(['42.95', '42.95', '42.95']);
  });

  it('taxed shipping: every read carries the shipping tax apart, passes the check, and a refund of the shipping gives its tax back', async () => {
    // 3 x 10.00 and 2 x 4.50 at 10% tax, shipping 5.00 with 0.40 tax: 39.00 + 3.90 + 5.00 + 0.40 = 48.30.
    // A shop of its own: its reads do not share the GraphQL cost bucket with the other tests'.
    const own = await startShopifySimulator({ webhookSecret: SECRET, products: [{ sku: 'HOOK-A', price: '10.00', stock: 50 }, { sku: 'HOOK-B', price: '4.50', stock: 50 }] });
    const on = { sim: own, adapter: adapterFor(own) };
    try {
      const lines = [{ sku: 'HOOK-A', quantity: 3, price: '10.00', taxRate: 0.1 }, { sku: 'HOOK-B', quantity: 2, price: '4.50', taxRate: 0.1 }];
      const created = own.admin.createOrder({ lines, shippingPrice: '5.00', shippingTax: '0.40' });
      expect(own.admin.order(created.id)).toMatchObject({ total_price: '48.30', total_tax: '4.30', shipping_lines: [{ tax_lines: [{ price: '0.40' }] }] });
      const check = async (current: string, lineTaxes: string[]) => {
        for (const o of await reads(created.externalId, created.id, on)) {
          expect(o).toMatchObject({ total: { amount: current }, shippingTotal: { amount: '5.00' }, shippingTax: { amount: '0.40', currency: 'USD' } });
          expect(o.lines.map((l) => l.tax?.amount)).toEqual(lineTaxes);
          // Was: 0.40 apart from what Odoo totals (lines and shipping, no tax), a TaxMismatch.
          expect(checkTotals(o)).toMatchObject({ within: true, difference: { amount: '0.00' } });
        }
      };
      await check('48.30', ['3.00', '0.90']);
      // Edited (HOOK-B 2 -> 1): 42.95 + 0.40.
      own.admin.editQuantities(created.id, { lines: [{ lineItemId: created.lineItemIds[1]!, quantity: 1 }] });
      await check('43.35', ['3.00', '0.45']);
      // 1 unit of HOOK-A with its tax and the shipping with its tax: 10.00 + 1.00 + 5.00 + 0.40.
      own.admin.refund(created.id, { lines: [{ lineItemId: created.lineItemIds[0]!, quantity: 1 }], refundShipping: true });
      expect(own.admin.order(created.id)).toMatchObject({ current_total_price: '26.95', current_total_tax: '2.45', refunds: [{ transactions: [{ amount: '16.40' }] }] });
      await check('43.35', ['3.00', '0.45']);
    } finally {
      await own.close();
    }
  });

  it("edited lines with discounts and tax that rounds: every read carries what Shopify's totals imply, and Odoo's total matches", async () => {
    // At 8.25%: 2 x 1.01 (tax 0.17) and 2 x 1.15 (tax 0.19), both edited to 1, where Shopify works the tax out
    // again (0.08 and 0.09, where halving gives 0.085 and 0.095); and 4 x 10.00 with 2.00 off (tax on 38.00:
    // 3.14), edited to 3 (1.50 off, tax on 28.50: 2.35), of which 1 is then refunded (0.50 off, tax 0.78).
    // A shop of its own: its reads do not share the GraphQL cost bucket (2,000 points) with the other tests'.
    const own = await startShopifySimulator({ webhookSecret: SECRET, products: [{ sku: 'HOOK-A', price: '10.00', stock: 50 }, { sku: 'HOOK-B', price: '4.50', stock: 50 }] });
    const on = { sim: own, adapter: adapterFor(own) };
    try {
      const created = own.admin.createOrder({
        lines: [
          { sku: 'HOOK-A', quantity: 2, price: '1.01', taxRate: 0.0825 },
          { sku: 'HOOK-B', quantity: 2, price: '1.15', taxRate: 0.0825 },
          { sku: 'HOOK-A', quantity: 4, price: '10.00', discount: '2.00', taxRate: 0.0825 },
        ],
        shippingPrice: '4.00',
      });
      const [a, b, c] = created.lineItemIds;
      expect(own.admin.order(created.id)).toMatchObject({
        total_discounts: '2.00', total_tax: '3.50', line_items: [{ tax_lines: [{ price: '0.17' }] }, { tax_lines: [{ price: '0.19' }] }, { total_discount: '2.00', tax_lines: [{ price: '3.14' }] }],
      });
      own.admin.editQuantities(created.id, { lines: [{ lineItemId: a!, quantity: 1 }, { lineItemId: b!, quantity: 1 }, { lineItemId: c!, quantity: 3 }] });
      // Lines 1.01 + 1.15 + 28.50, tax 0.08 + 0.09 + 2.35, shipping 4.00.
      expect(own.admin.order(created.id)).toMatchObject({ current_total_tax: '2.52', current_total_discounts: '1.50', current_total_price: '37.18' });
      const expected = [[1, '0.08', undefined], [1, '0.09', undefined], [3, '2.35', '1.50']];
      const figures = (o: CanonicalOrder) => o.lines.map((l) => [l.quantity, l.tax?.amount, l.discount?.amount]);
      for (const o of await reads(created.externalId, created.id, on)) {
        expect(figures(o)).toEqual(expected);
        expect(o.total.amount).toBe('37.18');
        expect(checkTotals(o)).toMatchObject({ expected: { amount: '34.66' }, within: true, difference: { amount: '0.00' } });
      }
      own.admin.refund(created.id, { lines: [{ lineItemId: c!, quantity: 1 }] });
      expect(own.admin.order(created.id)).toMatchObject({ current_total_tax: '1.74', current_total_discounts: '1.00', current_total_price: '26.90' });
      for (const o of await reads(created.externalId, created.id, on)) {
        expect(figures(o)).toEqual(expected);
        expect(o.total.amount).toBe('37.18');
        expect(checkTotals(o)).toMatchObject({ within: true, difference: { amount: '0.00' } });
      }
    } finally {
      await own.close();
    }
  });

  it('a delivered fulfillment event nudges the order, whose GraphQL and REST reads then say delivered', async () => {
    const created = sim.admin.createOrder({ lines: [{ sku: 'HOOK-A', quantity: 2 }, { sku: 'HOOK-B', quantity: 1 }] });
    const [a, b] = created.lineItemIds.map(String);
    await adapter.confirmShipment({ externalId: created.externalId, shipmentId: 'd-1', carrier: 'UPS', trackingNumber: 'DLV-1', lines: [{ lineId: a!, quantity: 2 }] });
    await adapter.confirmShipment({ externalId: created.externalId, shipmentId: 'd-2', carrier: 'UPS', trackingNumber: 'DLV-2', lines: [{ lineId: b!, quantity: 1 }] });
    const [first, second] = sim.admin.fulfillments(created.id);
    const at = Date.parse('2026-03-02T12:00:00Z');

    sim.admin.markDelivered(created.id, { fulfillmentIds: [first!.id], at });
    // One package still on its way: shipped, not delivered.
    expect(await adapter.getOrder({ externalId: created.externalId })).not.toHaveProperty('deliveredAt');
    const events = sim.admin.deliveries().filter((d) => d.topic === 'fulfillment_events/create');
    const nudge = parse(events.at(-1)!);
    expect(nudge).toMatchObject({ type: 'order.notified', topic: 'fulfillment_events/create', externalId: created.externalId });

    sim.admin.markDelivered(created.id, { fulfillmentIds: [second!.id], at: at + 3_600_000 });
    const read = await adapter.getOrder({ externalId: created.externalId });
    expect(read).toMatchObject({ status: 'shipped', deliveredAt: '2026-03-02T13:00:00.000Z' });
    // REST has no delivery time: a webhook's order dates it by the fulfillments' last change (now).
    const pushed = parse(sim.admin.buildDelivery({ topic: 'orders/updated', orderId: created.id }));
    if (pushed.type !== 'order.updated') throw new Error(`unexpected ${pushed.type}`);
    expect(Date.parse(pushed.order.deliveredAt!)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('an unknown topic is a signed, unsupported event rather than an error', () => {
    const d = sim.admin.buildDelivery({ topic: 'products/update', payload: { id: 632910392, title: 'IPod Nano', updated_at: '2026-03-01T10:00:00-05:00' } });
    expect(parse(d)).toMatchObject({ type: 'unsupported', topic: 'products/update', externalId: '632910392', occurredAt: '2026-03-01T15:00:00.000Z' });
  });

  it('a line without SKU keeps the order, with a placeholder SKU that names the line', () => {
    const created = sim.admin.createOrder({ lines: [{ sku: '', quantity: 1, price: '2.00', title: 'Gift wrap' }, { sku: 'HOOK-A', quantity: 1 }] });
    const event = parse(created.webhook!);
    if (event.type !== 'order.created') throw new Error('unexpected type');
    expect(event.order.lines[0]!.sku).toBe(`${MISSING_SKU_PREFIX}${created.lineItemIds[0]}`);
  });

  it('refuses a forged signature, a tampered body, another shop and each missing required header', () => {
    const created = sim.admin.createOrder({ lines: [{ sku: 'HOOK-A', quantity: 1 }] });
    const good = asRequest(created.webhook!);
    expect(adapter.verifyWebhook({ ...good, headers: { ...good.headers, 'x-shopify-hmac-sha256': Buffer.from('forged').toString('base64') } })).toMatchObject({ ok: false });
    expect(adapter.verifyWebhook({ ...good, rawBody: Buffer.concat([good.rawBody, Buffer.from(' ')]) })).toMatchObject({ ok: false, reason: 'HMAC mismatch' });
    const otherShop = startShopifySimulator({ webhookSecret: SECRET, shopDomain: 'someone-else.myshopify.com' });
    return otherShop.then(async (other) => {
      const foreign = asRequest(other.admin.buildDelivery({ topic: 'orders/create', orderId: other.admin.createOrder({ lines: [{ sku: 'X', quantity: 1, price: '1.00' }] }).id }));
      expect(adapter.verifyWebhook(foreign)).toMatchObject({ ok: false, reason: expect.stringContaining('someone-else') });
      await other.close();
      for (const name of [SHOPIFY_HEADERS.hmac, SHOPIFY_HEADERS.topic, SHOPIFY_HEADERS.shopDomain, SHOPIFY_HEADERS.apiVersion, SHOPIFY_HEADERS.webhookId]) {
        const headers = { ...good.headers };
        delete headers[name.toLowerCase()];
        expect(adapter.verifyWebhook({ ...good, headers })).toEqual({ ok: false, reason: expect.stringContaining(name) });
      }
    });
  });

  it('a signed but malformed body fails with the zod issues', () => {
    const d = sim.admin.buildDelivery({ topic: 'orders/create', payload: { id: 'not-a-number', line_items: 'nope' } });
    const request = asRequest(d);
    expect(adapter.verifyWebhook(request)).toEqual({ ok: true });
    const parsed = adapter.parseWebhook(request);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    const paths = parsed.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['id', 'line_items', 'created_at']));
    const notJson = asRequest({ headers: d.headers, rawBody: Buffer.from('{oops') });
    expect(adapter.parseWebhook(notJson)).toMatchObject({ ok: false, message: expect.stringContaining('not JSON') });
  });
});

describe('Shopify webhook delivery', () => {
  let receiver: WebhookReceiver;
  let sim: ShopifySimulator;
  beforeEach(async () => {
    receiver = await startWebhookReceiver();
    sim = await startShopifySimulator({ webhookSecret: SECRET, webhookUrl: receiver.url, retryScale: 0.00001, products: [{ sku: 'D-1', price: '1.00', stock: 9 }] });
  });
  afterEach(async () => {
    await sim.close();
    await receiver.close();
  });

  it('retries with the same bytes until the receiver answers 2xx', async () => {
    receiver.answer((n) => (n <= 3 ? 500 : 200));
    const created = sim.admin.createOrder({ lines: [{ sku: 'D-1', quantity: 1 }] });
    await sim.admin.webhooksIdle();
    const delivery = sim.admin.deliveries().find((d) => d.webhookId === created.webhook!.webhookId)!;
    expect(delivery.state).toBe('delivered');
    expect(delivery.attempts.map((a) => a.status)).toEqual([500, 500, 500, 200]);
    expect(receiver.received).toHaveLength(4);
    expect(new Set(receiver.received.map((r) => r.rawBody.toString('hex'))).size).toBe(1);
    expect(new Set(receiver.received.map((r) => r.headers['x-shopify-webhook-id'])).size).toBe(1);
  });

  it('gives up after the first try and 8 retries', async () => {
    receiver.answer(503);
    const created = sim.admin.createOrder({ lines: [{ sku: 'D-1', quantity: 1 }] });
    await sim.admin.webhooksIdle();
    const delivery = sim.admin.deliveries().find((d) => d.webhookId === created.webhook!.webhookId)!;
    expect(delivery.state).toBe('failed');
    expect(delivery.attempts).toHaveLength(9);
  });

  it('redelivers (same ids), duplicates (new Webhook-Id), drops and reorders on demand', async () => {
    const created = sim.admin.createOrder({ lines: [{ sku: 'D-1', quantity: 1 }] });
    const first = created.webhook!;
    sim.admin.redeliver(first.webhookId);
    const dup = sim.admin.duplicate(first.webhookId);
    await sim.admin.webhooksIdle();
    // Deliveries run concurrently and may arrive in any order, as on Shopify.
    const ids = receiver.received.map((r) => `${r.headers['x-shopify-webhook-id']}|${r.headers['x-shopify-event-id']}`).sort();
    expect(ids).toEqual([`${first.webhookId}|${first.eventId}`, `${first.webhookId}|${first.eventId}`, `${dup.webhookId}|${first.eventId}`].sort());
    expect(dup.webhookId).not.toBe(first.webhookId);

    sim.admin.setFault({ dropWebhooks: 1 });
    const lost = sim.admin.createOrder({ lines: [{ sku: 'D-1', quantity: 1 }] });
    expect(lost.webhook!.state).toBe('dropped');

    sim.admin.setFault({ holdWebhooks: true });
    const a = sim.admin.createOrder({ lines: [{ sku: 'D-1', quantity: 1 }] });
    const b = sim.admin.createOrder({ lines: [{ sku: 'D-1', quantity: 1 }] });
    const before = receiver.received.length;
    sim.admin.releaseWebhooks('reverse');
    await sim.admin.webhooksIdle();
    const arrived = receiver.received.slice(before).map((r) => r.headers['x-shopify-webhook-id']);
    expect(arrived).toEqual([b.webhook!.webhookId, a.webhook!.webhookId]);
    expect(receiver.received.some((r) => r.headers['x-shopify-webhook-id'] === lost.webhook!.webhookId)).toBe(false);
  });

  it('sends orders/cancelled, refunds/create and orders/updated for a cancellation made through the adapter', async () => {
    const adapter = adapterFor(sim);
    const created = sim.admin.createOrder({ lines: [{ sku: 'D-1', quantity: 2 }] });
    await adapter.cancelOrder({ externalId: created.externalId, reason: 'inventory' });
    await adapter.cancelOrder({ externalId: created.externalId, reason: 'inventory' }); // twice is fine
    await sim.admin.webhooksIdle();
    const topics = receiver.received.map((r) => String(r.headers['x-shopify-topic'])).sort();
    expect(topics).toEqual(['orders/cancelled', 'orders/create', 'orders/updated', 'refunds/create']);
    const events = receiver.received.map((r) => adapter.parseWebhook({ rawBody: r.rawBody, headers: r.headers, account: ACCOUNT }));
    expect(events.map((e) => (e.ok ? e.events[0]!.type : e.message)).sort()).toEqual(['order.cancelled', 'order.created', 'order.refunded', 'order.updated']);
    expect(sim.admin.stock('D-1')).toBe(9);
  });
});

describe("Shopify's own webhook validator accepts the simulator's deliveries", () => {
  // Loaded by name: with this repo's module resolution a static import would make tsc type-check the
  // package's shipped .ts sources. Jest resolves it through the package's exports to the built CJS.
  const NODE_RUNTIME_ADAPTER = '@shopify/shopify-api/adapters/node';
  beforeAll(async () => {
    await import(NODE_RUNTIME_ADAPTER);
  });

  it('shopify.webhooks.validate says valid, over HTTP, for every topic', async () => {
    const shopify = shopifyApi({
      apiKey: 'channelsync-test',
      apiSecretKey: SECRET,
      scopes: ['read_orders'],
      hostName: '127.0.0.1',
      hostScheme: 'http',
      apiVersion: ApiVersion.July26,
      isEmbeddedApp: false,
      logger: { level: LogSeverity.Error },
    });
    const app = Fastify({ logger: false });
    const verdicts: { topic: string; valid: boolean; webhookId?: string; eventId?: string; reason?: string }[] = [];
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => done(null, body));
    app.post('/hooks', async (request, reply) => {
      const result = await shopify.webhooks.validate({ rawBody: request.body as string, rawRequest: request.raw, rawResponse: reply.raw });
      verdicts.push(result.valid ? { topic: result.topic, valid: true, webhookId: result.webhookId, eventId: 'eventId' in result ? result.eventId : undefined } : { topic: '?', valid: false, reason: result.reason });
      return reply.code(result.valid ? 200 : 401).send();
    });
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    const sim = await startShopifySimulator({ webhookSecret: SECRET, webhookUrl: `${url}/hooks`, retryScale: 0.00001, products: [{ sku: 'V-1', price: '3.00', stock: 5 }] });
    try {
      const created = sim.admin.createOrder({ lines: [{ sku: 'V-1', quantity: 2 }] });
      sim.admin.editQuantities(created.id, { lines: [{ lineItemId: created.lineItemIds[0]!, quantity: 1 }] });
      sim.admin.cancelOrder(created.id);
      await sim.admin.webhooksIdle();
      expect(verdicts.every((v) => v.valid)).toBe(true);
      expect(verdicts.map((v) => v.topic).sort()).toEqual(['ORDERS_CANCELLED', 'ORDERS_CREATE', 'ORDERS_UPDATED', 'ORDERS_UPDATED', 'REFUNDS_CREATE']);
      expect(verdicts.find((v) => v.topic === 'ORDERS_CREATE')!.webhookId).toBe(created.webhook!.webhookId);
      // And a forged one is refused by the same validator.
      const forged = sim.admin.buildDelivery({ topic: 'orders/create', orderId: created.id });
      const response = await fetch(`${url}/hooks`, { method: 'POST', headers: { ...forged.headers, 'X-Shopify-Hmac-Sha256': 'AAAA' }, body: forged.rawBody });
      expect(response.status).toBe(401);
    } finally {
      await sim.close();
      await app.close();
    }
  });
});

import { createHmac } from 'node:crypto';
import { createWooCommerceAdapter } from '../../activities/marketplaces/woocommerce';
import { type ChannelAdapter, type WebhookRequest } from '../../activities/marketplaces/types';
import { type ChannelEvent } from '../../domain';
import {
  type ReceivedWebhook,
  type WebhookReceiver,
  type WooCommerceSimulator,
  startWebhookReceiver,
  startWooCommerceSimulator,
} from '../../simulators/woocommerce';

const SECRET = 'woo-webhook-secret';
const ACCOUNT = 'woo-hooks';

function adapterFor(sim: WooCommerceSimulator, secret = SECRET): ChannelAdapter {
  return createWooCommerceAdapter({ account: ACCOUNT, siteUrl: sim.url, consumerKey: sim.consumerKey, consumerSecret: sim.consumerSecret, webhookSecret: secret });
}

function asRequest(r: ReceivedWebhook): WebhookRequest {
  return { rawBody: r.rawBody, headers: r.headers, account: ACCOUNT };
}

function bodyId(r: ReceivedWebhook): number | undefined {
  try {
    return (JSON.parse(r.rawBody.toString('utf8')) as { id?: number }).id;
  } catch {
    return undefined;
  }
}

function deliveries(receiver: WebhookReceiver, topic: string, orderId: number): ReceivedWebhook[] {
  return receiver.received.filter((r) => r.headers['x-wc-webhook-topic'] === topic && bodyId(r) === orderId);
}

function eventsOf(adapter: ChannelAdapter, r: ReceivedWebhook): ChannelEvent[] {
  expect(adapter.verifyWebhook(asRequest(r))).toEqual({ ok: true });
  const parsed = adapter.parseWebhook(asRequest(r));
  if (!parsed.ok) throw new Error(`parse failed: ${parsed.message}`);
  return parsed.events;
}

describe('WooCommerce webhooks against the simulator', () => {
  let receiver: WebhookReceiver;
  let sim: WooCommerceSimulator;
  let adapter: ChannelAdapter;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    sim = await startWooCommerceSimulator({ webhookSecret: SECRET, webhookUrl: receiver.url, coalesceMs: 20 });
    adapter = adapterFor(sim);
  });
  afterAll(async () => {
    await sim.close();
    await receiver.close();
  });

  it('pings each new webhook unsigned, and a ping verifies and parses to no events', () => {
    const pings = receiver.received.filter((r) => /^webhook_id=\d+$/.test(r.rawBody.toString('utf8')));
    expect(pings.map((p) => p.rawBody.toString('utf8')).sort()).toEqual(Object.values(sim.webhookIds).map((id) => `webhook_id=${id}`).sort());
    for (const ping of pings) {
      expect(ping.headers['x-wc-webhook-signature']).toBeUndefined();
      expect(ping.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(adapter.verifyWebhook(asRequest(ping))).toEqual({ ok: true });
      expect(adapter.parseWebhook(asRequest(ping))).toEqual({ ok: true, events: [] });
    }
  });

  it('delivers with the real headers and a base64 HMAC-SHA256 of the body', async () => {
    const order = await sim.admin.createOrder({ lines: [{ sku: 'WOO-MUG', quantity: 1 }] });
    await sim.admin.flushWebhooks();
    const [delivery] = deliveries(receiver, 'order.created', order.id);
    expect(delivery).toBeDefined();
    const h = delivery!.headers;
    expect(h).toMatchObject({
      'content-type': 'application/json',
      'x-wc-webhook-source': `${sim.url}/`,
      'x-wc-webhook-resource': 'order',
      'x-wc-webhook-event': 'created',
      'x-wc-webhook-id': String(sim.webhookIds['order.created']),
    });
    expect(h['user-agent']).toMatch(/^WooCommerce\/[\d.]+ Hookshot \(WordPress\/[\d.]+\)$/);
    expect(h['x-wc-webhook-delivery-id']).toMatch(/^[0-9a-f]{32}$/);
    expect(h['x-wc-webhook-signature']).toBe(createHmac('sha256', SECRET).update(delivery!.rawBody).digest('base64'));
  });

  it('parses every order topic into canonical events', async () => {
    const order = await sim.admin.createOrder({ lines: [{ sku: 'WOO-MUG', quantity: 2 }, { sku: 'WOO-CAP', quantity: 1 }] });
    await sim.admin.flushWebhooks();
    const created = eventsOf(adapter, deliveries(receiver, 'order.created', order.id)[0]!);
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({ type: 'order.created', externalId: String(order.id), source: 'webhook', order: { status: 'pending_payment' } });

    await sim.admin.markPaid(order.id);
    await sim.admin.flushWebhooks();
    const paid = eventsOf(adapter, deliveries(receiver, 'order.updated', order.id).at(-1)!);
    expect(paid.map((e) => e.type)).toEqual(['order.updated']);
    expect(paid[0]).toMatchObject({ order: { status: 'paid', total: { amount: '33.00', currency: 'USD' } } });

    const mugLine = order.line_items.find((l) => l.sku === 'WOO-MUG')!;
    const refund = await sim.admin.refundOrder(order.id, { lines: [{ lineId: mugLine.id, quantity: 1 }], reason: 'damaged', restock: true });
    await sim.admin.flushWebhooks();
    const refunded = eventsOf(adapter, deliveries(receiver, 'order.updated', order.id).at(-1)!);
    expect(refunded.map((e) => e.type)).toEqual(['order.updated', 'order.refunded']);
    expect(refunded[1]).toMatchObject({ refund: { refundId: String(refund.id), total: { amount: '12.50', currency: 'USD' }, note: 'damaged' } });

    await sim.admin.cancelOrder(order.id);
    await sim.admin.flushWebhooks();
    const cancelled = eventsOf(adapter, deliveries(receiver, 'order.updated', order.id).at(-1)!);
    expect(cancelled.map((e) => e.type)).toEqual(['order.updated', 'order.cancelled', 'order.refunded']);
    // The refund keeps its id across deliveries, so the workflow drops the repeat.
    expect(cancelled[2]!.eventId).toBe(refunded[1]!.eventId);

    await sim.admin.trashOrder(order.id);
    await sim.admin.flushWebhooks();
    const deletedDelivery = deliveries(receiver, 'order.deleted', order.id);
    expect(deletedDelivery).toHaveLength(1);
    expect(deletedDelivery[0]!.rawBody.toString('utf8')).toBe(JSON.stringify({ id: order.id }));
    expect(eventsOf(adapter, deletedDelivery[0]!)).toEqual([expect.objectContaining({ type: 'order.cancelled', externalId: String(order.id) })]);

    await sim.admin.restoreOrder(order.id);
    await sim.admin.flushWebhooks();
    const restored = eventsOf(adapter, deliveries(receiver, 'order.restored', order.id)[0]!);
    expect(restored[0]).toMatchObject({ type: 'order.updated', order: { status: 'cancelled' } });
  });

  it('rejects forged, re-signed and unsigned deliveries', async () => {
    const order = await sim.admin.createOrder({ lines: [{ sku: 'WOO-CAP', quantity: 1 }] });
    await sim.admin.flushWebhooks();
    const real = asRequest(deliveries(receiver, 'order.created', order.id)[0]!);
    expect(adapter.verifyWebhook(real)).toEqual({ ok: true });
    expect(adapterFor(sim, 'another-secret').verifyWebhook(real).ok).toBe(false);
    const forgedBody = Buffer.from(real.rawBody.toString('utf8').replace('"status":"pending"', '"status":"processing"'));
    expect(forgedBody.equals(real.rawBody)).toBe(false);
    expect(adapter.verifyWebhook({ ...real, rawBody: forgedBody }).ok).toBe(false);
    const { ['x-wc-webhook-signature']: _dropped, ...unsigned } = real.headers;
    expect(adapter.verifyWebhook({ ...real, headers: unsigned })).toEqual({ ok: false, reason: 'missing X-WC-Webhook-Signature' });
  });

  it('derives event ids that survive the delivery-id quirk', async () => {
    // Same state delivered again under another delivery id: same event id.
    const order = await sim.admin.createOrder({ lines: [{ sku: 'WOO-BAG', quantity: 1 }] });
    await sim.admin.flushWebhooks();
    const first = deliveries(receiver, 'order.created', order.id)[0]!;
    const again = { ...first, headers: { ...first.headers, 'x-wc-webhook-delivery-id': 'f'.repeat(32) } };
    expect(eventsOf(adapter, again)[0]!.eventId).toBe(eventsOf(adapter, first)[0]!.eventId);

    // Two different changes of the same order, one after the other: different event ids.
    await sim.admin.markPaid(order.id);
    await sim.admin.flushWebhooks();
    await sim.admin.editOrder(order.id, { lines: [{ sku: 'WOO-CAP', quantity: 1 }] });
    await sim.admin.flushWebhooks();
    const updates = deliveries(receiver, 'order.updated', order.id);
    expect(updates).toHaveLength(2);
    expect(eventsOf(adapter, updates[0]!)[0]!.eventId).not.toBe(eventsOf(adapter, updates[1]!)[0]!.eventId);

    // Different orders delivered within the same second share the delivery id; their event ids must not.
    let sameSecondPairs = 0;
    for (let attempt = 0; attempt < 5 && sameSecondPairs === 0; attempt++) {
      const a = await sim.admin.createOrder({ lines: [{ sku: 'WOO-MUG', quantity: 1 }] });
      const b = await sim.admin.createOrder({ lines: [{ sku: 'WOO-MUG', quantity: 1 }] });
      await sim.admin.flushWebhooks();
      const da = deliveries(receiver, 'order.created', a.id)[0]!;
      const db = deliveries(receiver, 'order.created', b.id)[0]!;
      if (da.headers['x-wc-webhook-delivery-id'] !== db.headers['x-wc-webhook-delivery-id']) continue;
      sameSecondPairs++;
      expect(eventsOf(adapter, da)[0]!.eventId).not.toBe(eventsOf(adapter, db)[0]!.eventId);
    }
    expect(sameSecondPairs).toBe(1);
  });
});

describe('WooCommerce webhook delivery rules', () => {
  it('coalesces rapid changes into one delivery carrying the latest state', async () => {
    const receiver = await startWebhookReceiver();
    // A long queue delay stands in for Action Scheduler lag, so the three changes below land in one window.
    const sim = await startWooCommerceSimulator({ webhookSecret: SECRET, webhookUrl: receiver.url, coalesceMs: 1500 });
    try {
      const adapter = adapterFor(sim);
      const order = await sim.admin.createOrder({ lines: [{ sku: 'WOO-MUG', quantity: 1 }] });
      await sim.admin.markPaid(order.id);
      await sim.admin.editOrder(order.id, { lines: [{ sku: 'WOO-BAG', quantity: 2 }] });
      await sim.admin.flushWebhooks();
      const updated = deliveries(receiver, 'order.updated', order.id);
      expect(updated).toHaveLength(1);
      const event = eventsOf(adapter, updated[0]!)[0]!;
      expect(event).toMatchObject({ type: 'order.updated', order: { status: 'paid' } });
      expect(event.type === 'order.updated' && event.order.lines.map((l) => l.sku)).toEqual(['WOO-MUG', 'WOO-BAG']);
      // Even the created payload is built at delivery time: the pending state was never sent.
      const created = deliveries(receiver, 'order.created', order.id);
      expect(created).toHaveLength(1);
      expect(eventsOf(adapter, created[0]!)[0]).toMatchObject({ type: 'order.created', order: { status: 'paid' } });
    } finally {
      await sim.close();
      await receiver.close();
    }
  });

  it('never retries and disables the webhook after more than 5 consecutive failures', async () => {
    const receiver = await startWebhookReceiver({ status: 500 });
    const sim = await startWooCommerceSimulator({ webhookSecret: SECRET, coalesceMs: 10 });
    try {
      const hook = await sim.admin.createWebhook({ topic: 'order.created', deliveryUrl: receiver.url, secret: SECRET });
      const status = async () => (await sim.admin.webhooks()).find((w) => w.id === hook.id)!;
      const createAndFlush = async () => {
        const order = await sim.admin.createOrder({ lines: [{ sku: 'WOO-CAP', quantity: 1 }] });
        await sim.admin.flushWebhooks();
        return order.id;
      };
      const pingCount = receiver.received.length;
      expect(pingCount).toBe(1);

      // A success in between resets the streak.
      await createAndFlush();
      await createAndFlush();
      expect(await status()).toMatchObject({ status: 'active', failureCount: 2 });
      receiver.respondWith(200);
      await createAndFlush();
      expect(await status()).toMatchObject({ status: 'active', failureCount: 0 });

      receiver.respondWith(500);
      for (let i = 1; i <= 6; i++) {
        await createAndFlush();
        expect(await status()).toMatchObject({ status: 'active', failureCount: i });
      }
      await createAndFlush();
      expect((await status()).status).toBe('disabled');
      // One request per order: nothing was retried.
      expect(receiver.received.length).toBe(pingCount + 3 + 7);

      // Disabled: changes are no longer delivered at all.
      receiver.respondWith(200);
      const lost = await createAndFlush();
      expect(receiver.received.length).toBe(pingCount + 10);
      expect(deliveries(receiver, 'order.created', lost)).toHaveLength(0);

      await sim.admin.enableWebhook(hook.id);
      expect(await status()).toMatchObject({ status: 'active', failureCount: 0 });
      const next = await createAndFlush();
      expect(deliveries(receiver, 'order.created', next)).toHaveLength(1);
      const log = await sim.admin.deliveries();
      expect(log.filter((d) => d.kind === 'delivery' && d.outcome === 'failed')).toHaveLength(9);
    } finally {
      await sim.close();
      await receiver.close();
    }
  });

  it('loses deliveries under the dropped-webhook fault', async () => {
    const receiver = await startWebhookReceiver();
    const sim = await startWooCommerceSimulator({ webhookSecret: SECRET, webhookUrl: receiver.url, coalesceMs: 10 });
    try {
      await sim.admin.setFaults({ dropWebhooks: 1 });
      const dropped = await sim.admin.createOrder({ lines: [{ sku: 'WOO-CAP', quantity: 1 }] });
      await sim.admin.flushWebhooks();
      const kept = await sim.admin.createOrder({ lines: [{ sku: 'WOO-CAP', quantity: 1 }] });
      await sim.admin.flushWebhooks();
      expect(deliveries(receiver, 'order.created', dropped.id)).toHaveLength(0);
      expect(deliveries(receiver, 'order.created', kept.id)).toHaveLength(1);
      expect((await sim.admin.deliveries()).filter((d) => d.outcome === 'dropped').map((d) => d.resourceId)).toEqual([dropped.id]);
    } finally {
      await sim.close();
      await receiver.close();
    }
  });
});

import { type Client } from '@temporalio/client';
import { type CanonicalOrder, orderWorkflowId, type OrderKey, type OrderPolicy } from '../../domain';
import { SA_ORDER_STATUS } from '../../domain/search-attributes';
import { type Stack } from '../../scripts/lib/stack';
import type { orderWorkflow } from '../../workflows';
import { orderStateQuery, type OrderState } from '../../workflows/messages';
import { recordHistory } from '../support/histories';
import { createdEvent as created, type OrderWorker, policyByIdPrefix, shippedEvent, snapshotEvent, startOrderWorker, testOrder } from '../support/order-worker';
import { startTestStack } from '../support/stack';
import { eventually, uniqueTaskQueue } from '../support/temporal';

// A channel that reports delivery moves the order to `delivered`, and its return window counts from the delivery
// (not from the shipment). On a real server: through the Shopify simulator end to end (a carrier's delivered
// event, the order read back over GraphQL), and with hand-made snapshots for the edges (a delivery shown before
// our shipment is recorded, an order the channel fulfils itself).

const sleep = (msec: number) => new Promise((r) => setTimeout(r, msec));

describe('delivered orders (Shopify, full stack)', () => {
  let stack: Stack;
  let client: Client;
  let closeAll: (() => Promise<void>) | undefined;
  const RETURN_WINDOW_MS = 15_000;

  beforeAll(async () => {
    ({ stack, client, close: closeAll } = await startTestStack({
      channels: ['shopify'],
      logLevel: 'silent',
      account: `delivered-${process.pid}`,
      ordersTaskQueue: uniqueTaskQueue('delivered-orders'),
      orderPolicy: { pendingPaymentTimeout: '1m', returnWindow: '15s', deliveryPollInterval: '500ms', stuckAfter: '1h' },
    }));
  });
  afterAll(async () => {
    await closeAll?.();
  });

  const keyOf = (externalId: string): OrderKey => ({ channel: 'shopify', account: stack.shopifyAccount, externalId });

  it('shipped, then delivered on the channel: status delivered, and the run closes returnWindow after the delivery', async () => {
    const o = stack.shopify.admin.createOrder({
      lines: [{ sku: 'MUG-WHITE', quantity: 1, price: '12.50' }],
      customer: { firstName: 'Mary', lastName: 'Jackson', email: 'mary@example.com' },
      shippingAddress: { firstName: 'Mary', lastName: 'Jackson', address1: '4 Langley Blvd', city: 'Hampton', zip: '23681', country: 'United States', countryCode: 'US' },
      financialStatus: 'paid',
    });
    const handle = client.workflow.getHandle<typeof orderWorkflow>(orderWorkflowId(keyOf(o.externalId)));
    const until = (what: string, ok: (s: OrderState) => boolean) => eventually(what, () => handle.query(orderStateQuery), ok);

    const confirmed = await until('confirmed', (s) => s.status === 'confirmed');
    await stack.odoo.admin.validateDelivery({ saleOrderId: confirmed.odoo.saleOrderId!, trackingRef: '1ZDELIVERED1', carrier: 'UPS' });
    await until('shipped', (s) => s.status === 'shipped');
    const shippedAt = Date.now();

    // The parcel is on its way for a while; the window must not count from the shipment.
    await sleep(5_000);
    expect((await handle.query(orderStateQuery)).status).toBe('shipped');
    stack.shopify.admin.markDelivered(o.id);
    const delivered = await until('delivered', (s) => s.status === 'delivered');
    expect(delivered.deliveredAt).toBeDefined();
    const deliveredAt = Date.parse(delivered.deliveredAt!);
    // Shopify's deliveredAt has one-second resolution.
    expect(deliveredAt).toBeGreaterThanOrEqual(shippedAt + 4_000);
    expect(delivered.order?.deliveredAt).toBe(delivered.deliveredAt);
    expect(delivered.shipments).toMatchObject([{ trackingNumber: '1ZDELIVERED1' }]);
    expect((await handle.describe()).typedSearchAttributes.get(SA_ORDER_STATUS)).toBe('delivered');

    expect(await handle.result()).toMatchObject({ status: 'closed', deliveredAt: delivered.deliveredAt });
    const closedAt = (await handle.describe()).closeTime!.getTime();
    expect(closedAt).toBeGreaterThanOrEqual(deliveredAt + RETURN_WINDOW_MS);
    // A window counted from the shipment would have closed about five seconds earlier.
    expect(closedAt).toBeGreaterThanOrEqual(shippedAt + RETURN_WINDOW_MS + 3_000);
    await recordHistory('delivered-shopify-window-from-delivery', handle.workflowId);
  });
});

describe('delivered orders (edges, own worker)', () => {
  let env: OrderWorker;
  const taskQueue = uniqueTaskQueue('delivered-edges');
  const account = `delivered-edges-${process.pid}`;
  // Per order, by the prefix of its id.
  const policies: Record<string, Partial<OrderPolicy>> = {
    early: { returnWindow: '1 hour', deliveryPollInterval: '200ms', stuckAfter: '1 hour' },
    fba: { returnWindow: '3s', deliveryPollInterval: '1 hour', stuckAfter: '1 hour' },
  };

  beforeAll(async () => {
    env = await startOrderWorker({ taskQueue, policyFor: policyByIdPrefix(policies) });
  });
  afterAll(async () => env.close());

  const order = (externalId: string, extra: Partial<CanonicalOrder> = {}) => testOrder({ channel: 'amazon', account, externalId }, extra);

  it('a delivery shown before our shipment waits for it; then the window counts from the delivery, never ending before now', async () => {
    const o = order(`early-${Date.now()}`);
    const handle = await env.deliver(created(o));
    await eventually('confirmed', () => handle.query(orderStateQuery), (s) => s.status === 'confirmed');

    // The channel already shows it delivered, an hour ago, while nothing is recorded as shipped here.
    const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
    const later = new Date(Date.now() + 1).toISOString();
    await env.deliver(snapshotEvent('order.updated', { ...o, status: 'shipped', deliveredAt: hourAgo, updatedAt: later }, 'delivered'));
    const waiting = await eventually('snapshot applied', () => handle.query(orderStateQuery), (s) => s.eventsSeen.includes(`delivered-${o.externalId}`) && s.order?.deliveredAt !== undefined);
    await sleep(1_000);
    // Not skipped: still confirmed, still polling Odoo for the delivery to push.
    expect(await handle.query(orderStateQuery)).toMatchObject({ status: 'confirmed', shipments: [] });
    expect(waiting.deliveredAt).toBeUndefined();

    await env.deliver(shippedEvent(o));
    // Delivered an hour ago with a one-hour window: it closes now, not an hour from the shipment.
    const started = Date.now();
    expect(await handle.result()).toMatchObject({ status: 'closed', deliveredAt: hourAgo, shipments: [{ shipmentRef: 'pkg-1' }] });
    expect(Date.now() - started).toBeLessThan(30_000);
    await recordHistory('delivered-before-shipment-recorded', handle.workflowId);
  });

  it('an order the channel fulfils itself is delivered without a shipment of ours', async () => {
    const o = order(`fba-${Date.now()}`, { fulfilledBy: 'channel' });
    const handle = await env.deliver(created(o));
    await eventually('confirmed', () => handle.query(orderStateQuery), (s) => s.status === 'confirmed');
    const deliveredAt = new Date().toISOString();
    await env.deliver(snapshotEvent('order.updated', { ...o, status: 'shipped', deliveredAt, updatedAt: new Date(Date.now() + 1).toISOString() }, 'delivered'));
    const delivered = await eventually('delivered', () => handle.query(orderStateQuery), (s) => s.status === 'delivered');
    expect(delivered).toMatchObject({ deliveredAt, shipments: [] });
    expect(await handle.result()).toMatchObject({ status: 'closed', deliveredAt });
    expect((await handle.describe()).closeTime!.getTime()).toBeGreaterThanOrEqual(Date.parse(deliveredAt) + 3_000);
    await recordHistory('delivered-channel-fulfilled', handle.workflowId);
  });
});

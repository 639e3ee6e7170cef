import { type Client } from '@temporalio/client';
import { type Worker } from '@temporalio/worker';
import { type Alert } from '../../activities/alerts';
import { createOrderActivities } from '../../activities/order-activities';
import { createOdooClient, createOdooOrderOperations } from '../../activities/odoo';
import { deliverEvent } from '../../clients/deliver-event';
import { createLogger } from '../../config/logger';
import { type CanonicalOrder, type ChannelEvent, DEFAULT_ORDER_POLICY, odooClientOrderRef, type OrderPolicy } from '../../domain';
import { SA_ORDER_STATUS } from '../../domain/search-attributes';
import { startOdooSimulator, type OdooSimulator } from '../../simulators/odoo';
import { createOrderWorker } from '../../workers/order-worker';
import type { orderWorkflow } from '../../workflows';
import { operatorActionUpdate, orderStateQuery } from '../../workflows/messages';
import { recordHistory } from '../support/histories';
import { connectTest, eventually, uniqueTaskQueue } from '../support/temporal';

// Orders that wait a long time, on a real server with timers shortened by policy: the stuck alert only where
// work is due, a reminder for a parked order nobody answers, and continue-as-new before the history grows large.
describe('long-running orders', () => {
  let client: Client;
  let close: () => Promise<void>;
  let worker: Worker;
  let running: Promise<void>;
  let sim: OdooSimulator;
  const alerts: Alert[] = [];
  const taskQueue = uniqueTaskQueue('long-running');
  const account = `long-running-${process.pid}`;
  // Per order, by the prefix of its id.
  const policies: Record<string, Partial<OrderPolicy>> = {
    stuck: { stuckAfter: '2s', returnWindow: '1 hour', deliveryPollInterval: '1 hour' },
    parked: { stuckAfter: '2s', deliveryPollInterval: '1 hour' },
    parkedcancel: { stuckAfter: '1 hour', deliveryPollInterval: '1 hour', returnWindow: '2s' },
    long: { historyEventLimit: 100, deliveryPollInterval: '200ms', stuckAfter: '1 hour', returnWindow: '1 hour' },
  };

  beforeAll(async () => {
    const t = await connectTest();
    client = t.client;
    sim = await startOdooSimulator({ version: 17, seed: 'demo' });
    const odoo = createOdooOrderOperations(createOdooClient({ url: sim.url, database: sim.database, login: sim.login, secret: sim.apiKey, version: 'auto' }));
    const activities = createOrderActivities({
      odoo,
      logger: createLogger({ level: 'silent' }),
      temporalUiUrl: 'http://127.0.0.1:8233',
      alerts: { raise: async (a) => void alerts.push(a) },
      policyFor: (key) => ({ ...DEFAULT_ORDER_POLICY, ...policies[key.externalId.split('-')[0]!] }),
    });
    worker = await createOrderWorker({ connection: t.nativeConnection, namespace: 'default', taskQueue, activities });
    running = worker.run();
    close = async () => {
      worker.shutdown();
      await running;
      await t.close();
      await sim.close();
    };
  });
  afterAll(async () => close());

  function order(externalId: string, sku = 'MUG-WHITE'): CanonicalOrder {
    const at = new Date().toISOString();
    return {
      channel: 'walmart', account, externalId, name: externalId, status: 'paid', currency: 'USD',
      customer: { name: 'Grace Hopper', email: 'grace@example.com' },
      lines: [{ lineId: '1', sku, title: 'Mug', quantity: 1, unitPrice: { amount: '12.50', currency: 'USD' } }],
      total: { amount: '12.50', currency: 'USD' }, taxesIncluded: false, createdAt: at, updatedAt: at, test: false,
    };
  }

  const deliver = async (event: ChannelEvent) => client.workflow.getHandle<typeof orderWorkflow>(await deliverEvent({ client, taskQueue }, event));
  const created = (o: CanonicalOrder): ChannelEvent => ({ type: 'order.created', eventId: `created-${o.externalId}`, channel: o.channel, account: o.account, externalId: o.externalId, occurredAt: o.updatedAt, source: 'poll', order: o });
  const shippedEvent = (o: CanonicalOrder): ChannelEvent => ({
    type: 'order.shipped', eventId: `shipped-${o.externalId}`, channel: o.channel, account: o.account, externalId: o.externalId,
    occurredAt: new Date().toISOString(), source: 'poll', shipment: { shipmentRef: 'pkg-1', lines: [{ lineId: '1', quantity: 1 }], trackingNumber: '1Z' },
  });
  const alertsFor = (externalId: string) => alerts.filter((a) => a.externalOrderId === externalId);
  const sleep = (msec: number) => new Promise((r) => setTimeout(r, msec));

  it('alerts once for an order stuck where work is due, and not while it waits out the return window', async () => {
    const o = order(`stuck-${Date.now()}`);
    const handle = await deliver(created(o));
    await eventually('confirmed', () => handle.query(orderStateQuery), (s) => s.status === 'confirmed');
    const stuck = await eventually('stuck alert', async () => alertsFor(o.externalId), (a) => a.length >= 1, 15_000);
    expect(stuck).toMatchObject([{ severity: 'warning', reason: 'order has been confirmed for more than 2s' }]);

    await deliver(shippedEvent(o));
    await eventually('shipped', () => handle.query(orderStateQuery), (s) => s.status === 'shipped');
    // Three stuckAfter periods of the return window: a shipped order is waiting by design, not stuck.
    await sleep(6_000);
    expect(alertsFor(o.externalId)).toHaveLength(1);
    expect((await handle.query(orderStateQuery)).status).toBe('shipped');
    await recordHistory('stuck-alert-only-while-work-is-due', handle.workflowId);
  });

  it('reminds once when a parked order is not answered within stuckAfter', async () => {
    const o = order(`parked-${Date.now()}`, 'NO-SUCH-SKU');
    const handle = await deliver(created(o));
    await eventually('needs_attention', () => handle.query(orderStateQuery), (s) => s.status === 'needs_attention');
    const both = await eventually('reminder', async () => alertsFor(o.externalId), (a) => a.length >= 2, 15_000);
    expect(both[0]).toMatchObject({ severity: 'error', reason: expect.stringContaining('order needs attention at step import') });
    expect(both[1]).toMatchObject({ severity: 'error', reason: expect.stringMatching(/^order still needs attention after 2s at step import/) });
    await sleep(4_000);
    expect(alertsFor(o.externalId)).toHaveLength(2);
    // Still waiting for its operator, who can answer as before.
    const after = await handle.executeUpdate(operatorActionUpdate, { args: [{ action: 'cancel' }] });
    expect(after.status).toBe('cancelled');
  });

  it('a cancellation from the channel ends the wait of a parked order without an operator', async () => {
    const o = order(`parkedcancel-${Date.now()}`, 'NO-SUCH-SKU');
    const handle = await deliver(created(o));
    await eventually('needs_attention', () => handle.query(orderStateQuery), (s) => s.status === 'needs_attention');
    await deliver({ type: 'order.cancelled', eventId: `cancelled-${o.externalId}`, channel: o.channel, account: o.account, externalId: o.externalId, occurredAt: new Date().toISOString(), source: 'poll', reason: 'customer' });
    const done = await eventually('cancelled', () => handle.query(orderStateQuery), (s) => s.status === 'cancelled');
    expect(done.lastError).toMatchObject({ type: 'Cancelled', message: 'cancelled on the channel (customer)' });
    expect(done.odoo.saleOrderId).toBeUndefined();
    // The return window runs from the cancellation; then the run ends.
    expect(await handle.result()).toMatchObject({ status: 'cancelled' });
    await recordHistory('parked-order-cancelled-on-channel', handle.workflowId);
  });

  it('continues as new before its history grows large, and the next run carries the order on', async () => {
    const o = order(`long-${Date.now()}`);
    const handle = await deliver(created(o));
    const confirmed = await eventually('confirmed', () => handle.query(orderStateQuery), (s) => s.status === 'confirmed');
    const first = (await handle.describe()).runId;
    // Delivery polls every 200 ms grow the history; the run hands over at 100 events.
    const next = await eventually('a continued run', () => client.workflow.getHandle(handle.workflowId).describe(), (d) => d.runId !== first, 30_000);
    expect(next.typedSearchAttributes.get(SA_ORDER_STATUS)).toBe('confirmed');
    const firstRun = await client.workflow.getHandle(handle.workflowId, first).describe();
    expect(firstRun.status.name).toBe('CONTINUED_AS_NEW');
    expect(firstRun.historyLength).toBeLessThan(130);

    const carried = await handle.query(orderStateQuery);
    expect(carried).toMatchObject({ status: 'confirmed', odoo: confirmed.odoo, eventsSeen: confirmed.eventsSeen });
    // The same event again is a duplicate to the new run too; no second sale order.
    await deliver(created(o));
    await eventually('duplicate dropped', () => handle.query(orderStateQuery), (s) => s.duplicatesDropped === 1);
    const orders = (await sim.admin.records('sale.order')).filter((r) => r.client_order_ref === odooClientOrderRef({ channel: 'walmart', account, externalId: o.externalId }));
    expect(orders).toHaveLength(1);

    await deliver(shippedEvent(o));
    const shipped = await eventually('shipped', () => handle.query(orderStateQuery), (s) => s.status === 'shipped');
    expect(shipped.shipments).toMatchObject([{ shipmentRef: 'pkg-1' }]);
    await recordHistory('order-continued-as-new', handle.workflowId);
  });
});

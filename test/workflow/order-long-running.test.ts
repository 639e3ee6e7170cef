import { odooClientOrderRef, type OrderPolicy } from '../../domain';
import { SA_ORDER_STATUS } from '../../domain/search-attributes';
import { operatorActionUpdate, orderStateQuery } from '../../workflows/messages';
import { recordHistory } from '../support/histories';
import { createdEvent as created, type OrderWorker, policyByIdPrefix, shippedEvent, startOrderWorker, testOrder } from '../support/order-worker';
import { eventually, uniqueTaskQueue } from '../support/temporal';

// Orders that wait a long time, on a real server with timers shortened by policy: the stuck alert only where
// work is due, a reminder for a parked order nobody answers, and continue-as-new before the history grows large.
describe('long-running orders', () => {
  let env: OrderWorker;
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
    env = await startOrderWorker({ taskQueue, policyFor: policyByIdPrefix(policies) });
  });
  afterAll(async () => env.close());

  const order = (externalId: string, sku?: string) => testOrder({ channel: 'walmart', account, externalId }, { sku });
  const sleep = (msec: number) => new Promise((r) => setTimeout(r, msec));

  it('alerts once for an order stuck where work is due, and not while it waits out the return window', async () => {
    const o = order(`stuck-${Date.now()}`);
    const handle = await env.deliver(created(o));
    await eventually('confirmed', () => handle.query(orderStateQuery), (s) => s.status === 'confirmed');
    const stuck = await eventually('stuck alert', async () => env.alertsFor(o.externalId), (a) => a.length >= 1, 15_000);
    expect(stuck).toMatchObject([{ severity: 'warning', reason: 'order has been confirmed for more than 2s' }]);

    await env.deliver(shippedEvent(o));
    await eventually('shipped', () => handle.query(orderStateQuery), (s) => s.status === 'shipped');
    // Three stuckAfter periods of the return window: a shipped order is waiting by design, not stuck.
    await sleep(6_000);
    expect(env.alertsFor(o.externalId)).toHaveLength(1);
    expect((await handle.query(orderStateQuery)).status).toBe('shipped');
    await recordHistory('stuck-alert-only-while-work-is-due', handle.workflowId);
  });

  it('reminds once when a parked order is not answered within stuckAfter', async () => {
    const o = order(`parked-${Date.now()}`, 'NO-SUCH-SKU');
    const handle = await env.deliver(created(o));
    await eventually('needs_attention', () => handle.query(orderStateQuery), (s) => s.status === 'needs_attention');
    const both = await eventually('reminder', async () => env.alertsFor(o.externalId), (a) => a.length >= 2, 15_000);
    expect(both[0]).toMatchObject({ severity: 'error', reason: expect.stringContaining('order needs attention at step import') });
    expect(both[1]).toMatchObject({ severity: 'error', reason: expect.stringMatching(/^order still needs attention after 2s at step import/) });
    await sleep(4_000);
    expect(env.alertsFor(o.externalId)).toHaveLength(2);
    // Still waiting for its operator, who can answer as before.
    const after = await handle.executeUpdate(operatorActionUpdate, { args: [{ action: 'cancel' }] });
    expect(after.status).toBe('cancelled');
  });

  it('a cancellation from the channel ends the wait of a parked order without an operator', async () => {
    const o = order(`parkedcancel-${Date.now()}`, 'NO-SUCH-SKU');
    const handle = await env.deliver(created(o));
    await eventually('needs_attention', () => handle.query(orderStateQuery), (s) => s.status === 'needs_attention');
    await env.deliver({ type: 'order.cancelled', eventId: `cancelled-${o.externalId}`, channel: o.channel, account: o.account, externalId: o.externalId, occurredAt: new Date().toISOString(), source: 'poll', reason: 'customer' });
    const done = await eventually('cancelled', () => handle.query(orderStateQuery), (s) => s.status === 'cancelled');
    expect(done.lastError).toMatchObject({ type: 'Cancelled', message: 'cancelled on the channel (customer)' });
    expect(done.odoo.saleOrderId).toBeUndefined();
    // The return window runs from the cancellation; then the run ends.
    expect(await handle.result()).toMatchObject({ status: 'cancelled' });
    await recordHistory('parked-order-cancelled-on-channel', handle.workflowId);
  });

  it('continues as new before its history grows large, and the next run carries the order on', async () => {
    const o = order(`long-${Date.now()}`);
    const handle = await env.deliver(created(o));
    const confirmed = await eventually('confirmed', () => handle.query(orderStateQuery), (s) => s.status === 'confirmed');
    const first = (await handle.describe()).runId;
    // Delivery polls every 200 ms grow the history; the run hands over at 100 events.
    const next = await eventually('a continued run', () => env.client.workflow.getHandle(handle.workflowId).describe(), (d) => d.runId !== first, 30_000);
    expect(next.typedSearchAttributes.get(SA_ORDER_STATUS)).toBe('confirmed');
    const firstRun = await env.client.workflow.getHandle(handle.workflowId, first).describe();
    expect(firstRun.status.name).toBe('CONTINUED_AS_NEW');
    expect(firstRun.historyLength).toBeLessThan(130);

    const carried = await handle.query(orderStateQuery);
    expect(carried).toMatchObject({ status: 'confirmed', odoo: confirmed.odoo, eventsSeen: confirmed.eventsSeen });
    // The same event again is a duplicate to the new run too; no second sale order.
    await env.deliver(created(o));
    await eventually('duplicate dropped', () => handle.query(orderStateQuery), (s) => s.duplicatesDropped === 1);
    const orders = (await env.sim.admin.records('sale.order')).filter((r) => r.client_order_ref === odooClientOrderRef({ channel: 'walmart', account, externalId: o.externalId }));
    expect(orders).toHaveLength(1);

    await env.deliver(shippedEvent(o));
    const shipped = await eventually('shipped', () => handle.query(orderStateQuery), (s) => s.status === 'shipped');
    expect(shipped.shipments).toMatchObject([{ shipmentRef: 'pkg-1' }]);
    await recordHistory('order-continued-as-new', handle.workflowId);
  });
});

import { DEFAULT_ORDER_POLICY } from '../../domain';
import { orderStateQuery } from '../../workflows/messages';
import { eventually, uniqueTaskQueue } from '../support/temporal';
import { recordHistory } from '../support/histories';
import { createdEvent as created, type OrderWorker, shippedEvent, startOrderWorker, testOrder } from '../support/order-worker';

// The ship-by deadline on a real server: durable timers raise one warning shipByWarning before the channel's
// deadline and one error once it has passed, for an order in Odoo that has not shipped; nothing once it has.
describe('ship-by deadline alerts', () => {
  let env: OrderWorker;
  const taskQueue = uniqueTaskQueue('ship-by');
  const account = `ship-by-${process.pid}`;

  beforeAll(async () => {
    env = await startOrderWorker({
      taskQueue,
      // Polling is far away: only the ship-by timers can wake these orders.
      policyFor: () => ({ ...DEFAULT_ORDER_POLICY, shipByWarning: '3s', deliveryPollInterval: '1 hour', stuckAfter: '1 hour' }),
    });
  });
  afterAll(async () => env.close());

  const order = (externalId: string, shipBy: string) =>
    testOrder({ channel: 'walmart', account, externalId }, { customer: { name: 'Ada Lovelace', email: 'ada@example.com' }, shipBy });

  it('warns once before the deadline and raises one error once it has passed, unshipped', async () => {
    const deadline = new Date(Date.now() + 15_000).toISOString();
    const o = order(`late-${Date.now()}`, deadline);
    const handle = await env.deliver(created(o));
    await eventually('confirmed', () => handle.query(orderStateQuery), (s) => s.status === 'confirmed');
    expect(env.alertsFor(o.externalId)).toEqual([]);

    const warned = await eventually('warning', async () => env.alertsFor(o.externalId), (a) => a.length >= 1, 25_000);
    expect(warned[0]).toMatchObject({ severity: 'warning', reason: expect.stringContaining(deadline) });
    const warnedAt = Date.now();
    expect(warnedAt).toBeLessThan(Date.parse(deadline));
    expect(warnedAt).toBeGreaterThanOrEqual(Date.parse(deadline) - 3_000);

    const both = await eventually('error', async () => env.alertsFor(o.externalId), (a) => a.length >= 2, 15_000);
    expect(both[1]).toMatchObject({ severity: 'error', reason: expect.stringContaining(`${deadline} has passed`) });
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(deadline));
    // Once each: nothing more however long the order stays unshipped.
    await new Promise((r) => setTimeout(r, 2_000));
    expect(env.alertsFor(o.externalId)).toHaveLength(2);
    const state = await handle.query(orderStateQuery);
    expect(state.status).toBe('confirmed');
    expect(state.shipBy).toMatchObject({ deadline, warnedAt: expect.any(String), missedAt: expect.any(String) });
    await recordHistory('ship-by-warning-and-miss', handle.workflowId);
  });

  it('raises nothing for an order that shipped in time', async () => {
    const deadline = new Date(Date.now() + 15_000).toISOString();
    const o = order(`in-time-${Date.now()}`, deadline);
    const handle = await env.deliver(created(o));
    await eventually('confirmed', () => handle.query(orderStateQuery), (s) => s.status === 'confirmed');
    await env.deliver(shippedEvent(o));
    await eventually('shipped', () => handle.query(orderStateQuery), (s) => s.status === 'shipped');
    await new Promise((r) => setTimeout(r, Date.parse(deadline) + 1_500 - Date.now()));
    expect(env.alertsFor(o.externalId)).toEqual([]);
    expect((await handle.query(orderStateQuery)).shipBy).toEqual({ deadline });
  });
});

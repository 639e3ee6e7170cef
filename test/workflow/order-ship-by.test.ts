import { type Client } from '@temporalio/client';
import { type Worker } from '@temporalio/worker';
import { type Alert } from '../../activities/alerts';
import { createOrderActivities } from '../../activities/order-activities';
import { createOdooClient, createOdooOrderOperations } from '../../activities/odoo';
import { createLogger } from '../../config/logger';
import { type CanonicalOrder, type ChannelEvent, DEFAULT_ORDER_POLICY } from '../../domain';
import { startOdooSimulator, type OdooSimulator } from '../../simulators/odoo';
import { createOrderWorker } from '../../workers/order-worker';
import type { orderWorkflow } from '../../workflows';
import { orderStateQuery } from '../../workflows/messages';
import { connectTest, eventually, uniqueTaskQueue } from '../support/temporal';
import { recordHistory } from '../support/histories';
import { deliverEvent } from '../../clients/deliver-event';

// The ship-by deadline on a real server: durable timers raise one warning shipByWarning before the channel's
// deadline and one error once it has passed, for an order in Odoo that has not shipped; nothing once it has.
describe('ship-by deadline alerts', () => {
  let client: Client;
  let close: () => Promise<void>;
  let worker: Worker;
  let running: Promise<void>;
  let sim: OdooSimulator;
  const alerts: Alert[] = [];
  const taskQueue = uniqueTaskQueue('ship-by');
  const account = `ship-by-${process.pid}`;

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
      // Polling is far away: only the ship-by timers can wake these orders.
      policyFor: () => ({ ...DEFAULT_ORDER_POLICY, shipByWarning: '3s', deliveryPollInterval: '1 hour', stuckAfter: '1 hour' }),
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

  function order(externalId: string, shipBy: string): CanonicalOrder {
    const at = new Date().toISOString();
    return {
      channel: 'walmart', account, externalId, name: externalId, status: 'paid', currency: 'USD',
      customer: { name: 'Ada Lovelace', email: 'ada@example.com' },
      lines: [{ lineId: '1', sku: 'MUG-WHITE', title: 'Mug', quantity: 1, unitPrice: { amount: '12.50', currency: 'USD' } }],
      total: { amount: '12.50', currency: 'USD' }, taxesIncluded: false, createdAt: at, updatedAt: at, test: false, shipBy,
    };
  }

  // The gateway's and pollers' own way in.
  const deliver = async (event: ChannelEvent) => client.workflow.getHandle<typeof orderWorkflow>(await deliverEvent({ client, taskQueue }, event));
  const created = (o: CanonicalOrder): ChannelEvent => ({ type: 'order.created', eventId: `created-${o.externalId}`, channel: o.channel, account: o.account, externalId: o.externalId, occurredAt: o.updatedAt, source: 'poll', order: o });
  const alertsFor = (externalId: string) => alerts.filter((a) => a.externalOrderId === externalId);

  it('warns once before the deadline and raises one error once it has passed, unshipped', async () => {
    const deadline = new Date(Date.now() + 15_000).toISOString();
    const o = order(`late-${Date.now()}`, deadline);
    const handle = await deliver(created(o));
    await eventually('confirmed', () => handle.query(orderStateQuery), (s) => s.status === 'confirmed');
    expect(alertsFor(o.externalId)).toEqual([]);

    const warned = await eventually('warning', async () => alertsFor(o.externalId), (a) => a.length >= 1, 25_000);
    expect(warned[0]).toMatchObject({ severity: 'warning', reason: expect.stringContaining(deadline) });
    const warnedAt = Date.now();
    expect(warnedAt).toBeLessThan(Date.parse(deadline));
    expect(warnedAt).toBeGreaterThanOrEqual(Date.parse(deadline) - 3_000);

    const both = await eventually('error', async () => alertsFor(o.externalId), (a) => a.length >= 2, 15_000);
    expect(both[1]).toMatchObject({ severity: 'error', reason: expect.stringContaining(`${deadline} has passed`) });
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(deadline));
    // Once each: nothing more however long the order stays unshipped.
    await new Promise((r) => setTimeout(r, 2_000));
    expect(alertsFor(o.externalId)).toHaveLength(2);
    const state = await handle.query(orderStateQuery);
    expect(state.status).toBe('confirmed');
    expect(state.shipBy).toMatchObject({ deadline, warnedAt: expect.any(String), missedAt: expect.any(String) });
    await recordHistory('ship-by-warning-and-miss', handle.workflowId);
  });

  it('raises nothing for an order that shipped in time', async () => {
    const deadline = new Date(Date.now() + 15_000).toISOString();
    const o = order(`in-time-${Date.now()}`, deadline);
    const handle = await deliver(created(o));
    await eventually('confirmed', () => handle.query(orderStateQuery), (s) => s.status === 'confirmed');
    await deliver({
      type: 'order.shipped', eventId: `shipped-${o.externalId}`, channel: o.channel, account: o.account, externalId: o.externalId,
      occurredAt: new Date().toISOString(), source: 'poll', shipment: { shipmentRef: 'pkg-1', lines: [{ lineId: '1', quantity: 1 }], trackingNumber: '1Z' },
    });
    await eventually('shipped', () => handle.query(orderStateQuery), (s) => s.status === 'shipped');
    await new Promise((r) => setTimeout(r, Date.parse(deadline) + 1_500 - Date.now()));
    expect(alertsFor(o.externalId)).toEqual([]);
    expect((await handle.query(orderStateQuery)).shipBy).toEqual({ deadline });
  });
});

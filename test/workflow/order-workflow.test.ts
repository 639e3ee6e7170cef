import { WorkflowUpdateFailedError } from '@temporalio/client';
import { type CanonicalOrder, type ChannelEvent, odooClientOrderRef, orderWorkflowId, SA_ORDER_STATUS } from '../../domain';
import { channelEventSignal, operatorActionUpdate, orderStateQuery } from '../../workflows/messages';
import { orderWorkflow } from '../../workflows';
import { recordHistory } from '../support/histories';
import { type OrderWorker, startOrderWorker } from '../support/order-worker';
import { eventually, uniqueTaskQueue } from '../support/temporal';

// The workflow on a real Temporal server, calling the real Odoo client against the Odoo simulator.
function order(externalId: string, sku = 'MUG-WHITE', updatedAt = '2026-11-01T10:00:00Z'): CanonicalOrder {
  return {
    channel: 'shopify', account: 'test-shop', externalId, name: `#${externalId}`, status: 'paid', currency: 'USD',
    customer: { name: 'Ada Lovelace', email: 'ada@example.com' },
    lines: [{ lineId: 'l1', sku, title: 'Thing', quantity: 2, unitPrice: { amount: '9.99', currency: 'USD' } }],
    total: { amount: '19.98', currency: 'USD' }, taxesIncluded: false,
    createdAt: '2026-11-01T10:00:00Z', updatedAt, test: false,
  };
}

function created(o: CanonicalOrder, eventId: string): ChannelEvent {
  return { type: 'order.created', eventId, channel: o.channel, account: o.account, externalId: o.externalId, occurredAt: o.updatedAt, source: 'webhook', order: o };
}

describe('orderWorkflow on a real Temporal server', () => {
  let env: OrderWorker;
  const taskQueue = uniqueTaskQueue('order-wf');

  beforeAll(async () => {
    env = await startOrderWorker({ taskQueue });
  });
  afterAll(async () => env.close());

  async function deliver(event: ChannelEvent) {
    return env.client.workflow.signalWithStart(orderWorkflow, {
      workflowId: orderWorkflowId(event),
      taskQueue,
      args: [{ key: { channel: event.channel, account: event.account, externalId: event.externalId }, idleClose: '1 hour' }],
      signal: channelEventSignal,
      signalArgs: [event],
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
  }

  it('imports once however often the same event arrives, and publishes its status', async () => {
    const o = order(`dup-${Date.now()}`);
    const handles: Awaited<ReturnType<typeof deliver>>[] = [];
    for (let i = 0; i < 3; i++) handles.push(await deliver(created(o, 'evt-1')));
    expect(new Set(handles.map((h) => h.signaledRunId)).size).toBe(1);
    const state = await eventually('confirmed', () => handles[0]!.query(orderStateQuery), (s) => s.status === 'confirmed');
    expect(state.duplicatesDropped).toBe(2);
    expect(state.odoo.saleOrderState).toBe('sale');
    const inOdoo = await env.sim.admin.saleOrders({ clientOrderRef: odooClientOrderRef(o) });
    expect(inOdoo).toHaveLength(1);
    expect(inOdoo[0]).toMatchObject({ id: state.odoo.saleOrderId, state: 'sale' });
    const description = await eventually(
      'OrderStatus search attribute',
      () => handles[0]!.describe(),
      (d) => d.typedSearchAttributes.get(SA_ORDER_STATUS) === 'confirmed',
    );
    expect(description.typedSearchAttributes.get(SA_ORDER_STATUS)).toBe('confirmed');
    await recordHistory('duplicate-deliveries', handles[0]!.workflowId);
  });

  it('parks an unknown SKU in needs_attention with an alert, then resumes on retry', async () => {
    const sku = `NEW-${Date.now()}`;
    const o = order(`unknown-${Date.now()}`, sku);
    const handle = await deliver(created(o, 'evt-a'));
    const parked = await eventually('needs_attention', () => handle.query(orderStateQuery), (s) => s.status === 'needs_attention');
    expect(parked.lastError?.type).toBe('OdooBusinessError');
    expect(parked.lastError?.message).toContain(sku);
    await eventually('one alert', async () => env.alerts.filter((a) => a.reason.includes(sku)).length, (n) => n === 1);
    expect(await env.sim.admin.saleOrders({ clientOrderRef: odooClientOrderRef(o) })).toHaveLength(0);

    await env.sim.admin.addProducts([{ sku, name: 'New thing', listPrice: 9.99, storable: true, quantity: 5 }]);
    const after = await handle.executeUpdate(operatorActionUpdate, { args: [{ action: 'retry' }] });
    expect(after.status).toBe('confirmed');
    expect(await env.sim.admin.saleOrders({ clientOrderRef: odooClientOrderRef(o) })).toMatchObject([{ state: 'sale' }]);
    await recordHistory('needs-attention-retry', handle.workflowId);
  });

  it('refuses an operator action when the order does not need one', async () => {
    const o = order(`healthy-${Date.now()}`);
    const handle = await deliver(created(o, 'evt-h'));
    await eventually('confirmed', () => handle.query(orderStateQuery), (s) => s.status === 'confirmed');
    await expect(handle.executeUpdate(operatorActionUpdate, { args: [{ action: 'retry' }] })).rejects.toBeInstanceOf(
      WorkflowUpdateFailedError,
    );
    await recordHistory('operator-update-refused', handle.workflowId);
  });
});

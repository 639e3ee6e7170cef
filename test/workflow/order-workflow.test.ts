import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { type Worker } from '@temporalio/worker';
import { createAlertSink } from '../../activities/alerts';
import { createOrderActivities } from '../../activities/order-activities';
import { OdooError, type OdooOrderOperations, type SaleOrderRef } from '../../activities/odoo/types';
import { createLogger } from '../../config/logger';
import { type CanonicalOrder, type ChannelEvent, orderWorkflowId, SA_ORDER_STATUS } from '../../domain';
import { createOrderWorker } from '../../workers/order-worker';
import { channelEventSignal, operatorActionUpdate, orderStateQuery } from '../../workflows/messages';
import { orderWorkflow } from '../../workflows';
import { recordHistory } from '../support/histories';
import { connectTest, uniqueTaskQueue } from '../support/temporal';

// The workflow on a real server; Odoo is an in-memory fake of the operations contract (the Odoo
// client itself is tested against the simulator elsewhere).
class FakeOdoo implements OdooOrderOperations {
  orders = new Map<string, SaleOrderRef>();
  creates = 0;
  knownSkus = new Set(['SKU-1', 'SKU-2']);
  async ensureCustomer() {
    return { partnerId: 7, invoicePartnerId: 8, shippingPartnerId: 9 };
  }
  async findProductsBySku({ skus }: { skus: string[] }) {
    return Object.fromEntries(skus.filter((s) => this.knownSkus.has(s)).map((s, i) => [s, i + 1]));
  }
  async ensureSaleOrder({ order }: { order: CanonicalOrder }) {
    const missing = order.lines.map((l) => l.sku).filter((s) => !this.knownSkus.has(s));
    if (missing.length) throw new OdooError(`unknown SKU(s): ${missing.join(', ')}`, 'business');
    const existing = this.orders.get(order.externalId);
    if (existing) return { ...existing, created: false };
    this.creates += 1;
    const ref = { saleOrderId: 100 + this.creates, name: `S0000${this.creates}`, state: 'draft', created: true };
    this.orders.set(order.externalId, ref);
    return ref;
  }
  async confirmSaleOrder({ saleOrderId }: { saleOrderId: number }) {
    const entry = [...this.orders.entries()].find(([, r]) => r.saleOrderId === saleOrderId)!;
    entry[1] = { ...entry[1], state: 'sale' };
    this.orders.set(entry[0], entry[1]);
    return { ...entry[1], created: false };
  }
  async findSaleOrder() {
    return undefined;
  }
}

function order(externalId: string, sku = 'SKU-1', updatedAt = '2026-11-01T10:00:00Z'): CanonicalOrder {
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
  let client: Client;
  let close: () => Promise<void>;
  let worker: Worker;
  let running: Promise<void>;
  let odoo: FakeOdoo;
  const alerts: string[] = [];
  const taskQueue = uniqueTaskQueue('order-wf');

  beforeAll(async () => {
    const t = await connectTest();
    client = t.client;
    odoo = new FakeOdoo();
    const logger = createLogger({ level: 'silent' });
    const sink = createAlertSink({ logger });
    const activities = createOrderActivities({
      odoo,
      logger,
      temporalUiUrl: 'http://127.0.0.1:8233',
      alerts: { raise: async (a) => { alerts.push(a.reason); await sink.raise(a); } },
    });
    worker = await createOrderWorker({ connection: t.nativeConnection, namespace: 'default', taskQueue, activities });
    running = worker.run();
    close = async () => {
      worker.shutdown();
      await running;
      await t.close();
    };
  });
  afterAll(async () => close());

  async function deliver(event: ChannelEvent) {
    return client.workflow.signalWithStart(orderWorkflow, {
      workflowId: orderWorkflowId(event),
      taskQueue,
      args: [{ key: { channel: event.channel, account: event.account, externalId: event.externalId }, idleClose: '1 hour' }],
      signal: channelEventSignal,
      signalArgs: [event],
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
  }

  async function waitFor<T>(fn: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
    for (let i = 0; i < 200; i++) {
      const v = await fn();
      if (ok(v)) return v;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('condition not reached');
  }

  it('imports once however often the same event arrives, and publishes its status', async () => {
    const o = order(`dup-${Date.now()}`);
    const handles: Awaited<ReturnType<typeof deliver>>[] = [];
    for (let i = 0; i < 3; i++) handles.push(await deliver(created(o, 'evt-1')));
    expect(new Set(handles.map((h) => h.signaledRunId)).size).toBe(1);
    const state = await waitFor(() => handles[0]!.query(orderStateQuery), (s) => s.status === 'confirmed');
    expect(state.duplicatesDropped).toBe(2);
    expect(state.odoo.saleOrderState).toBe('sale');
    expect([...odoo.orders.keys()].filter((k) => k === o.externalId)).toHaveLength(1);
    const description = await waitFor(
      () => handles[0]!.describe(),
      (d) => d.typedSearchAttributes.get(SA_ORDER_STATUS) === 'confirmed',
    );
    expect(description.typedSearchAttributes.get(SA_ORDER_STATUS)).toBe('confirmed');
    await recordHistory('duplicate-deliveries', handles[0]!.workflowId);
  });

  it('parks an unknown SKU in needs_attention with an alert, then resumes on retry', async () => {
    const o = order(`unknown-${Date.now()}`, 'SKU-NEW');
    const handle = await deliver(created(o, 'evt-a'));
    const parked = await waitFor(() => handle.query(orderStateQuery), (s) => s.status === 'needs_attention');
    expect(parked.lastError?.type).toBe('OdooBusinessError');
    expect(parked.lastError?.message).toContain('SKU-NEW');
    await waitFor(async () => alerts.filter((a) => a.includes('SKU-NEW')).length, (n) => n === 1);

    odoo.knownSkus.add('SKU-NEW');
    const after = await handle.executeUpdate(operatorActionUpdate, { args: [{ action: 'retry' }] });
    expect(after.status).toBe('confirmed');
    expect(odoo.orders.get(o.externalId)?.state).toBe('sale');
    await recordHistory('needs-attention-retry', handle.workflowId);
  });

  it('refuses an operator action when the order does not need one', async () => {
    const o = order(`healthy-${Date.now()}`);
    const handle = await deliver(created(o, 'evt-h'));
    await waitFor(() => handle.query(orderStateQuery), (s) => s.status === 'confirmed');
    await expect(handle.executeUpdate(operatorActionUpdate, { args: [{ action: 'retry' }] })).rejects.toBeInstanceOf(
      WorkflowUpdateFailedError,
    );
    await recordHistory('operator-update-refused', handle.workflowId);
  });
});

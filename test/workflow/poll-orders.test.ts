import { ActivityFailure, ApplicationFailure, type Client, WorkflowFailedError, WorkflowNotFoundError } from '@temporalio/client';
import { MockActivityEnvironment } from '@temporalio/testing';
import { type Worker } from '@temporalio/worker';
import { createAlertSink } from '../../activities/alerts';
import { createChannelActivities } from '../../activities/channel-activities';
import { ADAPTER_FACTORIES } from '../../activities/marketplaces/factories';
import { createAdapterRegistry } from '../../activities/marketplaces/registry';
import { type CreditNoteRef, type CustomerIds, type DeliveryInfo, type OdooOperations, type SaleOrderRef } from '../../activities/odoo/types';
import { createOrderActivities } from '../../activities/order-activities';
import { createPollActivities, type PollActivities } from '../../activities/poll-activities';
import { applySchedules, planSchedules } from '../../clients/schedules';
import { type ResolvedChannel } from '../../config/channels';
import { createLogger } from '../../config/logger';
import { type CanonicalOrder, odooClientOrderRef, type OrderKey, orderWorkflowId, pollerWorkflowId, pollWatermarkWorkflowId } from '../../domain';
import { createChannelWorkers } from '../../workers/channel-workers';
import { createOrderWorker } from '../../workers/order-worker';
import { pollOrdersWorkflow, reconcileOrdersWorkflow } from '../../workflows';
import { orderStateQuery } from '../../workflows/messages';
import { type PollOrdersResult, type ReconcileAccountResult, watermarkQuery, watermarkUpdate } from '../../workflows/poll-messages';
import { type AmazonSimulator, startAmazonSimulator } from '../../simulators/amazon';
import { startWalmartSimulator, type WalmartSimulator } from '../../simulators/walmart';
import { connectTest, eventually, uniqueTaskQueue } from '../support/temporal';

// Pollers on a real server against the Walmart simulator (a poll-only channel) and the Amazon one (queue),
// with the real order workflow and an in-memory Odoo that counts sale orders created.

class CountingOdoo implements OdooOperations {
  readonly created = new Map<string, number>();
  private refs = new Map<string, SaleOrderRef>();
  async ensureCustomer(): Promise<CustomerIds> {
    return { partnerId: 1, invoicePartnerId: 2, shippingPartnerId: 3 };
  }
  async findProductsBySku({ skus }: { skus: string[] }) {
    return Object.fromEntries(skus.map((s, i) => [s, i + 1]));
  }
  async ensureSaleOrder({ key }: { key: OrderKey }): Promise<SaleOrderRef> {
    const bound = odooClientOrderRef(key);
    const existing = this.refs.get(bound);
    if (existing) return { ...existing, created: false };
    this.created.set(key.externalId, (this.created.get(key.externalId) ?? 0) + 1);
    const ref = { saleOrderId: this.refs.size + 1, name: bound, state: 'draft', created: true };
    this.refs.set(bound, ref);
    return ref;
  }
  private setState(saleOrderId: number, state: string): SaleOrderRef {
    const ref = [...this.refs.values()].find((r) => r.saleOrderId === saleOrderId)!;
    const next = { ...ref, state, created: false };
    this.refs.set(ref.name, next);
    return next;
  }
  async confirmSaleOrder({ saleOrderId }: { saleOrderId: number }) {
    return this.setState(saleOrderId, 'sale');
  }
  async cancelSaleOrder({ saleOrderId }: { saleOrderId: number }) {
    return this.setState(saleOrderId, 'cancel');
  }
  async updateSaleOrderLines({ saleOrderId }: { saleOrderId: number }) {
    const ref = [...this.refs.values()].find((r) => r.saleOrderId === saleOrderId)!;
    return { ...ref, created: false };
  }
  async updateDeliveryAddress({ saleOrderId }: { saleOrderId: number }) {
    return this.updateSaleOrderLines({ saleOrderId });
  }
  // Its sale orders hold no amounts: every total agrees.
  async checkSaleOrderTotal({ saleOrderId, order }: { saleOrderId: number; order: CanonicalOrder }) {
    return { saleOrderId, name: String(saleOrderId), odoo: order.total, expected: order.total };
  }
  async findSaleOrder({ key }: { key: OrderKey }) {
    return this.refs.get(odooClientOrderRef(key));
  }
  // Nothing ships or is refunded in these tests.
  async readDeliveries(): Promise<DeliveryInfo[]> {
    return [];
  }
  async createCreditNote(): Promise<CreditNoteRef> {
    throw new Error('no refunds in poller tests');
  }
  async restockReturnedGoods(): Promise<never> {
    throw new Error('no returns in poller tests');
  }
  async writeOffReturnedGoods(): Promise<never> {
    throw new Error('no returns in poller tests');
  }
  async readStock() {
    return [];
  }
  async readPrices() {
    return [];
  }
  async findProducts() {
    return [];
  }
  async productsChangedSince() {
    return [];
  }
  async stockChangedSince() {
    return [];
  }
}

const account = `wm-poll-${process.pid}`;
const target = { channel: 'walmart' as const, account };
const key = (externalId: string): OrderKey => ({ ...target, externalId });
const refused = { channel: 'walmart' as const, account: `wm-refused-${process.pid}` };
const amazonTarget = { channel: 'amazon' as const, account: `amz-poll-${process.pid}` };

describe('order pollers and reconciliation on a real Temporal server', () => {
  let client: Client;
  let sim: WalmartSimulator;
  let amazon: AmazonSimulator;
  let odoo: CountingOdoo;
  let workers: Worker[];
  let running: Promise<void>[];
  let close: () => Promise<void>;
  let entry: ResolvedChannel;
  let pollActivities: PollActivities;
  const taskQueue = uniqueTaskQueue('poll');
  let runs = 0;

  beforeAll(async () => {
    const t = await connectTest();
    client = t.client;
    sim = await startWalmartSimulator({ products: [{ sku: 'A', price: '5.00', stock: 100 }] });
    entry = { ...target, apiUrl: sim.url, settings: {}, secrets: { clientId: sim.credentials.clientId, clientSecret: sim.credentials.clientSecret } };
    amazon = await startAmazonSimulator({ products: [{ sku: 'AMZ-1', price: '3.00', stock: 10 }] });
    const { endpoint, clientId, clientSecret, refreshToken, ...amazonSettings } = amazon.credentials;
    const amazonEntry: ResolvedChannel = { ...amazonTarget, apiUrl: endpoint, settings: amazonSettings, secrets: { clientId, clientSecret, refreshToken } };
    // Built the way the worker app builds them: config entries -> factories.
    const refusedEntry: ResolvedChannel = { ...refused, apiUrl: sim.url, settings: {}, secrets: { clientId: sim.credentials.clientId, clientSecret: 'wrong' } };
    const adapters = createAdapterRegistry([entry, amazonEntry, refusedEntry], ADAPTER_FACTORIES);
    odoo = new CountingOdoo();
    const logger = createLogger({ level: 'silent' });
    const poll = createPollActivities({ client, adapters, taskQueue });
    pollActivities = poll;
    const orders = createOrderActivities({ odoo, logger, temporalUiUrl: 'http://127.0.0.1:8233', alerts: createAlertSink({ logger }) });
    const orderWorker = await createOrderWorker({ connection: t.nativeConnection, namespace: 'default', taskQueue, activities: { ...orders, ...poll } });
    const channelActivities = { ...createChannelActivities({ adapters }), ...poll };
    workers = [orderWorker, ...(await createChannelWorkers({ connection: t.nativeConnection, namespace: 'default', adapters, activities: channelActivities }))];
    running = workers.map((w) => w.run());
    close = async () => {
      for (const w of workers) w.shutdown();
      await Promise.all(running);
      await t.close();
      await sim.close();
      await amazon.close();
    };
  });
  afterAll(async () => close());

  async function createOrders(n: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) ids.push((await sim.admin.createOrder({ lines: [{ sku: 'A', quantity: 1 + i, unitPrice: '5.00' }] })).purchaseOrderId);
    return ids;
  }

  async function poll(input: { overlapMs?: number; pageSize?: number } = {}): Promise<PollOrdersResult> {
    runs += 1;
    return client.workflow.execute(pollOrdersWorkflow, {
      workflowId: `${pollerWorkflowId(target.channel, target.account)}-test-${runs}`,
      taskQueue,
      args: [{ ...target, initialLookbackMs: 10 * 60_000, ...input }],
    });
  }

  const confirmed = (id: string) =>
    eventually('poll outcome', () => client.workflow.getHandle(orderWorkflowId(key(id))).query(orderStateQuery), (s) => s.status === 'confirmed');

  it('hands every order on every page to its order workflow; an overlapping re-read applies nothing twice', async () => {
    const ids = await createOrders(3);
    const first = await poll({ pageSize: 2 });
    expect(first.pages).toBeGreaterThanOrEqual(2);
    expect(first.ordersDelivered).toBeGreaterThanOrEqual(3);
    const runIds = new Map<string, string>();
    for (const id of ids) {
      const state = await confirmed(id);
      expect(state.eventsSeen).toHaveLength(1);
      runIds.set(id, (await client.workflow.getHandle(orderWorkflowId(key(id))).describe()).runId);
    }

    // Importing acknowledges each order on Walmart, which changes it there: the next read is a new snapshot.
    for (const id of ids) {
      await eventually('acknowledged on Walmart', async () => JSON.stringify(await sim.admin.getOrder(id)), (o) => o.includes('Acknowledged'));
    }
    const second = await poll({ overlapMs: 60 * 60_000, pageSize: 2 });
    expect(second.since < first.watermarkAfter).toBe(true);
    expect(second.ordersDelivered).toBeGreaterThanOrEqual(3);
    for (const id of ids) {
      await eventually('acknowledged snapshot applied', () => client.workflow.getHandle(orderWorkflowId(key(id))).query(orderStateQuery), (s) => s.eventsSeen.length === 2);
    }

    // Nothing changed since: a third, overlapping read is dropped as duplicates and creates nothing.
    await poll({ overlapMs: 60 * 60_000, pageSize: 2 });
    for (const id of ids) {
      const handle = client.workflow.getHandle(orderWorkflowId(key(id)));
      const state = await eventually('poll outcome', () => handle.query(orderStateQuery), (s) => s.duplicatesDropped >= 1);
      expect(state.eventsSeen).toHaveLength(2);
      expect(state.duplicatesDropped).toBe(1);
      expect(state.status).toBe('confirmed');
      expect((await handle.describe()).runId).toBe(runIds.get(id));
      expect(odoo.created.get(id)).toBe(1);
    }
  });

  it('applies a real change of an order polled again (same order, new snapshot)', async () => {
    const [id] = await createOrders(1);
    await poll();
    await confirmed(id!);
    await sim.admin.editOrder(id!, { phone: '5550100999' });
    await poll();
    const state = await eventually('poll outcome', () => client.workflow.getHandle(orderWorkflowId(key(id!))).query(orderStateQuery), (s) => s.eventsSeen.length === 2);
    expect(state.eventsSeen[0]).not.toBe(state.eventsSeen[1]);
    expect(odoo.created.get(id!)).toBe(1);
  });

  it('keeps the watermark across two runs started by the Schedule', async () => {
    const [plan] = planSchedules({ channels: [entry], taskQueue, pollers: { intervalMs: 60 * 60_000 }, reconcile: false });
    await applySchedules({ client, plans: [plan!] });
    const schedule = client.schedule.getHandle(plan!.scheduleId);
    try {
      const scheduledRun = async (n: number): Promise<PollOrdersResult> => {
        await schedule.trigger();
        const description = await eventually('poll outcome', () => schedule.describe(), (d) => d.info.recentActions.length >= n);
        const action = description.info.recentActions[n - 1]!.action;
        return client.workflow.getHandle<typeof pollOrdersWorkflow>(action.workflow.workflowId).result();
      };
      const first = await scheduledRun(1);
      const [late] = await createOrders(1);
      const second = await scheduledRun(2);
      expect(second.watermarkBefore).toBe(first.watermarkAfter);
      expect(Date.parse(second.since)).toBe(Date.parse(first.watermarkAfter) - 5 * 60_000);
      expect(second.watermarkAfter > first.watermarkAfter).toBe(true);
      await confirmed(late!);
      const kept = await client.workflow.getHandle(pollWatermarkWorkflowId(target.channel, target.account)).query(watermarkQuery);
      expect(kept.watermark).toBe(second.watermarkAfter);
      // A second apply of the same config updates in place.
      expect(await applySchedules({ client, plans: [plan!] })).toEqual({ created: [], updated: [plan!.scheduleId], deleted: [] });
    } finally {
      await schedule.delete();
    }
  });

  it('retries through a burst of server errors and still hands every order over', async () => {
    const [id] = await createOrders(1);
    await sim.admin.faults({ serverErrors: 2 });
    const result = await poll();
    expect(result.ordersDelivered).toBeGreaterThanOrEqual(1);
    await confirmed(id!);
  });

  it('a channel refusing the poll fails the run with a typed failure and leaves the watermark alone', async () => {
    runs += 1;
    const failure = await client.workflow
      .execute(pollOrdersWorkflow, { workflowId: `${pollerWorkflowId(refused.channel, refused.account)}-test-${runs}`, taskQueue, args: [{ ...refused }] })
      .then(() => undefined, (err: unknown) => err);
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    const activity = (failure as WorkflowFailedError).cause;
    expect(activity).toBeInstanceOf(ActivityFailure);
    expect((activity as ActivityFailure).cause).toBeInstanceOf(ApplicationFailure);
    expect(((activity as ActivityFailure).cause as ApplicationFailure).type).toBe('ChannelAuthError');
    const kept = await client.workflow.getHandle(pollWatermarkWorkflowId(refused.channel, refused.account)).query(watermarkQuery);
    expect(kept.watermark).toBeUndefined();
  });

  it('reconciliation starts the workflow of an order the poller missed, and repairs nothing the second time', async () => {
    // Simulate a lost change: the watermark jumps past an order the poller never handed over.
    const [missed] = await createOrders(1);
    const keeper = client.workflow.getHandle(pollWatermarkWorkflowId(target.channel, target.account));
    await keeper.executeUpdate(watermarkUpdate, { args: [{ advanceTo: new Date(Date.now() + 60 * 60_000).toISOString() }] });
    await poll();
    await expect(client.workflow.getHandle(orderWorkflowId(key(missed!))).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);

    const run = () => client.workflow.execute(reconcileOrdersWorkflow, {
      workflowId: `reconcile-test-${process.pid}-${Date.now()}`,
      taskQueue,
      args: [{ accounts: [target], windowMs: 60 * 60_000, pageSize: 2 }],
    });
    const repaired = await run();
    expect(repaired.repaired).toBe(1);
    expect(repaired.accounts[0]!.started).toEqual([missed]);
    expect(repaired.checked).toBeGreaterThanOrEqual(6);
    await confirmed(missed!);
    expect(odoo.created.get(missed!)).toBe(1);

    const again = await run();
    expect(again.repaired).toBe(0);
    expect(again.checked).toBe(repaired.checked);
  });

  it('reconciliation heartbeats its cursor and tally; a retry resumes from them', async () => {
    const input = { ...target, since: new Date(Date.now() - 60 * 60_000).toISOString(), pageSize: 2, staleAfterMs: 15 * 60_000 };
    const beats: { cursor: string; done: ReconcileAccountResult }[] = [];
    const env = new MockActivityEnvironment();
    env.on('heartbeat', (details: { cursor: string; done: ReconcileAccountResult }) => beats.push(structuredClone(details)));
    const reconcile = pollActivities.reconcileChannelOrders;
    const full = await env.run<[typeof input], ReconcileAccountResult, typeof reconcile>(reconcile, input);
    expect(full.started).toEqual([]);
    expect(beats.length).toBeGreaterThanOrEqual(2);
    expect(beats[0]!.done.checked).toBe(2);

    // What a retry would see: the first page's cursor and a tally (marked, to see it carried on).
    const retry = new MockActivityEnvironment({ heartbeatDetails: { cursor: beats[0]!.cursor, done: { ...beats[0]!.done, checked: 1000 } } });
    const resumed = await retry.run<[typeof input], ReconcileAccountResult, typeof reconcile>(reconcile, input);
    expect(resumed.checked).toBe(1000 + full.checked - 2);
  });

  it('Amazon: a poll also drains the ORDER_CHANGE queue into the same order workflows', async () => {
    // Older than Amazon's two-minute listing blind window, so getOrders lists it too.
    const id = await amazon.admin.createOrder({ lines: [{ sku: 'AMZ-1', quantity: 1, unitPrice: '3.00' }], ageMs: 150_000 });
    expect(amazon.queue.stats().visible).toBeGreaterThan(0);
    runs += 1;
    const result = await client.workflow.execute(pollOrdersWorkflow, {
      workflowId: `${pollerWorkflowId(amazonTarget.channel, amazonTarget.account)}-test-${runs}`,
      taskQueue,
      args: [{ ...amazonTarget, initialLookbackMs: 10 * 60_000, drainNotifications: true }],
    });
    expect(result.ordersDelivered).toBe(1);
    expect(result.notificationsDelivered).toBeGreaterThanOrEqual(1);
    expect(amazon.queue.stats()).toEqual({ visible: 0, inFlight: 0 });
    const handle = client.workflow.getHandle(orderWorkflowId({ ...amazonTarget, externalId: id }));
    const state = await eventually('poll outcome', () => handle.query(orderStateQuery), (s) => s.status === 'confirmed' && s.eventsSeen.length === 2);
    // One full snapshot from the listing, one key-only notification (its NotificationId as event id).
    expect(state.eventsSeen.filter((e) => e.startsWith('snapshot/'))).toHaveLength(1);
    expect(odoo.created.get(id)).toBe(1);
  });
});

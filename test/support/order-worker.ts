import { type Client, type WorkflowHandle } from '@temporalio/client';
import { type Alert } from '../../activities/alerts';
import { createOdooClient, createOdooOrderOperations } from '../../activities/odoo';
import { createOrderActivities, type OrderActivityDeps } from '../../activities/order-activities';
import { deliverEvent } from '../../clients/deliver-event';
import { createLogger } from '../../config/logger';
import { type CanonicalOrder, type ChannelEvent, DEFAULT_ORDER_POLICY, type OrderKey, type OrderPolicy } from '../../domain';
import { startOdooSimulator, type OdooSimulator, type OdooSimulatorOptions } from '../../simulators/odoo';
import { createOrderWorker } from '../../workers/order-worker';
import type { orderWorkflow } from '../../workflows';
import { connectTest } from './temporal';

export interface OrderWorkerOptions {
  /** Usually `uniqueTaskQueue(prefix)`, so no other test's worker takes these orders. */
  taskQueue: string;
  /** Passed to the activities as is; without it they use DEFAULT_ORDER_POLICY. */
  policyFor?: OrderActivityDeps['policyFor'];
  odooVersion?: OdooSimulatorOptions['version'];
  seed?: OdooSimulatorOptions['seed'];
}

export interface OrderWorker {
  client: Client;
  sim: OdooSimulator;
  taskQueue: string;
  /** Every alert the activities raised, in order. */
  alerts: Alert[];
  alertsFor(externalId: string): Alert[];
  /** Through deliverEvent, the gateway's and pollers' own way in. */
  deliver(event: ChannelEvent): Promise<WorkflowHandle<typeof orderWorkflow>>;
  /** Stops the worker, then closes the connections and the simulator. */
  close(): Promise<void>;
}

/**
 * An order worker on the test run's Temporal server with the real order activities and Odoo client against a
 * fresh Odoo simulator, alerts captured instead of sent.
 */
export async function startOrderWorker(options: OrderWorkerOptions): Promise<OrderWorker> {
  const { taskQueue } = options;
  const t = await connectTest();
  const client = t.client;
  const sim = await startOdooSimulator({ version: options.odooVersion ?? 17, seed: options.seed ?? 'demo' });
  const odoo = createOdooOrderOperations(createOdooClient({ url: sim.url, database: sim.database, login: sim.login, secret: sim.apiKey, version: 'auto' }));
  const alerts: Alert[] = [];
  const activities = createOrderActivities({
    odoo,
    logger: createLogger({ level: 'silent' }),
    temporalUiUrl: 'http://127.0.0.1:8233',
    alerts: { raise: async (a) => void alerts.push(a) },
    policyFor: options.policyFor,
  });
  const worker = await createOrderWorker({ connection: t.nativeConnection, namespace: 'default', taskQueue, activities });
  const running = worker.run();
  return {
    client,
    sim,
    taskQueue,
    alerts,
    alertsFor: (externalId) => alerts.filter((a) => a.externalOrderId === externalId),
    deliver: async (event) => client.workflow.getHandle<typeof orderWorkflow>(await deliverEvent({ client, taskQueue }, event)),
    async close() {
      worker.shutdown();
      await running;
      await t.close();
      await sim.close();
    },
  };
}

/** A policyFor that picks each order's overrides of DEFAULT_ORDER_POLICY by its id's prefix (`stuck-…` → policies.stuck). */
export function policyByIdPrefix(policies: Record<string, Partial<OrderPolicy>>): (key: OrderKey) => OrderPolicy {
  return (key) => ({ ...DEFAULT_ORDER_POLICY, ...policies[key.externalId.split('-')[0]!] });
}

/**
 * A paid one-mug order (MUG-WHITE at 12.50 USD, created and updated now); `extra` overrides any field.
 */
export function testOrder(
  key: Pick<CanonicalOrder, 'channel' | 'account' | 'externalId'>,
  { sku = 'MUG-WHITE', ...extra }: Partial<CanonicalOrder> & { sku?: string } = {},
): CanonicalOrder {
  const at = new Date().toISOString();
  return {
    channel: key.channel, account: key.account, externalId: key.externalId, name: key.externalId, status: 'paid', currency: 'USD',
    customer: { name: 'Grace Hopper', email: 'grace@example.com' },
    lines: [{ lineId: '1', sku, title: 'Mug', quantity: 1, unitPrice: { amount: '12.50', currency: 'USD' } }],
    total: { amount: '12.50', currency: 'USD' }, taxesIncluded: false, createdAt: at, updatedAt: at, test: false,
    ...extra,
  };
}

/** The order as a poller hands it in; the event id is `${idPrefix}-${externalId}`. */
export function snapshotEvent(type: 'order.created' | 'order.updated', o: CanonicalOrder, idPrefix: string): ChannelEvent {
  return { type, eventId: `${idPrefix}-${o.externalId}`, channel: o.channel, account: o.account, externalId: o.externalId, occurredAt: o.updatedAt, source: 'poll', order: o };
}

export const createdEvent = (o: CanonicalOrder): ChannelEvent => snapshotEvent('order.created', o, 'created');

/** Line '1' of a testOrder shipped now in one package, pkg-1, tracking 1Z. */
export function shippedEvent(o: CanonicalOrder): ChannelEvent {
  return {
    type: 'order.shipped', eventId: `shipped-${o.externalId}`, channel: o.channel, account: o.account, externalId: o.externalId,
    occurredAt: new Date().toISOString(), source: 'poll', shipment: { shipmentRef: 'pkg-1', lines: [{ lineId: '1', quantity: 1 }], trackingNumber: '1Z' },
  };
}

import { activityInfo, heartbeat, log } from '@temporalio/activity';
import { type Client, WithStartWorkflowOperation, WorkflowNotFoundError, type WorkflowExecutionInfo } from '@temporalio/client';
import { deliverEvent } from '../clients/deliver-event';
import {
  type CanonicalOrder,
  type ChannelEvent,
  orderSnapshotEventId,
  orderWorkflowId,
  pollWatermarkWorkflowId,
  SA_EXTERNAL_ORDER_ID,
  SA_ORDER_STATUS,
} from '../domain';
import type { pollWatermarkWorkflow } from '../workflows';
import { type ChannelAccount, type ReconcileAccountResult, type WatermarkState, watermarkUpdate } from '../workflows/poll-messages';
import { type ChannelTarget } from './channel-activities';
import { withFailureMapping } from './failures';
import { type AmazonAdapter } from './marketplaces/amazon';
import { type AdapterRegistry } from './marketplaces/registry';
import { type ChannelAdapter } from './marketplaces/types';
import { type OdooOrderOperations } from './odoo/types';

// Pollers and reconciliation: read the channel, hand every order to its order workflow exactly as the
// gateway does (deliverEvent), and keep the poll watermark. Registered on the order worker's queue
// (watermark calls) and on each account's `orders` channel queue (channel calls, rate-limited there).

export interface PollActivityDeps {
  /** One client for the process; activities never open their own connections. */
  client: Client;
  adapters: AdapterRegistry;
  /** Task queue of the order workflows and the watermark workflows. */
  taskQueue: string;
  /** When given, reconciliation leaves alone orders Odoo already holds whose workflow has aged out. */
  odoo?: Pick<OdooOrderOperations, 'findSaleOrder'>;
}

/** A full snapshot as the event the gateway would build from a webhook carrying it. */
export function snapshotEvent(order: CanonicalOrder): ChannelEvent {
  return {
    type: order.createdAt === order.updatedAt ? 'order.created' : 'order.updated',
    eventId: orderSnapshotEventId(order),
    channel: order.channel,
    account: order.account,
    externalId: order.externalId,
    occurredAt: order.updatedAt,
    source: 'poll',
    order,
  };
}

const ABNORMAL_CLOSE = new Set(['FAILED', 'TERMINATED', 'TIMED_OUT', 'CANCELLED']);
/** Ids safe to put inside a quoted visibility-query literal; anything else is looked up by describe. */
const QUERY_SAFE = /^[A-Za-z0-9._:/-]+$/;

/** What reconciliation needs to know about an order workflow, from visibility or describe. */
type Execution = Pick<WorkflowExecutionInfo, 'status' | 'startTime' | 'typedSearchAttributes'>;

interface ReconcileProgress {
  cursor: string;
  done: ReconcileAccountResult;
}

export function createPollActivities(deps: PollActivityDeps) {
  const adapter = (target: ChannelTarget): ChannelAdapter => {
    const found = deps.adapters.get(target.channel, target.account);
    if (!found) throw new Error(`no adapter configured for ${target.channel}/${target.account}`);
    return found;
  };
  const deliver = (event: ChannelEvent) => deliverEvent({ client: deps.client, taskQueue: deps.taskQueue }, event);

  async function changeWatermark(target: ChannelAccount, change: { advanceTo?: string }): Promise<WatermarkState> {
    // Update-with-start: works the first time (creates the keeper) and every time after.
    return deps.client.workflow.executeUpdateWithStart(watermarkUpdate, {
      args: [change],
      startWorkflowOperation: new WithStartWorkflowOperation<typeof pollWatermarkWorkflow>('pollWatermarkWorkflow', {
        workflowId: pollWatermarkWorkflowId(target.channel, target.account),
        taskQueue: deps.taskQueue,
        args: [{ channel: target.channel, account: target.account }],
        workflowIdConflictPolicy: 'USE_EXISTING',
      }),
    });
  }

  /** The newest execution of each order workflow among `orders`, by visibility (eventually consistent). */
  async function findOrderWorkflows(target: ChannelTarget, orders: CanonicalOrder[]): Promise<Map<string, Execution>> {
    const found = new Map<string, Execution>();
    const ids = orders.map((o) => o.externalId).filter((id) => QUERY_SAFE.test(id));
    if (ids.length === 0) return found;
    const query = [
      `WorkflowType = 'orderWorkflow'`,
      `Channel = '${target.channel}'`,
      `Account = '${target.account}'`,
      `ExternalOrderId IN (${ids.map((id) => `'${id}'`).join(', ')})`,
    ].join(' AND ');
    for await (const info of deps.client.workflow.list({ query })) {
      const id = info.typedSearchAttributes.get(SA_EXTERNAL_ORDER_ID);
      if (id === undefined) continue;
      const seen = found.get(id);
      if (!seen || info.status.name === 'RUNNING' || (seen.status.name !== 'RUNNING' && info.startTime > seen.startTime)) found.set(id, info);
    }
    return found;
  }

  async function describeOrderWorkflow(order: CanonicalOrder): Promise<Execution | undefined> {
    try {
      return await deps.client.workflow.getHandle(orderWorkflowId(order)).describe();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    }
  }

  return withFailureMapping({
    async readPollWatermark(input: ChannelAccount): Promise<WatermarkState> {
      return changeWatermark(input, {});
    },

    /** Moves the watermark forward only; called after every page of the run was handed over. */
    async advancePollWatermark(input: ChannelAccount & { to: string }): Promise<WatermarkState> {
      return changeWatermark(input, { advanceTo: input.to });
    },

    /** Lists one page and hands each order to its workflow; resolves only once Temporal holds them all. */
    async pollOrdersPage(input: ChannelTarget & { since: string; cursor?: string; limit?: number }): Promise<{ delivered: number; nextCursor?: string }> {
      const page = await adapter(input).listOrdersChangedSince({ since: input.since, cursor: input.cursor, limit: input.limit });
      let delivered = 0;
      for (const order of page.orders) {
        await deliver(snapshotEvent(order));
        delivered += 1;
        heartbeat({ cursor: input.cursor, delivered });
      }
      return page.nextCursor ? { delivered, nextCursor: page.nextCursor } : { delivered };
    },

    /** Amazon: reads ORDER_CHANGE batches until the queue is empty; messages are deleted only after hand-off. */
    async drainOrderNotifications(input: ChannelTarget & { maxBatches?: number }): Promise<{ batches: number; delivered: number; invalid: number }> {
      const found = adapter(input) as Partial<AmazonAdapter>;
      const totals = { batches: 0, delivered: 0, invalid: 0 };
      if (typeof found.pullNotifications !== 'function') return totals;
      while (totals.batches < (input.maxBatches ?? 20)) {
        const batch = await found.pullNotifications({
          handOff: async (events) => {
            for (const event of events) await deliver(event);
          },
        });
        totals.batches += 1;
        totals.delivered += batch.events.length;
        totals.invalid += batch.invalid.length;
        for (const bad of batch.invalid) log.warn('invalid notification left on the queue', { ...input, ...bad });
        heartbeat(totals);
        if (batch.received === 0) break;
      }
      return totals;
    },

    /**
     * Walks every order changed since `since` and repairs what never reached an order workflow. Heartbeats
     * the cursor and the tally after each page, so a retry resumes where the last attempt stopped.
     */
    async reconcileChannelOrders(
      input: ChannelTarget & { since: string; pageSize?: number; staleAfterMs: number },
    ): Promise<ReconcileAccountResult> {
      const resumed = activityInfo().heartbeatDetails as ReconcileProgress | undefined;
      const result: ReconcileAccountResult = resumed?.done ?? {
        channel: input.channel, account: input.account, checked: 0, started: [], resignalled: [], boundInOdoo: 0, needsOperator: [],
      };
      const staleBefore = Date.now() - input.staleAfterMs;
      let cursor = resumed?.cursor;
      do {
        const page = await adapter(input).listOrdersChangedSince({ since: input.since, cursor, limit: input.pageSize });
        const known = await findOrderWorkflows(input, page.orders);
        for (const order of page.orders) {
          result.checked += 1;
          // Visibility lags behind starts: confirm a miss by id before calling it a gap.
          const execution = known.get(order.externalId) ?? (await describeOrderWorkflow(order));
          if (!execution) {
            if (deps.odoo && (await deps.odoo.findSaleOrder({ key: { channel: order.channel, account: order.account, externalId: order.externalId } }))) {
              result.boundInOdoo += 1;
              continue;
            }
            await deliver(snapshotEvent(order));
            result.started.push(order.externalId);
          } else if (ABNORMAL_CLOSE.has(execution.status.name)) {
            result.needsOperator.push(order.externalId);
          } else if (
            execution.status.name === 'RUNNING' &&
            execution.typedSearchAttributes.get(SA_ORDER_STATUS) === 'received' &&
            execution.startTime.getTime() < staleBefore
          ) {
            // Same event id as the poller's: a workflow that already has this snapshot drops it.
            await deliver(snapshotEvent(order));
            result.resignalled.push(order.externalId);
          }
        }
        cursor = page.nextCursor;
        if (cursor) heartbeat({ cursor, done: result } satisfies ReconcileProgress);
      } while (cursor);
      log.info('channel orders reconciled', {
        channel: input.channel, account: input.account, checked: result.checked,
        started: result.started.length, resignalled: result.resignalled.length, needsOperator: result.needsOperator.length,
      });
      return result;
    },
  });
}

export type PollActivities = ReturnType<typeof createPollActivities>;

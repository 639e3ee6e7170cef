import {
  type ActivityOptions,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { PollActivities } from '../activities/poll-activities';
import { FAILURE } from '../domain/failures';
import { marketplaceTaskQueue } from '../domain/ids';
import {
  type PollOrdersInput,
  type PollOrdersResult,
  type PollWatermarkInput,
  type ReconcileAccountResult,
  type ReconcileInput,
  type ReconcileResult,
  type WatermarkState,
  watermarkQuery,
  watermarkUpdate,
} from './poll-messages';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const NOT_WORTH_RETRYING = [FAILURE.channelAuth, FAILURE.channelRejected, FAILURE.channelProtocol];

/** Watermark reads and moves (Temporal calls on the workflow's own queue). */
const CONTROL: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 10 },
};

/** One page listed and handed over; a 429 waits for Retry-After via nextRetryDelay. */
const PAGE: ActivityOptions = {
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '1 minute',
  retry: {
    initialInterval: '2 seconds',
    backoffCoefficient: 2,
    maximumInterval: '2 minutes',
    maximumAttempts: 10,
    nonRetryableErrorTypes: NOT_WORTH_RETRYING,
  },
};

/** Walks 48 hours of orders; resumes from the heartbeated cursor after a retry. */
const RECONCILE: ActivityOptions = {
  startToCloseTimeout: '45 minutes',
  heartbeatTimeout: '2 minutes',
  retry: { ...PAGE.retry, maximumAttempts: 5 },
};

const control = proxyActivities<PollActivities>(CONTROL);

function channelCalls(input: { channel: PollOrdersInput['channel']; account: string }, options: ActivityOptions) {
  // Channel calls run on the account's orders queue, whose dispatch rate is the channel's quota.
  return proxyActivities<PollActivities>({ ...options, taskQueue: marketplaceTaskQueue(input.channel, input.account, 'orders') });
}

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * One poll of one channel account, started by its Schedule. Reads everything changed since the watermark
 * (minus the overlap), hands each order to its order workflow, and only then moves the watermark to the
 * time this run began. A run that fails part-way leaves the watermark where it was: the next run re-reads
 * and the order workflows drop what they already have.
 */
export async function pollOrdersWorkflow(input: PollOrdersInput): Promise<PollOrdersResult> {
  const key = { channel: input.channel, account: input.account };
  const calls = channelCalls(key, PAGE);
  // Workflow time: the listing below starts after it, so every change before it will have been seen.
  const startedAt = Date.now();
  const before = await control.readPollWatermark(key);
  const base = before.watermark ? Date.parse(before.watermark) : startedAt - (input.initialLookbackMs ?? 48 * HOUR);
  const since = iso(base - (input.overlapMs ?? 5 * MINUTE));

  let cursor: string | undefined;
  let pages = 0;
  let ordersDelivered = 0;
  do {
    const page = await calls.pollOrdersPage({ ...key, since, cursor, limit: input.pageSize ?? 100 });
    pages += 1;
    ordersDelivered += page.delivered;
    cursor = page.nextCursor;
  } while (cursor);

  const after = await control.advancePollWatermark({ ...key, to: iso(startedAt) });

  // After the watermark moved: a queue outage fails the run (visible) without holding the listing back.
  let notificationsDelivered = 0;
  if (input.drainNotifications) notificationsDelivered = (await calls.drainOrderNotifications(key)).delivered;

  const result: PollOrdersResult = {
    ...key,
    since,
    watermarkBefore: before.watermark,
    watermarkAfter: after.watermark ?? iso(startedAt),
    pages,
    ordersDelivered,
    notificationsDelivered,
  };
  log.info('orders polled', { ...result });
  return result;
}

const MAX_UPDATES_PER_RUN = 500;

/**
 * Entity workflow (one per channel account) holding the poll watermark. Chosen over the schedule's
 * last-completion result because it survives deleting or re-creating the schedule, can be read (query) and
 * rewound (update) by an operator, and a failed poll run cannot reset it. Continues as new now and then.
 */
export async function pollWatermarkWorkflow(input: PollWatermarkInput): Promise<void> {
  const state: WatermarkState = {
    channel: input.channel,
    account: input.account,
    watermark: input.watermark,
    advancedAt: input.advancedAt,
    updates: 0,
  };
  setHandler(watermarkQuery, () => state);
  setHandler(
    watermarkUpdate,
    (change) => {
      state.updates += 1;
      const target = change.rewindTo ?? change.advanceTo;
      if (target === undefined) return state;
      const next = iso(Date.parse(target));
      if (change.rewindTo !== undefined || state.watermark === undefined || next > state.watermark) {
        state.watermark = next;
        state.advancedAt = iso(Date.now());
      }
      return state;
    },
    {
      validator: (change) => {
        for (const value of [change.advanceTo, change.rewindTo]) {
          if (value !== undefined && Number.isNaN(Date.parse(value))) throw new Error(`not a timestamp: ${value}`);
        }
      },
    },
  );
  await condition(() => state.updates >= MAX_UPDATES_PER_RUN || workflowInfo().continueAsNewSuggested);
  await condition(allHandlersFinished);
  await continueAsNew<typeof pollWatermarkWorkflow>({ ...input, watermark: state.watermark, advancedAt: state.advancedAt });
}

/**
 * Compares the last `windowMs` of every account's channel orders with the order workflows and repairs gaps.
 * Accounts run side by side; one account failing does not stop the others, but fails the run at the end.
 */
export async function reconcileOrdersWorkflow(input: ReconcileInput): Promise<ReconcileResult> {
  const since = iso(Date.now() - (input.windowMs ?? 48 * HOUR));
  const settled = await Promise.allSettled(
    input.accounts.map((target) =>
      channelCalls(target, RECONCILE).reconcileChannelOrders({
        ...target,
        since,
        pageSize: input.pageSize ?? 100,
        staleAfterMs: input.staleAfterMs ?? 15 * MINUTE,
      }),
    ),
  );
  const accounts: ReconcileAccountResult[] = [];
  const failed: ReconcileResult['failed'] = [];
  settled.forEach((outcome, i) => {
    const target = input.accounts[i]!;
    if (outcome.status === 'fulfilled') accounts.push(outcome.value);
    else failed.push({ ...target, error: outcome.reason instanceof Error ? outcome.reason.message : String(outcome.reason) });
  });
  const result: ReconcileResult = {
    since,
    checked: accounts.reduce((n, a) => n + a.checked, 0),
    repaired: accounts.reduce((n, a) => n + a.started.length + a.resignalled.length, 0),
    accounts,
    failed,
  };
  log.info('reconciliation finished', { since, checked: result.checked, repaired: result.repaired, failed: failed.length });
  for (const a of accounts) {
    if (a.needsOperator.length > 0) log.warn('order workflows closed abnormally', { channel: a.channel, account: a.account, orders: a.needsOperator });
  }
  if (failed.length > 0) {
    throw ApplicationFailure.nonRetryable(`reconciliation failed for ${failed.map((f) => `${f.channel}/${f.account}`).join(', ')}`, 'ReconcileIncomplete', result);
  }
  return result;
}

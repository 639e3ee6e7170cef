import { type Client, ScheduleAlreadyRunning, type ScheduleOptions, ScheduleOverlapPolicy } from '@temporalio/client';
import { z } from 'zod';
import { type ResolvedChannel } from '../config/channels';
import { formatIssues } from '../config/issues';
import { type Channel, POLLER_SCHEDULE_PREFIX, pollerScheduleId, pollerWorkflowId, RECONCILE_SCHEDULE_ID, RECONCILE_WORKFLOW_ID } from '../domain';
import { type PollOrdersInput, type ReconcileInput } from '../workflows/poll-messages';

// Schedules from config: one order poller per enabled channel account, and one reconciliation pass.
// Created when missing, brought in line when present (a paused schedule stays paused), and pollers of
// accounts no longer configured are deleted. The poll watermark lives in its own workflow, so replacing or
// deleting a schedule never loses it.

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

export interface PollerDefaults {
  intervalMs: number;
  overlapMs: number;
  /** Missed runs (server down) are still taken if at most this late; SKIP keeps it to one at a time. */
  catchupWindowMs: number;
  pageSize: number;
  initialLookbackMs: number;
}

export const POLLER_DEFAULTS: PollerDefaults = {
  intervalMs: 2 * MINUTE,
  overlapMs: 5 * MINUTE,
  catchupWindowMs: 10 * MINUTE,
  pageSize: 100,
  initialLookbackMs: 48 * HOUR,
};

export interface ReconcileDefaults {
  intervalMs: number;
  windowMs: number;
  catchupWindowMs: number;
}

export const RECONCILE_DEFAULTS: ReconcileDefaults = { intervalMs: HOUR, windowMs: 48 * HOUR, catchupWindowMs: HOUR };

/** Optional per-account overrides, read from the channel entry's `settings`. */
const PollSettings = z.object({
  polling: z.boolean().default(true),
  pollIntervalSeconds: z.number().int().min(10).optional(),
  pollOverlapSeconds: z.number().int().min(0).optional(),
  pollPageSize: z.number().int().min(1).max(1000).optional(),
});

/** Channels whose notifications arrive on a queue the poller drains (rather than pushed to the gateway). */
const QUEUE_CHANNELS: ReadonlySet<Channel> = new Set<Channel>(['amazon']);

export interface SchedulePlanInput {
  channels: ResolvedChannel[];
  /** Task queue the poll, watermark and reconciliation workflows run on (the order worker's). */
  taskQueue: string;
  pollers?: Partial<PollerDefaults>;
  /** false: no reconciliation schedule. */
  reconcile?: Partial<ReconcileDefaults> | false;
}

/** Pure: the schedules the config asks for. */
export function planSchedules(input: SchedulePlanInput): ScheduleOptions[] {
  const defaults = { ...POLLER_DEFAULTS, ...input.pollers };
  const plans: ScheduleOptions[] = [];
  const polled: ReconcileInput['accounts'] = [];
  for (const entry of input.channels) {
    const parsed = PollSettings.safeParse(entry.settings);
    if (!parsed.success) {
      throw new Error(`channel ${entry.channel}/${entry.account} has invalid poll settings:\n${formatIssues(parsed.error.issues, ['settings'])}`);
    }
    const settings = parsed.data;
    if (!settings.polling) continue;
    polled.push({ channel: entry.channel, account: entry.account });
    const intervalMs = settings.pollIntervalSeconds !== undefined ? settings.pollIntervalSeconds * SECOND : defaults.intervalMs;
    const args: PollOrdersInput = {
      channel: entry.channel,
      account: entry.account,
      overlapMs: settings.pollOverlapSeconds !== undefined ? settings.pollOverlapSeconds * SECOND : defaults.overlapMs,
      initialLookbackMs: defaults.initialLookbackMs,
      pageSize: settings.pollPageSize ?? defaults.pageSize,
      drainNotifications: QUEUE_CHANNELS.has(entry.channel),
    };
    plans.push({
      scheduleId: pollerScheduleId(entry.channel, entry.account),
      // A little jitter so accounts sharing an interval do not all fire in the same second.
      spec: { intervals: [{ every: intervalMs }], jitter: Math.min(Math.floor(intervalMs / 4), 30 * SECOND) },
      action: {
        type: 'startWorkflow',
        workflowType: 'pollOrdersWorkflow',
        workflowId: pollerWorkflowId(entry.channel, entry.account),
        taskQueue: input.taskQueue,
        args: [args],
      },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: defaults.catchupWindowMs, pauseOnFailure: false },
      state: { note: `orders poller for ${entry.channel}/${entry.account}, managed by channelsync` },
    });
  }
  if (input.reconcile !== false && polled.length > 0) {
    const reconcile = { ...RECONCILE_DEFAULTS, ...input.reconcile };
    const args: ReconcileInput = { accounts: polled, windowMs: reconcile.windowMs };
    plans.push({
      scheduleId: RECONCILE_SCHEDULE_ID,
      spec: { intervals: [{ every: reconcile.intervalMs }] },
      action: { type: 'startWorkflow', workflowType: 'reconcileOrdersWorkflow', workflowId: RECONCILE_WORKFLOW_ID, taskQueue: input.taskQueue, args: [args] },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: reconcile.catchupWindowMs, pauseOnFailure: false },
      state: { note: 'reconciliation of the last 48 hours of channel orders, managed by channelsync' },
    });
  }
  return plans;
}

export interface ApplyResult {
  created: string[];
  updated: string[];
  deleted: string[];
}

/** Creates or updates every planned schedule; with `prune`, deletes poller schedules no longer planned. */
export async function applySchedules(input: { client: Client; plans: ScheduleOptions[]; prune?: boolean }): Promise<ApplyResult> {
  const result: ApplyResult = { created: [], updated: [], deleted: [] };
  for (const plan of input.plans) {
    try {
      await input.client.schedule.create(plan);
      result.created.push(plan.scheduleId);
    } catch (err) {
      if (!(err instanceof ScheduleAlreadyRunning)) throw err;
      await input.client.schedule.getHandle(plan.scheduleId).update((current) => ({
        ...current,
        spec: plan.spec,
        action: plan.action,
        policies: { ...current.policies, ...plan.policies },
        // Keep an operator's pause; refresh the note only.
        state: { ...current.state, note: current.state.paused ? current.state.note : plan.state?.note },
      }));
      result.updated.push(plan.scheduleId);
    }
  }
  if (input.prune) {
    const wanted = new Set(input.plans.map((p) => p.scheduleId));
    for await (const summary of input.client.schedule.list()) {
      if (summary.scheduleId.startsWith(POLLER_SCHEDULE_PREFIX) && !wanted.has(summary.scheduleId)) {
        await input.client.schedule.getHandle(summary.scheduleId).delete();
        result.deleted.push(summary.scheduleId);
      }
    }
  }
  return result;
}

/** Config -> schedules in Temporal. */
export async function ensureSchedules(input: SchedulePlanInput & { client: Client; prune?: boolean }): Promise<ApplyResult> {
  return applySchedules({ client: input.client, plans: planSchedules(input), prune: input.prune ?? true });
}

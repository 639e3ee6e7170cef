import { type Client, type ScheduleOptions, ScheduleOverlapPolicy } from '@temporalio/client';
import { INVENTORY_TASK_QUEUE, inventoryScheduleId } from '../domain';
import { type ApplyResult, applySchedules } from './schedules';

// The inventory side's Schedules: Odoo write_date polling (the safety net behind Odoo's stock notifications)
// and the drift check (Odoo vs the SKU workflows vs what each channel accepted; corrects and reports).

const SECOND = 1000;
const MINUTE = 60 * SECOND;

export interface InventoryScheduleSettings {
  taskQueue: string;
  pollIntervalMs: number;
  /** How far back each poll looks; more than the interval, so a late or skipped run loses nothing. */
  pollLookbackMs: number;
  /** false: no drift check. */
  driftIntervalMs: number | false;
}

export const INVENTORY_SCHEDULE_DEFAULTS: InventoryScheduleSettings = {
  taskQueue: INVENTORY_TASK_QUEUE,
  pollIntervalMs: MINUTE,
  pollLookbackMs: 5 * MINUTE,
  driftIntervalMs: 30 * MINUTE,
};

/** Pure: the inventory schedules for these settings. */
export function planInventorySchedules(overrides: Partial<InventoryScheduleSettings> = {}): ScheduleOptions[] {
  const s = { ...INVENTORY_SCHEDULE_DEFAULTS, ...overrides };
  if (s.pollLookbackMs <= s.pollIntervalMs) throw new RangeError(`pollLookbackMs (${s.pollLookbackMs}) must exceed pollIntervalMs (${s.pollIntervalMs})`);
  const plans: ScheduleOptions[] = [
    {
      scheduleId: inventoryScheduleId('odoo-poll'),
      spec: { intervals: [{ every: s.pollIntervalMs }] },
      action: { type: 'startWorkflow', workflowType: 'odooPollWorkflow', workflowId: inventoryScheduleId('odoo-poll'), taskQueue: s.taskQueue, args: [{ lookbackMs: s.pollLookbackMs }] },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: s.pollIntervalMs * 2, pauseOnFailure: false },
      state: { note: 'Odoo write_date polling behind the stock notifications, managed by channelsync' },
    },
  ];
  if (s.driftIntervalMs !== false) {
    plans.push({
      scheduleId: inventoryScheduleId('drift-check'),
      spec: { intervals: [{ every: s.driftIntervalMs }] },
      action: { type: 'startWorkflow', workflowType: 'inventoryDriftWorkflow', workflowId: inventoryScheduleId('drift-check'), taskQueue: s.taskQueue, args: [{}] },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: s.driftIntervalMs, pauseOnFailure: false },
      state: { note: 'stock drift check (Odoo, SKU workflows, channels), managed by channelsync' },
    });
  }
  return plans;
}

/** Creates or updates the inventory schedules (a paused one stays paused). */
export async function ensureInventorySchedules(input: { client: Client } & Partial<InventoryScheduleSettings>): Promise<ApplyResult> {
  const { client, ...overrides } = input;
  return applySchedules({ client, plans: planInventorySchedules(overrides), prune: false });
}

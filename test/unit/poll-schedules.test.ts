import { ScheduleOverlapPolicy } from '@temporalio/client';
import { snapshotEvent } from '../../activities/poll-activities';
import { planSchedules, POLLER_DEFAULTS } from '../../clients/schedules';
import { type ResolvedChannel } from '../../config/channels';
import { type CanonicalOrder, orderSnapshotEventId, pollerScheduleId, RECONCILE_SCHEDULE_ID } from '../../domain';
import { type PollOrdersInput, type ReconcileInput } from '../../workflows/poll-messages';

// Event ids of polled snapshots, and the schedules planned from config.

function order(overrides: Partial<CanonicalOrder> = {}): CanonicalOrder {
  return {
    channel: 'walmart', account: 'wm-main', externalId: 'PO-1', name: 'PO-1', status: 'paid', currency: 'USD',
    customer: { name: 'Grace Hopper', email: 'grace@example.com' },
    lines: [{ lineId: '1', sku: 'A', title: 'Thing', quantity: 1, unitPrice: { amount: '5.00', currency: 'USD' } }],
    total: { amount: '5.00', currency: 'USD' }, taxesIncluded: false,
    createdAt: '2026-11-20T08:00:00.000Z', updatedAt: '2026-11-20T08:00:00.000Z', test: false,
    ...overrides,
  };
}

describe('orderSnapshotEventId', () => {
  it('is the same for the same snapshot however its keys were ordered', () => {
    const a = order();
    const reordered = Object.fromEntries(Object.entries(a).reverse()) as CanonicalOrder;
    expect(orderSnapshotEventId(reordered)).toBe(orderSnapshotEventId(a));
    expect(orderSnapshotEventId(a)).toMatch(/^snapshot\/walmart\/wm-main\/PO-1\/2026-11-20T08:00:00.000Z\/[0-9a-f]{16}$/);
  });

  it('differs when the content differs under the same updatedAt, and when updatedAt moves', () => {
    const a = order();
    const edited = order({ customer: { name: 'Grace Hopper', email: 'grace@example.com', phone: '+15550100' } });
    expect(orderSnapshotEventId(edited)).not.toBe(orderSnapshotEventId(a));
    expect(orderSnapshotEventId(order({ updatedAt: '2026-11-20T08:05:00.000Z' }))).not.toBe(orderSnapshotEventId(a));
  });

  it('labels a snapshot created or updated by its timestamps, with the same id either way', () => {
    const fresh = snapshotEvent(order());
    expect(fresh).toMatchObject({ type: 'order.created', source: 'poll', occurredAt: '2026-11-20T08:00:00.000Z', externalId: 'PO-1' });
    const later = snapshotEvent(order({ updatedAt: '2026-11-21T08:00:00.000Z' }));
    expect(later.type).toBe('order.updated');
    expect(later.eventId).toBe(orderSnapshotEventId(order({ updatedAt: '2026-11-21T08:00:00.000Z' })));
  });
});

function entry(channel: ResolvedChannel['channel'], account: string, settings: ResolvedChannel['settings'] = {}): ResolvedChannel {
  return { channel, account, apiUrl: 'http://127.0.0.1:1', settings, secrets: {} };
}

describe('planSchedules', () => {
  it('plans one poller per account and one reconciliation over the polled accounts', () => {
    const plans = planSchedules({
      channels: [entry('walmart', 'wm-main'), entry('amazon', 'amz-us', { pollIntervalSeconds: 60 }), entry('shopify', 'shop', { polling: false })],
      taskQueue: 'q',
    });
    expect(plans.map((p) => p.scheduleId)).toEqual([pollerScheduleId('walmart', 'wm-main'), pollerScheduleId('amazon', 'amz-us'), RECONCILE_SCHEDULE_ID]);
    const [walmart, amazon, reconcile] = plans;
    expect(walmart!.policies?.overlap).toBe(ScheduleOverlapPolicy.SKIP);
    expect(walmart!.policies?.catchupWindow).toBe(POLLER_DEFAULTS.catchupWindowMs);
    expect(walmart!.spec.intervals).toEqual([{ every: 2 * 60_000 }]);
    expect(amazon!.spec.intervals).toEqual([{ every: 60_000 }]);
    expect(walmart!.action).toMatchObject({ workflowType: 'pollOrdersWorkflow', taskQueue: 'q' });
    expect((walmart!.action.args as [PollOrdersInput])[0].drainNotifications).toBe(false);
    expect((amazon!.action.args as [PollOrdersInput])[0].drainNotifications).toBe(true);
    expect((reconcile!.action.args as [ReconcileInput])[0].accounts).toEqual([
      { channel: 'walmart', account: 'wm-main' },
      { channel: 'amazon', account: 'amz-us' },
    ]);
  });

  it('refuses poll settings that make no sense, naming the account', () => {
    expect(() => planSchedules({ channels: [entry('ebay', 'eb', { pollIntervalSeconds: 1 })], taskQueue: 'q' })).toThrow(/ebay\/eb.*\n.*pollIntervalSeconds/);
  });

  it('plans no reconciliation when asked not to, or when nothing is polled', () => {
    expect(planSchedules({ channels: [entry('noon', 'ae')], taskQueue: 'q', reconcile: false }).map((p) => p.scheduleId)).toEqual([pollerScheduleId('noon', 'ae')]);
    expect(planSchedules({ channels: [], taskQueue: 'q' })).toEqual([]);
  });
});

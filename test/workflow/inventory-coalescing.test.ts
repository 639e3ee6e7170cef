import { WOO_BATCH_MAX } from '../../activities/marketplaces/woocommerce/client';
import { channelPushWorkflowId } from '../../domain';
import { channelPushWorkflow } from '../../workflows';
import { type ChannelPushState, channelPushStateQuery, type ChannelTargetItem, channelTargetsSignal } from '../../workflows/inventory-messages';
import { eventually, type InventoryStack, type StackChannelHandle, startInventoryStack } from '../support/inventory-stack';
import { testAddress, uniqueTaskQueue } from '../support/temporal';

// ChannelPushWorkflow against the real WooCommerce simulator and adapter: figures gather for the window and
// go out in the channel's batch size; the newest figure per SKU wins; an older figure is never sent.

const runId = `${process.pid}-${Date.now()}`;
const SKUS = Array.from({ length: 150 }, (_, i) => `CO-${runId}-${String(i).padStart(3, '0')}`);

describe('ChannelPushWorkflow coalescing on a real Temporal server', () => {
  let stack: InventoryStack;
  let woo: StackChannelHandle;
  const taskQueue = uniqueTaskQueue('inventory-push');
  const workflowId = () => channelPushWorkflowId(woo.channel, woo.account);
  const state = () => stack.client.workflow.getHandle(workflowId()).query(channelPushStateQuery);
  const idle = (s: ChannelPushState) => Object.keys(s.queuedStock).length === 0;
  const send = (items: ChannelTargetItem[]) =>
    stack.client.workflow.signalWithStart(channelPushWorkflow, {
      workflowId: workflowId(),
      taskQueue: stack.pushTaskQueue,
      args: [{ channel: woo.channel, account: woo.account, stockBatchSize: WOO_BATCH_MAX, priceBatchSize: WOO_BATCH_MAX, windowMs: 1500 }],
      signal: channelTargetsSignal,
      signalArgs: [items],
      workflowIdConflictPolicy: 'USE_EXISTING',
    });

  beforeAll(async () => {
    stack = await startInventoryStack({ address: testAddress(), channels: ['woocommerce'], products: [], channelOnlySkus: SKUS, runId, taskQueue });
    woo = stack.channels[0]!;
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('sends 20 rounds of changes to 150 SKUs as the fewest batches, last value winning', async () => {
    // Warm-up: the adapter learns the SKUs' product ids once (lookups are not what is measured).
    await send(SKUS.map((sku) => ({ sku, seq: 0, quantity: 0 })));
    const warm = await eventually('the warm-up push', state, (s) => idle(s) && s.counters.itemsSent === SKUS.length);
    // 3,000 figures in one go: every round replaces the queued figure of every SKU.
    const items: ChannelTargetItem[] = [];
    for (let round = 1; round <= 20; round++) SKUS.forEach((sku) => items.push({ sku, seq: round, quantity: round * 2 + (sku.endsWith('7') ? 1 : 0) }));
    await send(items);
    const after = await eventually('the push to finish', state, (s) => idle(s) && s.counters.itemsSent === 2 * SKUS.length);
    // 150 SKUs in WooCommerce batches of 100: two calls, each carrying only the newest figure.
    const minimum = Math.ceil(SKUS.length / WOO_BATCH_MAX);
    expect(after.counters.pushes - warm.counters.pushes).toBe(minimum);
    expect(after.counters.calls - warm.counters.calls).toBe(minimum);
    expect(after.counters.coalesced - warm.counters.coalesced).toBe(SKUS.length * 19);
    for (const sku of [SKUS[0]!, SKUS[7]!, SKUS[149]!]) expect(await woo.shown(sku)).toBe(40 + (sku.endsWith('7') ? 1 : 0));
  });

  it('never sends a figure older than one the channel already has or has queued', async () => {
    const sku = SKUS[0]!;
    const before = await state();
    // Older than what was applied (seq 20): dropped.
    await send([{ sku, seq: 5, quantity: 999 }]);
    // Many separate signals for one SKU, out of order: only the highest seq may reach the channel.
    const seqs = [30, 24, 29, 21, 35, 22, 33, 34, 23, 31];
    for (const seq of seqs) await send([{ sku, seq, quantity: seq }]);
    const after = await eventually('the pushes to settle', state, (s) => idle(s) && s.appliedStock[sku]?.seq === 35);
    expect(await woo.shown(sku)).toBe(35);
    expect(after.appliedStock[sku]).toEqual({ quantity: 35, seq: 35 });
    // 5, and every seq that arrived after a higher one was already accepted, is stale.
    let highest = 20;
    const stale = [5, ...seqs].filter((s) => (s <= highest ? true : ((highest = s), false))).length;
    expect(after.counters.staleDropped - before.counters.staleDropped).toBe(stale);
    // Fewer pushes than figures: everything that arrived within a window went out together.
    expect(after.counters.pushes - before.counters.pushes).toBeLessThan(seqs.length);
    expect(after.errors).toEqual([]);
  });
});

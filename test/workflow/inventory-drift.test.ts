import { inventoryWorkflowId } from '../../domain';
import { inventoryDriftWorkflow } from '../../workflows';
import { inventoryStateQuery } from '../../workflows/inventory-messages';
import { eventually, type InventoryStack, type StackChannelHandle, startInventoryStack } from '../support/inventory-stack';
import { testAddress, uniqueTaskQueue } from '../support/temporal';
import { recordHistory } from '../support/histories';

// The scheduled drift check reads each channel's stock back (on the account's catalog queue) and compares it
// with what the SKU's workflow last handed out, on the real server with the Odoo, WooCommerce and Walmart simulators.

const runId = `${process.pid}-${Date.now()}`;
const MUG = `DRIFT-MUG-${runId}`;
const CAP = `DRIFT-CAP-${runId}`;
/** In Odoo, listed on no channel: a push cannot fix that, so it is reported, not resynced. */
const GHOST = `DRIFT-GHOST-${runId}`;

describe('drift check against what the channels show', () => {
  let stack: InventoryStack;
  let woo: StackChannelHandle;
  let walmart: StackChannelHandle;
  const taskQueue = uniqueTaskQueue('inventory-drift');
  let runs = 0;
  const drift = (input: Parameters<typeof inventoryDriftWorkflow>[0]) =>
    stack.client.workflow.execute(inventoryDriftWorkflow, { taskQueue, workflowId: `${taskQueue}-drift-${++runs}`, args: [input] });
  const sentTo = async (sku: string, channel: StackChannelHandle) =>
    (await stack.client.workflow.getHandle(inventoryWorkflowId(sku)).query(inventoryStateQuery)).sent[channel.key]?.quantity;

  beforeAll(async () => {
    stack = await startInventoryStack({
      address: testAddress(),
      channels: ['woocommerce', 'walmart'],
      products: [
        { sku: MUG, quantity: 6, listPrice: 5 },
        { sku: CAP, quantity: 8, listPrice: 5 },
        { sku: GHOST, quantity: 3, listPrice: 5 },
      ],
      unlistedSkus: [GHOST],
      runId,
      taskQueue,
      pushWindowMs: 100,
    });
    [woo, walmart] = [stack.channels[0]!, stack.channels[1]!];
    // The allocation rule shares Odoo's stock between the two channels: each shows what its workflow handed out.
    for (const c of stack.channels) {
      for (const sku of [MUG, CAP]) {
        const sent = await eventually(`${sku}'s figure for ${c.channel}`, () => sentTo(sku, c), (q) => q !== undefined && q > 0);
        await eventually(`the first push of ${sku} on ${c.channel}`, () => c.shown(sku), (q) => q === sent);
      }
      // GHOST's workflow has handed out its figure too (the channels refuse it: they do not list it).
      await eventually(`GHOST's figure for ${c.channel}`, () => sentTo(GHOST, c), (q) => q !== undefined);
    }
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('finds stock changed on one channel behind our back, reports it for that channel and puts the right figure back', async () => {
    // A merchant edits the mug's stock in wp-admin; the channel accepted our figure and we still believe it shows it.
    const mug = { woo: (await sentTo(MUG, woo))!, walmart: (await sentTo(MUG, walmart))! };
    await woo.setShown(MUG, mug.woo + 5);
    const report = await drift({ skus: [MUG, CAP, GHOST] });
    expect(report).toMatchObject({
      skusChecked: 3,
      odooDrift: 0,
      started: 0,
      resynced: 1,
      channelCheck: { [woo.key]: 'read', [walmart.key]: 'read' },
      channelUnlisted: { [woo.key]: 1, [walmart.key]: 1 },
    });
    expect(report.channelDrift).toEqual({ [woo.key]: 1 });
    expect(report.readErrors).toEqual({});
    await eventually('the mug corrected on WooCommerce', () => woo.shown(MUG), (q) => q === mug.woo);
    expect(await walmart.shown(MUG)).toBe(mug.walmart);
    await recordHistory('inventory-drift-read', `${taskQueue}-drift-${runs}`);
  });

  it('finds nothing once the channels show the figures again, across pages and runs', async () => {
    const cap = (await sentTo(CAP, walmart))!;
    await walmart.setShown(CAP, 0);
    // One SKU a page and a new run after every page: the report is carried whole across continue-as-new.
    const report = await drift({ skus: [MUG, CAP, GHOST], pageSize: 1, historyLimit: 1 });
    expect(report).toMatchObject({ skusChecked: 3, odooDrift: 0, resynced: 1, channelUnlisted: { [woo.key]: 1, [walmart.key]: 1 } });
    expect(report.channelDrift).toEqual({ [walmart.key]: 1 });
    await eventually('the cap corrected on Walmart', () => walmart.shown(CAP), (q) => q === cap);
    const again = await drift({ skus: [MUG, CAP, GHOST] });
    expect(again).toMatchObject({ skusChecked: 3, odooDrift: 0, resynced: 0 });
    expect(again.channelDrift).toEqual({});
  });
});

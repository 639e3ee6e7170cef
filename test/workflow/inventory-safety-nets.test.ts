import { signalInventory } from '../../activities/inventory-activities';
import { channelPushWorkflowId, inventoryWorkflowId } from '../../domain';
import { inventoryDriftWorkflow, inventoryWorkflow, odooPollWorkflow } from '../../workflows';
import { channelPushStateQuery, channelSaleSignal, inventoryStateQuery } from '../../workflows/inventory-messages';
import { eventually, type InventoryStack, type StackChannelHandle, startInventoryStack } from '../support/inventory-stack';
import { testAddress, uniqueTaskQueue } from '../support/temporal';

// What catches the changes Odoo's notifications missed (write_date polling, the drift check), and state
// crossing continue-as-new, on the real server with the Odoo and WooCommerce simulators.

const runId = `${process.pid}-${Date.now()}`;
const SKU = `NET-${runId}`;
const LONG = `LONG-${runId}`;

describe('inventory safety nets on a real Temporal server', () => {
  let stack: InventoryStack;
  let woo: StackChannelHandle;
  const taskQueue = uniqueTaskQueue('inventory-nets');
  let runs = 0;
  const run = <T>(workflow: (input: never) => Promise<T>, arg: unknown): Promise<T> =>
    stack.client.workflow.execute(workflow as (input: unknown) => Promise<T>, { taskQueue, workflowId: `${taskQueue}-run-${++runs}`, args: [arg] });

  beforeAll(async () => {
    stack = await startInventoryStack({
      address: testAddress(),
      channels: ['woocommerce'],
      products: [{ sku: SKU, quantity: 6, listPrice: 5 }],
      // Added to Odoo by the continue-as-new test, after its workflow started with a small run limit.
      channelOnlySkus: [LONG],
      runId,
      taskQueue,
      pushWindowMs: 100,
    });
    woo = stack.channels[0]!;
    await eventually('the first push', () => woo.shown(SKU), (q) => q === 6);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('write_date polling brings in a change whose notification was lost', async () => {
    stack.notifications.lost = true;
    // The poll looks back to the start of this second (write_date has whole seconds), after the product was
    // created: like real Odoo, the simulator writes the stock records, not the product, so only they show it.
    const since = Math.floor(Date.now() / 1000) * 1000;
    await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 20));
    await stack.odoo.admin.setStock({ sku: SKU, quantity: 9 });
    await stack.odoo.admin.notifications();
    expect(await woo.shown(SKU)).toBe(6);
    const result = await run(odooPollWorkflow, { lookbackMs: Date.now() - since });
    expect(result.changed).toBeGreaterThanOrEqual(1);
    await eventually('the polled change on the channel', () => woo.shown(SKU), (q) => q === 9);
  });

  it('the drift check finds a stale SKU workflow, corrects the channel and reports it', async () => {
    stack.notifications.lost = true;
    await stack.odoo.admin.setStock({ sku: SKU, quantity: 4 });
    await stack.odoo.admin.notifications();
    const report = await run(inventoryDriftWorkflow, { skus: [SKU] });
    expect(report).toMatchObject({ skusChecked: 1, odooDrift: 1, started: 0, resynced: 1 });
    await eventually('the corrected figure on the channel', () => woo.shown(SKU), (q) => q === 4);
    // Once the push has landed there is nothing left to find.
    await eventually('the push to be applied', () => stack.client.workflow.getHandle(channelPushWorkflowId(woo.channel, woo.account)).query(channelPushStateQuery), (s) => s.appliedStock[SKU]?.quantity === 4);
    const again = await run(inventoryDriftWorkflow, { skus: [SKU] });
    expect(again).toMatchObject({ skusChecked: 1, odooDrift: 0, channelDrift: {}, resynced: 0 });
    stack.notifications.lost = false;
  });

  it('carries stock, the oversell window and sequence numbers across continue-as-new', async () => {
    const handle = await stack.client.workflow.signalWithStart(inventoryWorkflow, {
      workflowId: inventoryWorkflowId(LONG),
      taskQueue,
      args: [{ sku: LONG, maxSignalsPerRun: 3 }],
      signal: channelSaleSignal,
      signalArgs: [{ channel: woo.channel, account: woo.account, orderKey: { channel: woo.channel, account: woo.account, externalId: 'c0' }, sku: LONG, quantity: 1, eventId: 'c0' }],
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
    const firstRun = handle.signaledRunId;
    await stack.odoo.admin.addProducts([{ sku: LONG, name: LONG, listPrice: 5, quantity: 20 }]);
    for (let i = 1; i < 8; i++) {
      await signalInventory({ client: stack.client, taskQueue }, {
        sku: LONG,
        signal: channelSaleSignal,
        arg: { channel: woo.channel, account: woo.account, orderKey: { channel: woo.channel, account: woo.account, externalId: `c${i}` }, sku: LONG, quantity: 1, eventId: `c${i}` },
      });
    }
    // A repeated event must stay a repeat after the runs changed.
    await signalInventory({ client: stack.client, taskQueue }, {
      sku: LONG,
      signal: channelSaleSignal,
      arg: { channel: woo.channel, account: woo.account, orderKey: { channel: woo.channel, account: woo.account, externalId: 'c1' }, sku: LONG, quantity: 5, eventId: 'c1' },
    });
    const workflow = stack.client.workflow.getHandle(inventoryWorkflowId(LONG));
    await eventually('all sales counted', () => workflow.query(inventoryStateQuery), (s) => Object.keys(s.pending).length === 8);
    // 10 signals (8 sales, the repeat, Odoo's stock) with at most 3 a run: the workflow has moved on...
    await eventually('a later run', () => workflow.describe(), (d) => d.runId !== firstRun);
    await eventually('the channel to show 20 - 8', () => woo.shown(LONG), (q) => q === 12);
    // ...and the state it carried is whole: every sale once, the repeat dropped.
    const state = await workflow.query(inventoryStateQuery);
    expect(Object.keys(state.pending).sort()).toEqual(Array.from({ length: 8 }, (_, i) => `order/woocommerce/${woo.account}/c${i}`).sort());
    expect(Object.values(state.pending).every((p) => p.quantity === 1)).toBe(true);
    expect(state.free).toEqual({ WH: 20 });
  });
});

import { signalInventory } from '../../activities/inventory-activities';
import { inventoryWorkflowId, type OrderKey } from '../../domain';
import { channelSaleSignal, inventoryStateQuery } from '../../workflows/inventory-messages';
import { recordHistory } from '../support/histories';
import { eventually, type InventoryStack, startInventoryStack } from '../support/inventory-stack';
import { testAddress, uniqueTaskQueue } from '../support/temporal';

// A channel lowers its own count when it sells. When our figure for that channel does not change (it is capped
// well below the stock), the channel must still get the figure again, or it keeps showing one unit less.

const runId = `${process.pid}-${Date.now()}`;
const SKU = `OWN-SALE-${runId}`;

describe('a channel that sold gets its figure again', () => {
  let stack: InventoryStack;
  const taskQueue = uniqueTaskQueue('inventory-own-sale');

  beforeAll(async () => {
    stack = await startInventoryStack({
      address: testAddress(),
      channels: ['woocommerce', 'ebay'],
      products: [{ sku: SKU, quantity: 20, listPrice: 5 }],
      allocation: { woocommerce: { max: 3 }, ebay: { max: 4 } },
      runId,
      taskQueue,
      pushWindowMs: 100,
    });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('re-sends the unchanged cap to the channel that sold, and only to it', async () => {
    const [woo, ebay] = [stack.channels[0]!, stack.channels[1]!];
    await eventually('the caps on the channels', () => Promise.all([woo.shown(SKU), ebay.shown(SKU)]), ([w, e]) => w === 3 && e === 4);
    const before = await stack.client.workflow.getHandle(inventoryWorkflowId(SKU)).query(inventoryStateQuery);

    // WooCommerce sells one: its own count drops to 2, and the order reaches channelsync.
    await woo.setShown(SKU, 2);
    const orderKey: OrderKey = { channel: woo.channel, account: woo.account, externalId: `own-${runId}` };
    await signalInventory(
      { client: stack.client, taskQueue },
      { sku: SKU, signal: channelSaleSignal, arg: { channel: woo.channel, account: woo.account, orderKey, sku: SKU, quantity: 1, eventId: `own-${runId}/v1` } },
    );

    await eventually('WooCommerce to show its cap again', () => woo.shown(SKU), (q) => q === 3);
    const after = await stack.client.workflow.getHandle(inventoryWorkflowId(SKU)).query(inventoryStateQuery);
    expect(Object.values(after.pending)).toEqual([{ channel: woo.key, quantity: 1 }]);
    expect(after.sent[woo.key]!.seq).toBeGreaterThan(before.sent[woo.key]!.seq);
    // eBay did not sell and its figure did not change: nothing was sent to it.
    expect(after.sent[ebay.key]).toEqual(before.sent[ebay.key]);
    expect(await ebay.shown(SKU)).toBe(4);
    await recordHistory('inventory-own-sale-resend', inventoryWorkflowId(SKU));
  });
});

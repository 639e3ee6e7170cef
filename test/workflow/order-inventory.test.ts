import { type Client } from '@temporalio/client';
import { inventoryWorkflowId, orderWorkflowId } from '../../domain';
import { type Stack } from '../../scripts/lib/stack';
import { inventoryStateQuery } from '../../workflows/inventory-messages';
import { orderStateQuery } from '../../workflows/messages';
import { recordHistory } from '../support/histories';
import { eventually, uniqueTaskQueue } from '../support/temporal';
import { startTestStack } from '../support/stack';

// With allocation rules configured, the production worker runs stock sync and every order workflow reports
// its sale to the SKU's inventory workflow; the channel ends up showing Odoo's new free quantity.
describe('orders feed inventory', () => {
  let stack: Stack;
  let client: Client;
  let closeAll: (() => Promise<void>) | undefined;
  const account = `inv-${process.pid}`;

  beforeAll(async () => {
    ({ stack, client, close: closeAll } = await startTestStack({
      logLevel: 'silent',
      channels: ['shopify'],
      account,
      ordersTaskQueue: uniqueTaskQueue('inv-orders'),
      rules: { allocation: [{ channel: 'shopify', account, warehouses: ['WH'] }] },
    }));
  });
  afterAll(async () => {
    await closeAll?.();
  });

  it('reports the sale, settles it once Odoo reserves, and pushes the new quantity to the channel', async () => {
    // Odoo and the channel disagree at first (60 vs 100): only the sync can bring the channel to Odoo's figure.
    await stack.odoo.admin.setStock({ sku: 'MUG-WHITE', quantity: 60 });
    const before = (await stack.odoo.admin.stock('MUG-WHITE')).reduce((sum, l) => sum + l.free, 0);
    expect(before).toBe(60);
    expect(stack.shopify.admin.stock('MUG-WHITE')).toBeGreaterThan(90);
    const order = stack.shopify.admin.createOrder({ lines: [{ sku: 'MUG-WHITE', quantity: 2, price: '12.50' }], financialStatus: 'paid' });
    const key = { channel: 'shopify' as const, account, externalId: order.externalId };
    await eventually('confirmed', () => client.workflow.getHandle(orderWorkflowId(key)).query(orderStateQuery), (s) => s.status === 'confirmed');
    const inventory = client.workflow.getHandle(inventoryWorkflowId('MUG-WHITE'));
    const state = await eventually('sale settled in the SKU workflow', () => inventory.query(inventoryStateQuery), (s) => s.settled.includes(orderWorkflowId(key)));
    expect(state.pending[orderWorkflowId(key)]).toBeUndefined();
    await eventually('channel shows Odoo free stock', async () => stack.shopify.admin.stock('MUG-WHITE'), (q) => q === 58, 90_000);
    const sent = await inventory.query(inventoryStateQuery);
    expect(Object.values(sent.sent).map((v) => v.quantity)).toContain(58);
    await recordHistory('order-feeds-inventory', orderWorkflowId(key));
  });
});

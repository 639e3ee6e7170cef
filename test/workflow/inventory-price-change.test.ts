import { z } from 'zod';
import { createOdooClient } from '../../activities/odoo';
import { inventoryWorkflowId } from '../../domain';
import { recordHistory } from '../support/histories';
import { eventually, type InventoryStack, startInventoryStack } from '../support/inventory-stack';
import { testAddress, uniqueTaskQueue } from '../support/temporal';

// A price changed in Odoo reaches the channels through Odoo's notification (no poll runs here): the SKU's
// workflow reads its prices again and pushes what each channel's price rule makes of them.

const runId = `${process.pid}-${Date.now()}`;
const SKU = `PRICE-${runId}`;

describe('an Odoo price change on a real Temporal server', () => {
  let stack: InventoryStack;
  const taskQueue = uniqueTaskQueue('inventory-price');

  beforeAll(async () => {
    stack = await startInventoryStack({
      address: testAddress(),
      channels: ['shopify', 'woocommerce'],
      products: [{ sku: SKU, quantity: 5, listPrice: 19.5 }],
      runId,
      taskQueue,
      pushWindowMs: 100,
      priced: ['shopify'],
    });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('pushes the new price by the channel rule within seconds; a channel without a price rule keeps its own', async () => {
    const [shopify, woo] = [stack.channels[0]!, stack.channels[1]!];
    // 19.50 + 10 % = 21.45 → .99 ending nearest: 20.99.
    await eventually('the first price on Shopify', () => shopify.price(SKU), (p) => p !== null && Number(p) === 20.99);

    const odoo = createOdooClient({ url: stack.odoo.url, database: stack.odoo.database, login: stack.odoo.login, secret: stack.odoo.password, version: 'auto' });
    const [variant] = await odoo.searchRead(
      { model: 'product.product', domain: [['default_code', '=', SKU]], fields: ['product_tmpl_id'] },
      z.object({ id: z.number(), product_tmpl_id: z.tuple([z.number(), z.string()]) }),
    );
    await odoo.write({ model: 'product.template', ids: [variant!.product_tmpl_id[0]], values: { list_price: 30 } });

    // 30.00 + 10 % = 33.00 → 32.99.
    await eventually('the new price on Shopify', () => shopify.price(SKU), (p) => p !== null && Number(p) === 32.99, 15_000);
    const sent = (await stack.odoo.admin.notifications()).filter((n) => n.body.event === 'price.changed');
    expect(sent.at(-1)).toMatchObject({ status: 200 });
    expect(Number(await woo.price(SKU))).toBe(1);
    await recordHistory('inventory-price-notified', inventoryWorkflowId(SKU));
  });
});

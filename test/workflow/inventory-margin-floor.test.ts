import { z } from 'zod';
import { createOdooClient } from '../../activities/odoo';
import { inventoryWorkflowId } from '../../domain';
import { type InventoryState, inventoryStateQuery } from '../../workflows/inventory-messages';
import { recordHistory } from '../support/histories';
import { eventually, type InventoryStack, startInventoryStack } from '../support/inventory-stack';
import { testAddress, uniqueTaskQueue } from '../support/temporal';

// A price rule with a minimum margin prices over Odoo's cost (standard_price, read with the prices): without a
// cost the channel gets no price and the SKU's workflow says why; once Odoo has one, the floor holds.

const runId = `${process.pid}-${Date.now()}`;
const SKU = `MARGIN-${runId}`;

describe('a margin floor over Odoo\'s cost on a real Temporal server', () => {
  let stack: InventoryStack;
  const taskQueue = uniqueTaskQueue('inventory-margin');

  beforeAll(async () => {
    stack = await startInventoryStack({
      address: testAddress(),
      channels: ['shopify'],
      products: [{ sku: SKU, quantity: 5, listPrice: 19.5 }],
      runId,
      taskQueue,
      pushWindowMs: 100,
      priced: ['shopify'],
      priceRule: { minMarginPercent: '50' },
    });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('pushes no price while the cost is unset, then the floored price once Odoo has a cost', async () => {
    const shopify = stack.channels[0]!;
    const handle = stack.client.workflow.getHandle(inventoryWorkflowId(SKU));
    const state = () => handle.query<InventoryState>(inventoryStateQuery.name);
    await eventually('the unset cost noted', state, (s) => s.problems.some((p) => p.includes("standard_price is not set")));
    expect((await state()).cost).toEqual({ amount: '0', currency: 'USD' });
    await eventually('the stock on Shopify', () => shopify.shown(SKU), (n) => n === 5);
    expect(await shopify.price(SKU)).toBe('1.00');

    const odoo = createOdooClient({ url: stack.odoo.url, database: stack.odoo.database, login: stack.odoo.login, secret: stack.odoo.password, version: 'auto' });
    const [variant] = await odoo.searchRead(
      { model: 'product.product', domain: [['default_code', '=', SKU]], fields: ['product_tmpl_id'] },
      z.object({ id: z.number(), product_tmpl_id: z.tuple([z.number(), z.string()]) }),
    );
    // A cost change alone sends no notification; the sales price change that follows makes the workflow read both.
    await odoo.write({ model: 'product.product', ids: [variant!.id], values: { standard_price: 15 } });
    await odoo.write({ model: 'product.template', ids: [variant!.product_tmpl_id[0]], values: { list_price: 20 } });

    // 20.00 + 10 % = 22.00 → 21.99, below 15 / (1 − 50 %) = 30 → the next .99 price: 30.99.
    await eventually('the floored price on Shopify', () => shopify.price(SKU), (p) => p !== null && Number(p) === 30.99, 15_000);
    expect((await state()).cost).toEqual({ amount: '15', currency: 'USD' });
    await recordHistory('inventory-margin-floor', inventoryWorkflowId(SKU));
  });
});

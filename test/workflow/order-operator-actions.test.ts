import { type Client } from '@temporalio/client';
import { odooClientOrderRef, orderWorkflowId, type OrderKey } from '../../domain';
import { type Stack } from '../../scripts/lib/stack';
import { operatorActionUpdate, orderStateQuery, type OrderState } from '../../workflows/messages';
import { startTestStack } from '../support/stack';
import { eventually, uniqueTaskQueue } from '../support/temporal';

// An operator's `skip` and `cancel` Updates on a parked order, on a real server through the Shopify and Odoo
// simulators: once parked at import (nothing in Odoo yet), once parked at an edit (a confirmed sale order in Odoo).
describe('operator skip and cancel on a parked order', () => {
  let stack: Stack;
  let client: Client;
  let closeAll: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    ({ stack, client, close: closeAll } = await startTestStack({
      channels: ['shopify'],
      logLevel: 'silent',
      account: `operator-${process.pid}`,
      ordersTaskQueue: uniqueTaskQueue('operator-orders'),
      // No delivery polls: the injected Odoo fault below must hit the edit, not a poll of another order.
      orderPolicy: { deliveryPollInterval: '1h', stuckAfter: '1h' },
    }));
  });
  afterAll(async () => {
    await closeAll?.();
  });

  const keyOf = (externalId: string): OrderKey => ({ channel: 'shopify', account: stack.shopifyAccount, externalId });
  const handleOf = (externalId: string) => client.workflow.getHandle(orderWorkflowId(keyOf(externalId)));
  const until = (externalId: string, ok: (s: OrderState) => boolean) =>
    eventually(`state of ${externalId}`, () => handleOf(externalId).query(orderStateQuery), ok);
  const inOdoo = (externalId: string) => stack.odoo.admin.saleOrders({ clientOrderRef: odooClientOrderRef(keyOf(externalId)) });

  function place(sku: string, quantity = 2) {
    return stack.shopify.admin.createOrder({
      lines: [{ sku, quantity, price: '12.50' }],
      customer: { firstName: 'Katherine', lastName: 'Johnson', email: 'katherine@example.com' },
      financialStatus: 'paid',
    });
  }

  /** An order whose SKU Odoo does not know: parked at import, before any sale order exists. */
  async function parkedAtImport() {
    const sku = `NEW-${Date.now()}`;
    const o = place(sku);
    const parked = await until(o.externalId, (s) => s.status === 'needs_attention');
    expect(parked).toMatchObject({ failedStep: 'import', lastError: { type: 'OdooBusinessError' } });
    expect(parked.lastError?.message).toContain(sku);
    expect(await inOdoo(o.externalId)).toHaveLength(0);
    return { o, sku };
  }

  /** A confirmed order whose channel edit Odoo refuses (access denied): parked with its sale order in Odoo. */
  async function parkedAtEdit() {
    const o = place('MUG-WHITE', 2);
    const confirmed = await until(o.externalId, (s) => s.status === 'confirmed');
    await stack.odoo.admin.setFaults({ accessErrors: 1 });
    try {
      stack.shopify.admin.editQuantities(o.id, { lines: [{ lineItemId: o.lineItemIds[0]!, quantity: 1 }] });
      const parked = await until(o.externalId, (s) => s.status === 'needs_attention');
      expect(parked).toMatchObject({ failedStep: 'edit', lastError: { type: 'OdooAccessError' } });
    } finally {
      await stack.odoo.admin.clearFaults();
    }
    expect(await inOdoo(o.externalId)).toMatchObject([{ id: confirmed.odoo.saleOrderId, state: 'sale', lines: [{ quantity: 2 }] }]);
    return { o, saleOrderId: confirmed.odoo.saleOrderId! };
  }

  it('skip at import: back to received with nothing in Odoo, and the run goes on to import the next snapshot', async () => {
    const { o, sku } = await parkedAtImport();
    const after = await handleOf(o.externalId).executeUpdate(operatorActionUpdate, { args: [{ action: 'skip', note: 'will fix the SKU later' }] });
    expect(after.status).toBe('received');
    expect(after.failedStep).toBeUndefined();
    expect((await handleOf(o.externalId).describe()).status.name).toBe('RUNNING');
    expect(await inOdoo(o.externalId)).toHaveLength(0);

    // The run still listens: once the product exists, the next change on the channel imports the order.
    await stack.odoo.admin.addProducts([{ sku, name: 'New thing', listPrice: 12.5, storable: true, quantity: 5 }]);
    stack.shopify.admin.editQuantities(o.id, { lines: [{ lineItemId: o.lineItemIds[0]!, quantity: 1 }] });
    const confirmed = await until(o.externalId, (s) => s.status === 'confirmed');
    expect(await inOdoo(o.externalId)).toMatchObject([{ id: confirmed.odoo.saleOrderId, state: 'sale', lines: [{ quantity: 1 }] }]);
  });

  it('cancel at import: nothing to cancel in Odoo, the order is cancelled', async () => {
    const { o } = await parkedAtImport();
    const after = await handleOf(o.externalId).executeUpdate(operatorActionUpdate, { args: [{ action: 'cancel', note: 'customer gave up' }] });
    expect(after.status).toBe('cancelled');
    expect(after.lastError).toMatchObject({ type: 'Cancelled', message: 'cancelled by an operator' });
    expect(after.odoo.saleOrderId).toBeUndefined();
    expect(await inOdoo(o.externalId)).toHaveLength(0);
  });

  it('skip at an edit: back to confirmed, the Odoo order as it was, and the run goes on to a channel cancellation', async () => {
    const { o, saleOrderId } = await parkedAtEdit();
    const after = await handleOf(o.externalId).executeUpdate(operatorActionUpdate, { args: [{ action: 'skip' }] });
    expect(after.status).toBe('confirmed');
    expect(after.failedStep).toBeUndefined();
    expect(after.odoo).toMatchObject({ saleOrderId, saleOrderState: 'sale' });
    expect(await inOdoo(o.externalId)).toMatchObject([{ id: saleOrderId, state: 'sale', lines: [{ quantity: 2 }] }]);

    stack.shopify.admin.cancelOrder(o.id, { reason: 'customer', refund: false });
    await until(o.externalId, (s) => s.status === 'cancelled');
    expect(await inOdoo(o.externalId)).toMatchObject([{ id: saleOrderId, state: 'cancel' }]);
  });

  it('cancel at an edit: the Odoo sale order is cancelled and so is the order', async () => {
    const { o, saleOrderId } = await parkedAtEdit();
    const after = await handleOf(o.externalId).executeUpdate(operatorActionUpdate, { args: [{ action: 'cancel' }] });
    expect(after.status).toBe('cancelled');
    expect(after.odoo).toMatchObject({ saleOrderId, saleOrderState: 'cancel' });
    expect(after.lastError).toMatchObject({ type: 'Cancelled', message: 'cancelled by an operator' });
    expect(await inOdoo(o.externalId)).toMatchObject([{ id: saleOrderId, state: 'cancel' }]);
  });
});

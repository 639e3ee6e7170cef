import { type Client } from '@temporalio/client';
import { createOdooClient, createOdooOrderOperations } from '../../activities/odoo';
import { orderWorkflowId, type OrderKey } from '../../domain';
import { type Stack } from '../../scripts/lib/stack';
import { operatorActionUpdate, orderStateQuery, type OrderState } from '../../workflows/messages';
import { recordHistory } from '../support/histories';
import { startTestStack } from '../support/stack';
import { eventually, uniqueTaskQueue } from '../support/temporal';

// A sale order cancelled in Odoo for a channel whose API cannot cancel (eBay: Seller Hub only), on a real server
// through the eBay and Odoo simulators: the order parks with the channel's reason, a `retry` asks the channel
// again (and parks again, never back to confirmed), and `skip` once a person has cancelled it there settles it.
describe('a cancellation from Odoo that the channel refuses', () => {
  let stack: Stack;
  let client: Client;
  let closeAll: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    ({ stack, client, close: closeAll } = await startTestStack({
      channels: ['ebay'],
      logLevel: 'silent',
      account: `cancel-refused-${process.pid}`,
      ordersTaskQueue: uniqueTaskQueue('cancel-refused-orders'),
      odooNotifications: true,
      orderPolicy: { deliveryPollInterval: '1h', stuckAfter: '1h', returnWindow: '1h' },
    }));
  });
  afterAll(async () => {
    await closeAll?.();
  });

  it('parks with the reason; retry asks the channel again; skip settles it as cancelled', async () => {
    const { driver } = stack.channels.ebay!;
    const { account } = driver;
    const placed = await driver.placeOrder([{ sku: 'MUG-WHITE', quantity: 1 }]);
    const key: OrderKey = { channel: 'ebay', account, externalId: placed.externalId };
    const handle = client.workflow.getHandle(orderWorkflowId(key));
    const until = (ok: (s: OrderState) => boolean) => eventually(`state of ${placed.externalId}`, () => handle.query(orderStateQuery), ok);
    const confirmed = await until((s) => s.status === 'confirmed');

    const odoo = createOdooOrderOperations(createOdooClient({ url: stack.odoo.url, database: stack.odoo.database, login: stack.odoo.login, secret: stack.odoo.apiKey, version: 'auto' }));
    await odoo.cancelSaleOrder({ saleOrderId: confirmed.odoo.saleOrderId! });
    const parked = await until((s) => s.status === 'needs_attention');
    expect(parked).toMatchObject({ failedStep: 'fulfilment', odoo: { saleOrderState: 'cancel' } });
    expect(parked.lastError?.message).toContain('Seller Hub');

    const retried = await handle.executeUpdate(operatorActionUpdate, { args: [{ action: 'retry' }] });
    expect(retried.status).toBe('needs_attention');
    expect(retried.lastError?.message).toContain('Seller Hub');

    const skipped = await handle.executeUpdate(operatorActionUpdate, { args: [{ action: 'skip' }] });
    expect(skipped.status).toBe('cancelled');
    await recordHistory('odoo-cancel-refused-by-channel', handle.workflowId);
  });
});

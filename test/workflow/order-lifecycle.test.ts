import { type Client } from '@temporalio/client';
import { createOdooClient, createOdooOrderOperations } from '../../activities/odoo';
import { odooClientOrderRef, orderWorkflowId, type OrderKey } from '../../domain';
import { type Stack } from '../../scripts/lib/stack';
import { orderStateQuery, type OrderState } from '../../workflows/messages';
import { recordHistory } from '../support/histories';
import { eventually, uniqueTaskQueue } from '../support/temporal';
import { startTestStack } from '../support/stack';

// The order's whole life on a real server, through the real Shopify simulator (webhooks, fulfilments,
// refunds) and the real Odoo simulator (deliveries, credit notes), with timers shortened by config.
describe('order lifecycle', () => {
  let stack: Stack;
  let client: Client;
  let closeAll: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    ({ stack, client, close: closeAll } = await startTestStack({
      channels: ['shopify'],
      logLevel: 'silent',
      account: `lifecycle-${process.pid}`,
      ordersTaskQueue: uniqueTaskQueue('lifecycle-orders'),
      orderPolicy: {
        pendingPaymentTimeout: '3s',
        returnWindow: '10s',
        deliveryPollInterval: '500ms',
        stuckAfter: '1h',
        routing: { defaultWarehouse: 'WH', byCountry: { US: ['WH'] }, preferInStock: true },
      },
    }));
  });
  afterAll(async () => {
    await closeAll?.();
  });

  const keyOf = (externalId: string): OrderKey => ({ channel: 'shopify', account: stack.shopifyAccount, externalId });
  const stateOf = (externalId: string) => client.workflow.getHandle(orderWorkflowId(keyOf(externalId))).query(orderStateQuery);

  const until = (externalId: string, ok: (s: OrderState) => boolean) => eventually(`state of ${externalId}`, () => stateOf(externalId), ok);

  function place(lines: { sku: string; quantity: number; price: string }[], financialStatus: 'paid' | 'pending' = 'paid') {
    return stack.shopify.admin.createOrder({
      lines,
      customer: { firstName: 'Mary', lastName: 'Jackson', email: 'mary@example.com' },
      shippingAddress: { firstName: 'Mary', lastName: 'Jackson', address1: '4 Langley Blvd', city: 'Hampton', zip: '23681', country: 'United States', countryCode: 'US' },
      financialStatus,
    });
  }

  it('pushes the Odoo delivery tracking to the channel, then closes after the return window', async () => {
    const o = place([{ sku: 'TSHIRT-BLUE-L', quantity: 1, price: '19.99' }]);
    const confirmed = await until(o.externalId, (s) => s.status === 'confirmed');
    expect(confirmed.odoo).toMatchObject({ warehouse: 'WH', routingReason: 'country_in_stock' });
    await stack.odoo.admin.validateDelivery({ saleOrderId: confirmed.odoo.saleOrderId!, trackingRef: '1ZTRACK001', carrier: 'UPS' });
    const shipped = await until(o.externalId, (s) => s.shipments.length > 0);
    expect(shipped.shipments).toMatchObject([{ trackingNumber: '1ZTRACK001', carrier: 'UPS' }]);
    expect(stack.shopify.admin.fulfillments(o.id)).toMatchObject([{ trackingNumber: '1ZTRACK001', trackingCompany: 'UPS' }]);
    const handle = client.workflow.getHandle(orderWorkflowId(keyOf(o.externalId)));
    const result = await handle.result();
    expect(result.status).toBe('closed');
    // Shopify has no acknowledgement: the workflow does not spend a slot of the orders queue asking for one.
    const history = await handle.fetchHistory();
    const scheduled = (history.events ?? []).flatMap((e) => (e.activityTaskScheduledEventAttributes?.activityType?.name ? [e.activityTaskScheduledEventAttributes.activityType.name] : []));
    expect(scheduled).toContain('confirmChannelShipment');
    expect(scheduled).not.toContain('acknowledgeChannelOrder');
    await recordHistory('lifecycle-ship-and-close', handle.workflowId);
  });

  it('turns a partial refund of one line into an Odoo credit note for that line', async () => {
    const o = place([
      { sku: 'MUG-WHITE', quantity: 2, price: '12.50' },
      { sku: 'CAP-BLACK', quantity: 1, price: '15.00' },
    ]);
    await until(o.externalId, (s) => s.status === 'confirmed');
    stack.shopify.admin.refund(o.id, { lines: [{ lineItemId: o.lineItemIds[0]!, quantity: 1 }] });
    const refunded = await until(o.externalId, (s) => s.refunds.length === 1);
    expect(refunded.status).toBe('confirmed');
    expect(refunded.refundedTotal?.amount).toBe('12.50');
    const notes = (await stack.odoo.admin.records('account.move')).filter((m) => m.move_type === 'out_refund' && String(m.ref).startsWith(odooClientOrderRef(keyOf(o.externalId))));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ amount_total: 12.5, state: 'posted' });
    await recordHistory('lifecycle-partial-refund', orderWorkflowId(keyOf(o.externalId)));
  });

  it('cancels in Odoo when the channel cancels before shipment', async () => {
    const o = place([{ sku: 'SOCKS-3PK', quantity: 1, price: '9.90' }]);
    await until(o.externalId, (s) => s.status === 'confirmed');
    stack.shopify.admin.cancelOrder(o.id, { reason: 'customer', refund: false });
    await until(o.externalId, (s) => s.status === 'cancelled');
    expect(await stack.odoo.admin.saleOrders({ clientOrderRef: odooClientOrderRef(keyOf(o.externalId)) })).toMatchObject([{ state: 'cancel' }]);
  });

  it('raises an alert instead of cancelling when the channel cancels after shipment', async () => {
    const o = place([{ sku: 'CAP-BLACK', quantity: 1, price: '15.00' }]);
    const confirmed = await until(o.externalId, (s) => s.status === 'confirmed');
    await stack.odoo.admin.validateDelivery({ saleOrderId: confirmed.odoo.saleOrderId!, trackingRef: '1ZTRACK002', carrier: 'UPS' });
    await until(o.externalId, (s) => s.shipments.length > 0);
    stack.shopify.admin.cancelOrder(o.id, { reason: 'customer', refund: false });
    const after = await until(o.externalId, (s) => s.lastError?.type === 'CancelAfterShipment');
    expect(after.status).toBe('shipped');
    expect(await stack.odoo.admin.saleOrders({ clientOrderRef: odooClientOrderRef(keyOf(o.externalId)) })).toMatchObject([{ state: 'sale' }]);
    await recordHistory('lifecycle-cancel-after-ship', orderWorkflowId(keyOf(o.externalId)));
  });

  it('applies edits in the channel time order: a stale webhook never overwrites a newer one', async () => {
    const o = place([{ sku: 'MUG-WHITE', quantity: 3, price: '12.50' }]);
    await until(o.externalId, (s) => s.status === 'confirmed');
    // Both edits' webhooks are lost at first; then the newer arrives before the older (a late retry).
    stack.shopify.admin.setFault({ dropWebhooks: 2 });
    stack.shopify.admin.editQuantities(o.id, { lines: [{ lineItemId: o.lineItemIds[0]!, quantity: 2 }] });
    await new Promise((r) => setTimeout(r, 1100)); // Shopify timestamps have one-second resolution
    stack.shopify.admin.editQuantities(o.id, { lines: [{ lineItemId: o.lineItemIds[0]!, quantity: 1 }] });
    const [older, newer] = stack.shopify.admin.deliveries().filter((d) => d.topic === 'orders/updated' && d.state === 'dropped');
    expect(older && newer).toBeTruthy();
    stack.shopify.admin.redeliver(newer!.webhookId);
    await until(o.externalId, (s) => s.order?.lines[0]?.quantity === 1);
    stack.shopify.admin.redeliver(older!.webhookId);
    await stack.shopify.admin.webhooksIdle();
    const state = await until(o.externalId, (s) => s.staleDropped === 1);
    expect(state.order?.lines[0]?.quantity).toBe(1);
    expect(state.status).toBe('confirmed');
    const [so] = await stack.odoo.admin.saleOrders({ clientOrderRef: odooClientOrderRef(keyOf(o.externalId)) });
    expect(so?.lines.filter((l) => l.sku === 'MUG-WHITE').map((l) => l.quantity)).toEqual([1]);
    await recordHistory('lifecycle-stale-webhook', orderWorkflowId(keyOf(o.externalId)));
  });

  it('mirrors a cancellation decided in Odoo on the channel', async () => {
    const o = place([{ sku: 'TSHIRT-RED-M', quantity: 1, price: '19.99' }]);
    const confirmed = await until(o.externalId, (s) => s.status === 'confirmed');
    const odoo = createOdooOrderOperations(
      createOdooClient({ url: stack.odoo.url, database: stack.odoo.database, login: stack.odoo.login, secret: stack.odoo.apiKey, version: 'auto' }),
    );
    await odoo.cancelSaleOrder({ saleOrderId: confirmed.odoo.saleOrderId! });
    const cancelled = await until(o.externalId, (s) => s.status === 'cancelled');
    expect(cancelled.odoo.saleOrderState).toBe('cancel');
    expect(stack.shopify.admin.order(o.id)).toMatchObject({ cancel_reason: expect.any(String) });
    expect((stack.shopify.admin.order(o.id) as { cancelled_at: unknown }).cancelled_at).not.toBeNull();
  });

  it('cancels a pending order that is never paid, without touching Odoo', async () => {
    const o = place([{ sku: 'TSHIRT-RED-M', quantity: 1, price: '19.99' }], 'pending');
    // Three seconds of pending_payment; a slow first query may only see the cancellation that ends it.
    await until(o.externalId, (s) => s.status === 'pending_payment' || s.status === 'cancelled');
    const handle = client.workflow.getHandle(orderWorkflowId(keyOf(o.externalId)));
    const result = await handle.result();
    expect(result.status).toBe('cancelled');
    expect(result.lastError?.type).toBe('PaymentTimeout');
    expect(await stack.odoo.admin.saleOrders({ clientOrderRef: odooClientOrderRef(keyOf(o.externalId)) })).toHaveLength(0);
    await recordHistory('lifecycle-pending-expired', handle.workflowId);
  });
});

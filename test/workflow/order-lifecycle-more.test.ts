import { type Client } from '@temporalio/client';
import { odooClientOrderRef, orderWorkflowId } from '../../domain';
import { type Stack } from '../../scripts/lib/stack';
import { orderStateQuery } from '../../workflows/messages';
import { recordHistory } from '../support/histories';
import { eventually, uniqueTaskQueue } from '../support/temporal';
import { shopifyOrders, startTestStack } from '../support/stack';

// More of the order's life on a real server, through the Shopify and Odoo simulators: an event for an order
// whose run has closed, and a delivery Odoo validates in two packages (a backorder for the rest).
describe('order lifecycle, more', () => {
  let stack: Stack;
  let client: Client;
  let closeAll: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    ({ stack, client, close: closeAll } = await startTestStack({
      channels: ['shopify'],
      logLevel: 'silent',
      account: `lifecycle-more-${process.pid}`,
      ordersTaskQueue: uniqueTaskQueue('lifecycle-more-orders'),
      orderPolicy: {
        pendingPaymentTimeout: '1h',
        // Short, so that a run closes within the test; long enough to see the shipped state first.
        returnWindow: '3s',
        deliveryPollInterval: '500ms',
        stuckAfter: '1h',
        routing: { defaultWarehouse: 'WH', byCountry: { US: ['WH'] }, preferInStock: true },
      },
    }));
  });
  afterAll(async () => {
    await closeAll?.();
  });

  const { keyOf, handleOf, until, place } = shopifyOrders(() => ({ stack, client }), '8 Langley Blvd');

  const byLine = (a: { lineId: string }, b: { lineId: string }) => a.lineId.localeCompare(b.lineId);
  const sortLines = (lines: { lineId: string; quantity: number }[]) => [...lines].sort(byLine);

  /** Activity types a run scheduled, in order. */
  async function scheduled(workflowId: string, runId: string): Promise<string[]> {
    const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    return (history.events ?? []).flatMap((e) => (e.activityTaskScheduledEventAttributes?.activityType?.name ? [e.activityTaskScheduledEventAttributes.activityType.name] : []));
  }

  // The new run resumes from Odoo's binding: it reads the order from the channel for the refund's lines, credits
  // it on the same sale order, and records the deliveries the earlier run pushed without pushing them again.
  it('a refund for a closed order starts a new run that finds the sale order by its binding and credits it', async () => {
    const o = place([{ sku: 'MUG-WHITE', quantity: 2, price: '12.50' }]);
    const key = keyOf(o.externalId);
    const workflowId = orderWorkflowId(key);
    const confirmed = await until(o.externalId, (s) => s.status === 'confirmed');
    const saleOrderId = confirmed.odoo.saleOrderId!;
    await stack.odoo.admin.validateDelivery({ saleOrderId, trackingRef: '1ZCLOSED001', carrier: 'UPS' });
    const first = await handleOf(o.externalId).describe();
    const closed = await client.workflow.getHandle(workflowId, first.runId).result();
    expect(closed).toMatchObject({ status: 'closed', shipments: [{ trackingNumber: '1ZCLOSED001' }] });

    // The channel refunds one mug after the run has closed: its webhooks start a new run of the same id.
    stack.shopify.admin.refund(o.id, { lines: [{ lineItemId: o.lineItemIds[0]!, quantity: 1, restock: false }] });
    const again = await eventually(
      'a new run',
      () => handleOf(o.externalId).describe(),
      (d) => d.runId !== first.runId,
    );
    const credited = await eventually(
      'the refund credited',
      () => handleOf(o.externalId).query(orderStateQuery),
      (s) => s.refunds.length === 1 && s.refunds[0]!.creditNoteId !== undefined,
      20_000,
    );
    expect(credited.odoo.saleOrderId).toBe(saleOrderId);
    expect(credited.refundedTotal).toEqual({ amount: '12.50', currency: 'USD' });

    // One sale order for the order, the credit note on it, and still one package on the channel.
    expect(await stack.odoo.admin.saleOrders({ clientOrderRef: odooClientOrderRef(key) })).toMatchObject([{ id: saleOrderId }]);
    const notes = (await stack.odoo.admin.records('account.move')).filter((m) => m.move_type === 'out_refund' && String(m.ref).startsWith(odooClientOrderRef(key)));
    expect(notes).toMatchObject([{ id: credited.refunds[0]!.creditNoteId, amount_total: 12.5, state: 'posted', invoice_origin: closed.odoo.saleOrderName }]);
    expect(stack.shopify.admin.fulfillments(o.id)).toMatchObject([{ trackingNumber: '1ZCLOSED001' }]);

    // The new run closes again after its return window, and never asked the channel to ship anything.
    const second = await client.workflow.getHandle(workflowId, again.runId).result();
    expect(second.status).toBe('closed');
    const calls = await scheduled(workflowId, again.runId);
    expect(calls).not.toContain('confirmChannelShipment');
    expect(stack.shopify.admin.fulfillments(o.id)).toHaveLength(1);
    await recordHistory('lifecycle-event-after-close', workflowId);
  });

  it('a late copy of the order\'s webhook after close starts a new run on the same sale order that ships nothing twice', async () => {
    const o = place([{ sku: 'CAP-BLACK', quantity: 1, price: '15.00' }]);
    const key = keyOf(o.externalId);
    const workflowId = orderWorkflowId(key);
    const confirmed = await until(o.externalId, (s) => s.status === 'confirmed');
    await stack.odoo.admin.validateDelivery({ saleOrderId: confirmed.odoo.saleOrderId!, trackingRef: '1ZCLOSED002', carrier: 'UPS' });
    const first = await handleOf(o.externalId).describe();
    expect(await client.workflow.getHandle(workflowId, first.runId).result()).toMatchObject({ status: 'closed' });

    // Shopify retries an old orders/create delivery: the new run's dedupe set is empty, so it is applied.
    stack.shopify.admin.redeliver(o.webhook!.webhookId);
    const again = await eventually('a new run', () => handleOf(o.externalId).describe(), (d) => d.runId !== first.runId);
    const second = await client.workflow.getHandle(workflowId, again.runId).result();
    expect(second.odoo.saleOrderId).toBe(confirmed.odoo.saleOrderId);
    expect(second.status).toBe('closed');
    expect(await stack.odoo.admin.saleOrders({ clientOrderRef: odooClientOrderRef(key) })).toHaveLength(1);
    expect(stack.shopify.admin.fulfillments(o.id)).toHaveLength(1);
    // The run resumes from the binding: nothing imported, confirmed or shipped again.
    const calls = await scheduled(workflowId, again.runId);
    expect(calls).not.toContain('ensureSaleOrder');
    expect(calls).not.toContain('confirmSaleOrder');
    expect(calls).not.toContain('confirmChannelShipment');
    expect(second.shipments).toMatchObject([{ trackingNumber: '1ZCLOSED002' }]);
    await recordHistory('lifecycle-snapshot-after-close', workflowId);
  });

  it('ships in two packages: partially shipped with the first on the channel, then shipped with the second', async () => {
    const o = place([
      { sku: 'MUG-WHITE', quantity: 2, price: '12.50' },
      { sku: 'CAP-BLACK', quantity: 1, price: '15.00' },
    ]);
    const [mug, cap] = o.lineItemIds as [number, number];
    const confirmed = await until(o.externalId, (s) => s.status === 'confirmed');
    const saleOrderId = confirmed.odoo.saleOrderId!;
    // The warehouse sends one mug and the cap first; Odoo keeps the other mug in a backorder.
    const first = await stack.odoo.admin.validateDelivery({ saleOrderId, trackingRef: '1ZPACKAGE01', carrier: 'UPS', lines: [{ sku: 'MUG-WHITE', quantity: 1 }, { sku: 'CAP-BLACK', quantity: 1 }] });
    expect(first).toMatchObject({ state: 'done', backorder: { state: 'assigned' } });
    const partial = await until(o.externalId, (s) => s.shipments.length === 1);
    expect(partial.status).toBe('partially_shipped');
    expect(partial.shipments).toMatchObject([{ pickingId: first.pickingId, trackingNumber: '1ZPACKAGE01', carrier: 'UPS' }]);
    expect(sortLines(partial.shipments[0]!.lines)).toEqual([{ lineId: String(mug), quantity: 1 }, { lineId: String(cap), quantity: 1 }].sort(byLine));
    const onChannel = stack.shopify.admin.fulfillments(o.id);
    expect(onChannel).toMatchObject([{ trackingNumber: '1ZPACKAGE01', trackingCompany: 'UPS' }]);
    expect([...onChannel[0]!.lines].sort((a, b) => a.lineItemId - b.lineItemId)).toEqual([{ lineItemId: mug, quantity: 1 }, { lineItemId: cap, quantity: 1 }].sort((a, b) => a.lineItemId - b.lineItemId));
    // A partial shipment does not start the return window: the run keeps polling for the rest.
    await new Promise((r) => setTimeout(r, 4000));
    expect((await handleOf(o.externalId).query(orderStateQuery)).status).toBe('partially_shipped');

    const second = await stack.odoo.admin.validateDelivery({ saleOrderId, trackingRef: '1ZPACKAGE02', carrier: 'UPS' });
    expect(second.pickingId).toBe(first.backorder!.pickingId);
    const shipped = await until(o.externalId, (s) => s.shipments.length === 2);
    expect(shipped.status).toBe('shipped');
    expect(shipped.shipments[1]).toMatchObject({ pickingId: second.pickingId, trackingNumber: '1ZPACKAGE02', carrier: 'UPS', lines: [{ lineId: String(mug), quantity: 1 }] });
    expect(stack.shopify.admin.fulfillments(o.id)).toMatchObject([
      { trackingNumber: '1ZPACKAGE01' },
      { trackingNumber: '1ZPACKAGE02', trackingCompany: 'UPS', lines: [{ lineItemId: mug, quantity: 1 }] },
    ]);
    expect(await stack.odoo.admin.saleOrders({ clientOrderRef: odooClientOrderRef(keyOf(o.externalId)) })).toMatchObject([
      { id: saleOrderId, lines: expect.arrayContaining([expect.objectContaining({ sku: 'MUG-WHITE', qtyDelivered: 2 }), expect.objectContaining({ sku: 'CAP-BLACK', qtyDelivered: 1 })]) },
    ]);
    const result = await handleOf(o.externalId).result();
    expect(result.status).toBe('closed');
    await recordHistory('lifecycle-partial-shipments', orderWorkflowId(keyOf(o.externalId)));
  });
});

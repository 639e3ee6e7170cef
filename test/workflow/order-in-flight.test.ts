import { type Client } from '@temporalio/client';
import { orderWorkflowId } from '../../domain';
import { type Stack } from '../../scripts/lib/stack';
import { channelEventSignal, type OrderState } from '../../workflows/messages';
import { recordHistory } from '../support/histories';
import { eventually, uniqueTaskQueue } from '../support/temporal';
import { shopifyOrders, startTestStack } from '../support/stack';

// What a snapshot or a refund shows while the order is in flight, on a real server through the Shopify and
// Odoo simulators. The return window is long so shipped orders stay open while the tests look at them.
describe('order snapshots and refunds in flight', () => {
  let stack: Stack;
  let client: Client;
  let closeAll: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    ({ stack, client, close: closeAll } = await startTestStack({
      channels: ['shopify'],
      logLevel: 'silent',
      account: `in-flight-${process.pid}`,
      ordersTaskQueue: uniqueTaskQueue('in-flight-orders'),
      orderPolicy: { pendingPaymentTimeout: '1h', returnWindow: '1h', deliveryPollInterval: '500ms', stuckAfter: '1h' },
    }));
  });
  afterAll(async () => {
    await closeAll?.();
  });

  const { keyOf, stateOf, until, place } = shopifyOrders(() => ({ stack, client }), '1 Langley Blvd');

  /** The activities the order's workflow scheduled, from its own history. */
  async function activitiesOf(externalId: string): Promise<string[]> {
    const history = await client.workflow.getHandle(orderWorkflowId(keyOf(externalId))).fetchHistory();
    return (history.events ?? []).flatMap((e) => {
      const name = e.activityTaskScheduledEventAttributes?.activityType?.name;
      return name ? [name] : [];
    });
  }

  /** A poll snapshot of the order as Amazon lists it without a restricted data token: no buyer address. */
  async function sendSnapshotWithoutAddress(state: OrderState, eventId: string): Promise<OrderState> {
    const { shippingAddress: _undisclosed, ...order } = state.order!;
    const updatedAt = new Date(Date.parse(order.updatedAt) + 60_000).toISOString();
    await client.workflow.getHandle(orderWorkflowId(state.key)).signal(channelEventSignal, {
      type: 'order.updated', eventId, ...state.key, occurredAt: updatedAt, source: 'poll', order: { ...order, updatedAt },
    });
    const after = await until(state.order!.externalId, (s) => s.eventsSeen.includes(eventId));
    // Room for anything the snapshot would have started (an edit in Odoo, an alert).
    await new Promise((r) => setTimeout(r, 1000));
    return after;
  }

  const ODOO_WRITES = /^(create|write|unlink|action_|button_)/;
  /** Activities scheduled since `before`, but for the delivery poll's reads. */
  const editsSince = (now: string[], before: string[]) => now.slice(before.length).filter((a) => a !== 'readSaleOrder' && a !== 'readDeliveries');

  it('reads a snapshot without the buyer address as not disclosed, not as an edit: shipped stays shipped, Odoo untouched', async () => {
    const o = place([{ sku: 'TSHIRT-BLUE-L', quantity: 1, price: '19.99' }]);
    const confirmed = await until(o.externalId, (s) => s.status === 'confirmed');
    await stack.odoo.admin.validateDelivery({ saleOrderId: confirmed.odoo.saleOrderId!, trackingRef: '1ZNOADDR01', carrier: 'UPS' });
    const shipped = await until(o.externalId, (s) => s.status === 'shipped');
    expect(shipped.order?.shippingAddress).toBeDefined();
    const activitiesBefore = await activitiesOf(o.externalId);
    const callsBefore = (await stack.odoo.admin.calls()).length;

    await sendSnapshotWithoutAddress(shipped, 'test/poll-without-address/shipped');
    const state = await stateOf(o.externalId);
    expect(state.status).toBe('shipped');
    expect(state.lastError).toBeUndefined();
    expect(state.order?.shippingAddress).toEqual(shipped.order?.shippingAddress);
    expect(editsSince(await activitiesOf(o.externalId), activitiesBefore)).toEqual([]);
    expect((await stack.odoo.admin.calls()).slice(callsBefore).filter((c) => ODOO_WRITES.test(c.method))).toEqual([]);
    await recordHistory('in-flight-snapshot-without-address', orderWorkflowId(keyOf(o.externalId)));
  });

  it('before shipment, a snapshot without the buyer address changes nothing in Odoo', async () => {
    const o = place([{ sku: 'TSHIRT-RED-M', quantity: 2, price: '19.99' }]);
    const confirmed = await until(o.externalId, (s) => s.status === 'confirmed');
    const activitiesBefore = await activitiesOf(o.externalId);

    await sendSnapshotWithoutAddress(confirmed, 'test/poll-without-address/confirmed');
    const state = await stateOf(o.externalId);
    expect(editsSince(await activitiesOf(o.externalId), activitiesBefore)).toEqual([]);
    expect(state.status).toBe('confirmed');
    expect(state.order?.shippingAddress).toEqual(confirmed.order?.shippingAddress);
  });

  it('shows the refunded total and status with the credit note, while the returned goods are still being settled', async () => {
    const o = place([{ sku: 'CAP-BLACK', quantity: 1, price: '15.00' }]);
    const confirmed = await until(o.externalId, (s) => s.status === 'confirmed');
    await stack.odoo.admin.validateDelivery({ saleOrderId: confirmed.odoo.saleOrderId!, trackingRef: '1ZRETURN77', carrier: 'UPS' });
    await until(o.externalId, (s) => s.status === 'shipped');
    // A slow Odoo stretches the returns step (a return of the delivery, several calls) so queries land inside it.
    await stack.odoo.admin.setFaults({ latencyMs: 500 });
    const seen: OrderState[] = [];
    try {
      stack.shopify.admin.refund(o.id, { lines: [{ lineItemId: o.lineItemIds[0]!, quantity: 1, restock: true }] });
      await eventually('returned goods', async () => {
        const s = await stateOf(o.externalId);
        seen.push(s);
        return s;
      }, (s) => s.refunds[0]?.returned !== undefined);
    } finally {
      await stack.odoo.admin.clearFaults();
    }
    const booked = seen.filter((s) => s.refunds[0]?.creditNoteId !== undefined);
    // The test saw the order between the credit note and the settled return.
    expect(booked.some((s) => s.refunds[0]!.returned === undefined)).toBe(true);
    for (const s of booked) {
      expect(s.refundedTotal).toEqual({ amount: '15.00', currency: 'USD' });
      expect(s.status).toBe('refunded');
    }
    expect(seen.at(-1)!.refunds[0]!.returned).toEqual([{ lineId: String(o.lineItemIds[0]), sku: 'CAP-BLACK', quantity: 1 }]);
    await recordHistory('in-flight-refund-with-return', orderWorkflowId(keyOf(o.externalId)));
  });
});

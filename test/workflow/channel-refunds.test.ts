import { type Client } from '@temporalio/client';
import { type Channel, odooClientOrderRef, orderWorkflowId, type OrderKey } from '../../domain';
import { type Stack } from '../../scripts/lib/stack';
import { channelEventSignal, orderStateQuery, type OrderState } from '../../workflows/messages';
import { eventually, uniqueTaskQueue } from '../support/temporal';
import { startTestStack } from '../support/stack';
import { recordHistory } from '../support/histories';

// Channels that report refunds only with the order (no refund event): a partial refund made on the channel after
// shipment reaches the order workflow through the paths the channel already uses (pushes, pollers) and becomes
// exactly one posted credit note in Odoo for that line and amount, however often the same order is read again.
const CHANNELS: Channel[] = ['ebay', 'walmart', 'amazon', 'daraz', 'noon'];

describe('refunds read with the order become one credit note each', () => {
  let stack: Stack;
  let client: Client;
  let closeAll: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    ({ stack, client, close: closeAll } = await startTestStack({
      channels: CHANNELS,
      logLevel: process.env.STACK_LOG_LEVEL ?? 'silent',
      account: `refunds-${process.pid}`,
      ordersTaskQueue: uniqueTaskQueue('refund-orders'),
      schedules: true,
      // A long return window: the order stays open while its refund is read and read again.
      orderPolicy: { pendingPaymentTimeout: '1m', returnWindow: '10m', deliveryPollInterval: '500ms', stuckAfter: '1h' },
    }));
  });
  afterAll(async () => {
    await closeAll?.();
  });

  const keyOf = (channel: Channel, externalId: string): OrderKey => ({ channel, account: stack.shopifyAccount, externalId });

  /** Waits for the order's state, running the channel's poller meanwhile where the change only shows to it. */
  function until(channel: Channel, externalId: string, ok: (s: OrderState) => boolean, poll: boolean): Promise<OrderState> {
    const handle = client.workflow.getHandle(orderWorkflowId(keyOf(channel, externalId)));
    let nextPoll = 0;
    const read = async () => {
      if (poll && Date.now() >= nextPoll) {
        nextPoll = Date.now() + 3000;
        await stack.channels[channel]!.poll();
      }
      return handle.query(orderStateQuery);
    };
    return eventually(`${channel} order ${externalId}`, read, ok, 60_000);
  }

  async function creditNotes(key: OrderKey) {
    const moves = await stack.odoo.admin.records('account.move');
    return moves.filter((m) => m.move_type === 'out_refund' && String(m.ref).startsWith(odooClientOrderRef(key)));
  }

  it.each(CHANNELS)('%s: a partial refund of one line after shipment is one posted credit note, read twice or not', async (channel) => {
    const { driver } = stack.channels[channel]!;
    const placed = await driver.placeOrder([
      { sku: 'MUG-WHITE', quantity: 2 },
      { sku: 'CAP-BLACK', quantity: 1 },
    ]);
    const key = keyOf(channel, placed.externalId);
    const intakeByPoll = driver.intake !== 'webhook';
    const confirmed = await until(channel, placed.externalId, (s) => s.status === 'confirmed', intakeByPoll);
    const tracking = `1ZREF${placed.externalId.replace(/\D/g, '').slice(-8)}`;
    await stack.odoo.admin.validateDelivery({ saleOrderId: confirmed.odoo.saleOrderId!, trackingRef: tracking, carrier: 'UPS' });
    await until(channel, placed.externalId, (s) => s.status === 'shipped', false);
    expect(await creditNotes(key)).toHaveLength(0);

    await driver.refund!(placed, { lineIndex: 0, quantity: 1 });
    const refunded = await until(channel, placed.externalId, (s) => s.refunds.some((r) => r.creditNoteId !== undefined) && s.refundedTotal !== undefined, driver.refundsBy === 'poll');
    const price = driver.price('MUG-WHITE');
    expect(refunded.refunds).toHaveLength(1);
    expect(refunded.refundedTotal).toEqual({ amount: price, currency: driver.currency });
    // A partial refund leaves the order shipped; the figure is kept.
    expect(refunded.status).toBe('shipped');

    // The same order, with the same refund, arrives twice more under new event ids (a re-read, a late push):
    // refund ids dedupe, so nothing more is booked.
    const order = refunded.order!;
    expect(order.refunds).toHaveLength(1);
    const handle = client.workflow.getHandle(orderWorkflowId(key));
    for (const n of [1, 2]) {
      await handle.signal(channelEventSignal, {
        type: 'order.updated', eventId: `test/replayed-snapshot/${n}`, channel, account: key.account, externalId: key.externalId,
        occurredAt: order.updatedAt, source: 'poll', order,
      });
    }
    if (driver.intake !== 'webhook' || driver.refundsBy === 'poll') await stack.channels[channel]!.poll();
    const settled = await until(channel, placed.externalId, (s) => s.eventsSeen.includes('test/replayed-snapshot/2'), false);
    expect(settled.refunds).toHaveLength(1);
    expect(settled.odoo.saleOrderState).toBe('sale');

    const notes = await creditNotes(key);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ id: refunded.refunds[0]!.creditNoteId, state: 'posted', amount_total: Number(price) });
    const lines = (await stack.odoo.admin.records('account.move.line')).filter((l) => Array.isArray(l.move_id) && l.move_id[0] === notes[0]!.id);
    expect(lines.map((l) => ({ name: l.name, quantity: l.quantity, priceUnit: l.price_unit }))).toEqual([{ name: 'MUG-WHITE', quantity: 1, priceUnit: Number(price) }]);
    await recordHistory(`snapshot-refund-${channel}`, orderWorkflowId(key));
  });
});

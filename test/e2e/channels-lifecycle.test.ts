import { type Client } from '@temporalio/client';
import { type Channel, odooClientOrderRef, orderWorkflowId, type OrderKey } from '../../domain';
import { ALL_CHANNELS, type PlacedOrder, type Stack } from '../../scripts/lib/stack';
import { orderStateQuery, type OrderState } from '../../workflows/messages';
import { eventually, uniqueTaskQueue } from '../support/temporal';
import { startTestStack } from '../support/stack';

// Every channel through the same stack: one order per channel from its first event to `closed`, through
// the channel's simulator (webhook, queue or poll), the gateway, Temporal and the Odoo simulator.
describe('every channel: order lifecycle from first event to closed', () => {
  let stack: Stack;
  let client: Client;
  let closeAll: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    ({ stack, client, close: closeAll } = await startTestStack({
      logLevel: process.env.STACK_LOG_LEVEL ?? 'silent',
      account: `channels-${process.pid}`,
      ordersTaskQueue: uniqueTaskQueue('channels-orders'),
      schedules: true,
      orderPolicy: { pendingPaymentTimeout: '1m', returnWindow: '20s', deliveryPollInterval: '500ms', stuckAfter: '1h' },
    }));
  });
  afterAll(async () => {
    await closeAll?.();
  });

  const keyOf = (channel: Channel, externalId: string): OrderKey => ({ channel, account: stack.shopifyAccount, externalId });

  /**
   * Waits for the order's workflow state; for poll and queue channels, runs the poller until the order is in, and
   * with `poll` all along (changes only the poller reads, such as refunds on some channels).
   */
  function until(channel: Channel, externalId: string, ok: (s: OrderState) => boolean, poll = false): Promise<OrderState> {
    const handle = client.workflow.getHandle(orderWorkflowId(keyOf(channel, externalId)));
    const { driver } = stack.channels[channel]!;
    let nextPoll = 0;
    const runPoller = async () => {
      if (Date.now() < nextPoll) return;
      nextPoll = Date.now() + 3000;
      await stack.channels[channel]!.poll();
    };
    const read = async () => {
      try {
        const state = await handle.query(orderStateQuery);
        if (poll && !ok(state)) await runPoller();
        return state;
      } catch (err) {
        if (driver.intake !== 'webhook') await runPoller();
        throw err;
      }
    };
    return eventually(`${channel} order ${externalId}`, read, ok, 45_000);
  }

  async function creditNotes(key: OrderKey) {
    const moves = await stack.odoo.admin.records('account.move');
    return moves.filter((m) => m.move_type === 'out_refund' && String(m.ref).startsWith(odooClientOrderRef(key)));
  }

  it.each([...ALL_CHANNELS])('%s: placed → one Odoo sale order → delivery with tracking → shown on the channel → refund (where supported) → closed', async (channel) => {
    const { driver } = stack.channels[channel]!;
    const placed: PlacedOrder = await driver.placeOrder([
      { sku: 'MUG-WHITE', quantity: 2 },
      { sku: 'CAP-BLACK', quantity: 1 },
    ]);
    const key = keyOf(channel, placed.externalId);

    const confirmed = await until(channel, placed.externalId, (s) => s.status === 'confirmed');
    const [so, ...others] = await stack.odoo.admin.saleOrders({ clientOrderRef: odooClientOrderRef(key) });
    expect(others).toHaveLength(0);
    expect(so).toMatchObject({ id: confirmed.odoo.saleOrderId, state: 'sale' });
    // Amounts arrive in the channel's currency and the order is booked in it (PKR and AED through the seed's pricelists).
    const soRecord = (await stack.odoo.admin.records('sale.order')).find((o) => o.id === so!.id);
    expect(soRecord?.currency_id).toEqual([expect.any(Number), driver.currency]);
    const lines = so!.lines.filter((l) => l.sku !== 'SHIPPING').map((l) => ({ sku: l.sku, quantity: l.quantity, priceUnit: l.priceUnit }));
    expect(lines.sort((a, b) => String(a.sku).localeCompare(String(b.sku)))).toEqual([
      { sku: 'CAP-BLACK', quantity: 1, priceUnit: Number(driver.price('CAP-BLACK')) },
      { sku: 'MUG-WHITE', quantity: 2, priceUnit: Number(driver.price('MUG-WHITE')) },
    ]);

    // Carriers' tracking numbers are alphanumeric (eBay rejects anything else).
    const tracking = `1Z${channel.slice(0, 3).toUpperCase()}${placed.externalId.replace(/\D/g, '').slice(-8)}`;
    await stack.odoo.admin.validateDelivery({ saleOrderId: so!.id, trackingRef: tracking, carrier: 'UPS' });
    const shipped = await until(channel, placed.externalId, (s) => s.status === 'shipped');
    expect(shipped.shipments).toMatchObject([{ trackingNumber: tracking }]);
    const onChannel = await driver.shipments(placed.externalId);
    expect(onChannel).toHaveLength(1);
    if (channel === 'daraz') {
      // Daraz allocates the package and its own tracking number; ours is not sent.
      expect(onChannel[0]!.trackingNumber).toMatch(/\S/);
      expect(onChannel[0]!.trackingNumber).not.toBe(tracking);
    } else {
      expect(onChannel[0]!.trackingNumber).toBe(tracking);
    }

    if (driver.refund) {
      await driver.refund(placed, { lineIndex: 0, quantity: 1 });
      const refunded = await until(channel, placed.externalId, (s) => s.refunds.length === 1 && s.refunds[0]!.creditNoteId !== undefined && s.refundedTotal !== undefined, driver.refundsBy === 'poll');
      expect(refunded.refundedTotal?.amount).toBe(driver.price('MUG-WHITE'));
      const notes = await creditNotes(key);
      expect(notes).toHaveLength(1);
      expect(notes[0]).toMatchObject({ amount_total: Number(driver.price('MUG-WHITE')), state: 'posted', currency_id: [expect.any(Number), driver.currency] });
    } else {
      // No refund events from this channel's adapter: nothing may appear in Odoo on its own.
      expect(await creditNotes(key)).toHaveLength(0);
    }

    // The return window (8 s here) runs from the shipment; then the workflow completes as closed.
    await until(channel, placed.externalId, (s) => s.status === 'closed');
    const result = await client.workflow.getHandle(orderWorkflowId(key)).result();
    expect(result.status).toBe('closed');
    expect(await stack.odoo.admin.saleOrders({ clientOrderRef: odooClientOrderRef(key) })).toHaveLength(1);
  });
});

import fixture from '../fixtures/daraz/order-items.json';
import { DarazItem, DarazOrder, ReverseOrder } from '../../activities/marketplaces/daraz/schemas';
import {
  deliveredAtOf,
  foldUnitItems,
  formatVentureTime,
  orderStatusOf,
  parseDarazTime,
  toCanonicalOrder,
} from '../../activities/marketplaces/daraz/mapping';
import { parseDarazPush } from '../../activities/marketplaces/daraz/webhook';
import { CanonicalOrder, ChannelEvent } from '../../domain';

const items = fixture.items.map((i) => DarazItem.parse(i));
const order = DarazOrder.parse(fixture.order);

describe('Daraz unit items fold into order lines', () => {
  it('counts the units of each SKU that are not cancelled, in first-seen order', () => {
    const lines = foldUnitItems(items, 'PKR');
    expect(lines.map((l) => [l.lineId, l.sku, l.quantity])).toEqual([
      ['TEA-1', 'TEA-1', 2],
      ['MUG-2', 'MUG-2', 1],
    ]);
  });

  it('keeps the list price per unit and puts voucher money in the line discount', () => {
    const [tea, mug] = foldUnitItems(items, 'PKR');
    expect(tea!.unitPrice).toEqual({ amount: '1000.00', currency: 'PKR' });
    expect(tea!.discount).toEqual({ amount: '200.00', currency: 'PKR' });
    expect(mug!.discount).toBeUndefined();
  });

  it('maps a whole order to a valid canonical order with exact totals', () => {
    const canonical = toCanonicalOrder({ account: 'pk-main', country: 'PK', order, items });
    expect(CanonicalOrder.safeParse(canonical).success).toBe(true);
    expect(canonical).toMatchObject({
      externalId: '491253082180001',
      status: 'paid',
      currency: 'PKR',
      total: { amount: '2250.00', currency: 'PKR' },
      shippingTotal: { amount: '150.00', currency: 'PKR' },
      createdAt: '2026-03-01T05:15:00.000Z',
      updatedAt: '2026-03-01T07:00:30.000Z',
      customer: { name: 'Ayesha Khan' },
    });
    expect(canonical.shippingAddress).toMatchObject({ street1: 'House 12', city: 'Lahore', region: 'Punjab', countryCode: 'PK' });
  });
});

describe('Daraz refunds from reverse orders', () => {
  const delivered = items.map((i) => ({ ...i, status: i.status === 'canceled' ? i.status : 'delivered' }));
  const line = (id: string, itemId: string, status: string, cents: number) => ({
    reverse_order_line_id: id, trade_order_line_id: itemId, reverse_status: status, is_need_refund: 'true', refund_amount: cents,
    seller_sku_id: 'ignored-when-the-item-is-known', reason_text: 'Damaged', return_order_line_gmt_modified: 1772348400,
  });
  const reverse = (id: string, requestType: string, lines: unknown[]) => ReverseOrder.parse({ reverse_order_id: id, trade_order_id: order.order_id, request_type: requestType, reverse_order_lines: lines });

  it('makes each refunded reverse line one refund of its unit, keyed by reverse order and line; others wait', () => {
    const reverseOrders = [
      reverse('600001', 'RETURN', [line('800001', '700001', 'REFUND_SUCCESS', 90_000), line('800002', '700002', 'REQUEST_INITIATE', 90_000)]),
      reverse('600002', 'ONLY_REFUND', [line('800003', '700004', 'REFUND_SUCCESS', 10_000)]),
      reverse('600003', 'CANCEL', [line('800004', '700003', 'REFUND_SUCCESS', 100_000)]),
    ];
    const canonical = toCanonicalOrder({ account: 'pk-main', country: 'PK', order, items: delivered, reverseOrders });
    expect(CanonicalOrder.safeParse(canonical).success).toBe(true);
    expect(canonical.refunds).toEqual([
      {
        refundId: '600001/800001',
        occurredAt: '2026-03-01T07:00:00.000Z',
        lines: [{ lineId: 'TEA-1', quantity: 1, amount: { amount: '900.00', currency: 'PKR' }, restock: true }],
        total: { amount: '900.00', currency: 'PKR' },
        note: 'Damaged',
      },
      {
        // Less than the unit's paid price and no return: money only.
        refundId: '600002/800003',
        occurredAt: '2026-03-01T07:00:00.000Z',
        lines: [{ lineId: 'MUG-2', quantity: 0, amount: { amount: '100.00', currency: 'PKR' }, restock: false }],
        total: { amount: '100.00', currency: 'PKR' },
        note: 'Damaged',
      },
    ]);
    // The second unit of the return, refunded later, is a refund of its own; the first keeps its id.
    const later = [{ ...reverseOrders[0]!, reverse_order_lines: reverseOrders[0]!.reverse_order_lines.map((l) => ({ ...l, reverse_status: 'REFUND_SUCCESS' })) }];
    const after = toCanonicalOrder({ account: 'pk-main', country: 'PK', order, items: delivered, reverseOrders: later });
    expect(after.refunds?.map((r) => r.refundId)).toEqual(['600001/800001', '600001/800002']);
    expect(toCanonicalOrder({ account: 'pk-main', country: 'PK', order, items }).refunds).toBeUndefined();
  });
});

describe('Daraz delivery from item statuses', () => {
  const at = (status: string, updated_at?: string) => ({ status, ...(updated_at ? { updated_at } : {}) });
  const header = { updated_at: '2026-03-09 10:00:00 +0500' };

  it('is delivered when every unit not cancelled reached the buyer, at the latest delivered unit time (UTC)', () => {
    expect(deliveredAtOf(header, [at('delivered', '2026-03-05T12:00:00+05:00'), at('delivered', '2026-03-06 09:30:00 +0500'), at('canceled')])).toBe('2026-03-06T04:30:00.000Z');
    // FBL `confirmed` counts; a unit returned since was delivered first, and its return time is not the delivery's.
    expect(deliveredAtOf(header, [at('confirmed', '2026-03-05T12:00:00+05:00'), at('returned', '2026-03-08T12:00:00+05:00')])).toBe('2026-03-05T07:00:00.000Z');
    // No unit time: the order's own (never earlier than the delivery).
    expect(deliveredAtOf(header, [at('delivered')])).toBe('2026-03-09T05:00:00.000Z');
  });

  it('is not delivered while a unit is on its way, failed, or nothing was delivered', () => {
    expect(deliveredAtOf(header, [at('delivered', '2026-03-05T12:00:00+05:00'), at('shipped')])).toBeUndefined();
    expect(deliveredAtOf(header, [at('delivered'), at('failed_delivery')])).toBeUndefined();
    expect(deliveredAtOf(header, [at('returned'), at('canceled')])).toBeUndefined();
    expect(deliveredAtOf(header, [at('canceled')])).toBeUndefined();
  });

  it('rides on the canonical order only when delivered', () => {
    expect(toCanonicalOrder({ account: 'pk-main', country: 'PK', order, items })).not.toHaveProperty('deliveredAt');
    const delivered = items.map((i) => ({ ...i, status: i.status === 'canceled' ? i.status : 'delivered', updated_at: '2026-03-04T18:00:00+05:00' }));
    const canonical = toCanonicalOrder({ account: 'pk-main', country: 'PK', order, items: delivered });
    expect(canonical).toMatchObject({ status: 'shipped', deliveredAt: '2026-03-04T13:00:00.000Z' });
    expect(CanonicalOrder.safeParse(canonical).success).toBe(true);
  });
});

describe('Daraz order status from item statuses', () => {
  const of = (...statuses: string[]) => orderStatusOf(statuses.map((status) => ({ status })));
  it.each([
    [['pending', 'canceled'], 'paid'],
    [['canceled', 'canceled'], 'cancelled'],
    [['unpaid'], 'pending_payment'],
    [['ready_to_ship', 'pending'], 'partially_shipped'],
    [['shipped', 'delivered', 'canceled'], 'shipped'],
    [['returned'], 'refunded'],
    [['packed'], 'paid'],
  ])('%j -> %s', (statuses, expected) => {
    expect(of(...statuses)).toBe(expected);
  });
});

describe('Daraz times', () => {
  it('reads both documented shapes and the fractional Nepal offset', () => {
    expect(parseDarazTime('2018-02-09T22:44:30+08:00')).toBe('2018-02-09T14:44:30.000Z');
    expect(parseDarazTime('2014-10-15 19:12:15 +0800')).toBe('2014-10-15T11:12:15.000Z');
    expect(parseDarazTime('2026-01-01 05:45:00 +0545')).toBe('2026-01-01T00:00:00.000Z');
    expect(() => parseDarazTime('15/10/2014')).toThrow();
  });

  it('writes request filters in venture time with an explicit offset', () => {
    expect(formatVentureTime(Date.parse('2026-01-01T00:00:00.900Z'), 330)).toBe('2026-01-01T05:30:00+05:30');
    expect(formatVentureTime(Date.parse('2026-01-01T00:00:00Z'), 345)).toBe('2026-01-01T05:45:00+05:45');
  });
});

describe('Daraz push parsing', () => {
  const push = (body: unknown) => ({ rawBody: Buffer.from(JSON.stringify(body)), headers: {}, account: 'pk-main' });

  it('turns an order status message into a key-only event, seconds or milliseconds alike', () => {
    for (const stamp of [1603698638, 1603698638000]) {
      const parsed = parseDarazPush(push({
        seller_id: '1', message_type: 0, timestamp: stamp, site: 'daraz_pk',
        data: { order_status: 'pending', trade_order_id: '260422900198363', trade_order_line_id: '1', status_update_time: stamp },
      }));
      expect(parsed.ok).toBe(true);
      if (!parsed.ok) return;
      expect(parsed.events).toHaveLength(1);
      const [event] = parsed.events;
      expect(ChannelEvent.safeParse(event).success).toBe(true);
      expect(event).toMatchObject({ externalId: '260422900198363', occurredAt: '2020-10-26T07:50:38.000Z', type: 'order.notified', topic: 'order_status/pending' });
      expect(event).not.toHaveProperty('order');
    }
  });

  it('gives repeated deliveries the same event id and different statuses different ids', () => {
    const body = (status: string) => push({
      message_type: 0, timestamp: 1, data: { order_status: status, trade_order_id: '9', trade_order_line_id: '1', status_update_time: 5 },
    });
    const id = (status: string) => {
      const r = parseDarazPush(body(status));
      return r.ok ? r.events[0]!.eventId : undefined;
    };
    expect(id('packed')).toBe(id('packed'));
    expect(id('packed')).not.toBe(id('ready_to_ship'));
  });

  it('turns a reverse order message (msg_type 10) into a nudge for the trade order, one id per line and status', () => {
    const body = (status: string) =>
      push({ message_type: 10, timestamp: 1603766859, data: { reverse_order_id: 600001, reverse_order_line_id: '800001', reverse_status: status, trade_order_id: '491253082180001', trade_order_line_id: '700001', status_update_time: 1603766800 } });
    const parsed = parseDarazPush(body('REFUND_SUCCESS'));
    expect(parsed.ok && parsed.events).toEqual([
      expect.objectContaining({ type: 'order.notified', topic: 'reverse_status/REFUND_SUCCESS', externalId: '491253082180001', occurredAt: '2020-10-27T02:46:40.000Z' }),
    ]);
    const again = parseDarazPush(body('REFUND_SUCCESS'));
    const other = parseDarazPush(body('REQUEST_INITIATE'));
    expect(again.ok && again.events[0]!.eventId).toBe(parsed.ok && parsed.events[0]!.eventId);
    expect(other.ok && other.events[0]!.eventId).not.toBe(parsed.ok && parsed.events[0]!.eventId);
  });

  it('keeps other message types as unsupported', () => {
    const parsed = parseDarazPush(push({ message_type: 1, timestamp: 1603698638, data: { itemId: 77, status: 'APPROVED' } }));
    expect(parsed.ok && parsed.events[0]).toMatchObject({ type: 'unsupported', topic: 'daraz.message.1', externalId: '77' });
  });

  it('reports a malformed message with zod issues', () => {
    const parsed = parseDarazPush(push({ message_type: 0, timestamp: 1, data: { order_status: 'pending' } }));
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.issues.length).toBeGreaterThan(0);
  });
});

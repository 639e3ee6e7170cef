import { pricingBody } from '../../activities/marketplaces/noon';
import { readSession } from '../../activities/marketplaces/noon/client';
import { foldNoonItems, orderStatusOf, toCanonicalOrder } from '../../activities/marketplaces/noon/mapping';
import { NoonOrder } from '../../activities/marketplaces/noon/schemas';
import { parseNoonDelivery, verifyNoonDelivery } from '../../activities/marketplaces/noon/webhook';
import { CanonicalOrder, ChannelEvent } from '../../domain';

const item = (sku: string, price: number, mp = 'MP_ITEM_STATUS_CONFIRMED', integration = 'INTEGRATION_ITEM_STATUS_UNSPECIFIED') => ({
  mp_item_nr: `${sku}-${Math.random()}`, partner_sku: sku, mp_status: mp, integration_status: integration, delivered_invoice_price: price,
});

describe('noon order mapping', () => {
  const order = NoonOrder.parse({
    fbpi_order_nr: 'NFBO123456789', mp_code: 'noon', mp_order_nr: 'N2001A', currency_code: 'EGP', order_created_at: '2026-04-09T08:42:15Z',
    items: [item('A', 0.1), item('A', 0.1), item('A', 0.1, 'MP_ITEM_STATUS_CANCELLED'), item('B', 1299.5, undefined, 'INTEGRATION_ITEM_STATUS_OUT_OF_STOCK'), item('C', 0.2)],
  });

  it('folds unit rows by partner SKU, counting only the units still sold, with exact money from doubles', () => {
    expect(foldNoonItems(order.items, 'EGP').map((l) => [l.lineId, l.quantity, l.unitPrice.amount])).toEqual([['A', 2, '0.10'], ['B', 0, '1299.50'], ['C', 1, '0.20']]);
    const canonical = toCanonicalOrder({ account: 'eg-main', order, customer: { first_name: 'Omar', last_name: null } });
    expect(CanonicalOrder.safeParse(canonical).success).toBe(true);
    expect(canonical).toMatchObject({ total: { amount: '0.40', currency: 'EGP' }, name: 'N2001A', customer: { name: 'Omar' }, status: 'paid' });
  });

  it.each([
    [[['MP_ITEM_STATUS_CANCELLED', 'INTEGRATION_ITEM_STATUS_UNSPECIFIED']], 'cancelled'],
    [[['MP_ITEM_STATUS_CONFIRMED', 'INTEGRATION_ITEM_STATUS_SHIPPED'], ['MP_ITEM_STATUS_CONFIRMED', 'INTEGRATION_ITEM_STATUS_ACKNOWLEDGED']], 'partially_shipped'],
    [[['MP_ITEM_STATUS_CONFIRMED', 'INTEGRATION_ITEM_STATUS_SHIPPED'], ['MP_ITEM_STATUS_CONFIRMED', 'INTEGRATION_ITEM_STATUS_OUT_OF_STOCK']], 'shipped'],
    [[['MP_ITEM_STATUS_UNSPECIFIED', 'INTEGRATION_ITEM_STATUS_UNSPECIFIED']], 'paid'],
  ])('%j -> %s', (rows, expected) => {
    expect(orderStatusOf(rows.map(([mp_status, integration_status]) => ({ mp_status: mp_status!, integration_status: integration_status! })))).toBe(expected);
  });
});

describe('noon refunds', () => {
  const shipped = (nr: string, sku: string, price: number, refund?: { nr: string; amount: number; at: string }) => ({
    mp_item_nr: nr, partner_sku: sku, mp_status: 'MP_ITEM_STATUS_CONFIRMED', integration_status: 'INTEGRATION_ITEM_STATUS_SHIPPED', delivered_invoice_price: price,
    refund_nr: refund?.nr ?? null, refunded_amount: refund?.amount ?? null, refunded_at: refund?.at ?? null, refund_reason_code: refund ? 'CUSTOMER_RETURN' : null,
  });
  const order = (items: unknown[]) => NoonOrder.parse({ fbpi_order_nr: 'NFBO1', currency_code: 'AED', order_created_at: '2026-04-09T08:42:15Z', items });

  it('groups refunded units by refund reference into lines by SKU, with amounts; lines stay as sold', () => {
    const first = { nr: 'NRF1', amount: 0.1, at: '2026-04-12T10:00:00Z' };
    const canonical = toCanonicalOrder({
      account: 'ae',
      order: order([shipped('1', 'A', 0.1, first), shipped('2', 'A', 0.1, first), shipped('3', 'A', 0.1), shipped('4', 'B', 5, { nr: 'NRF2', amount: 2.5, at: '2026-04-11T10:00:00Z' })]),
    });
    expect(CanonicalOrder.safeParse(canonical).success).toBe(true);
    expect(canonical.lines.map((l) => [l.lineId, l.quantity])).toEqual([['A', 3], ['B', 1]]);
    expect(canonical.refunds).toEqual([
      { refundId: 'NRF2', occurredAt: '2026-04-11T10:00:00.000Z', lines: [{ lineId: 'B', quantity: 1, amount: { amount: '2.50', currency: 'AED' }, restock: true }], total: { amount: '2.50', currency: 'AED' }, note: 'CUSTOMER_RETURN' },
      { refundId: 'NRF1', occurredAt: '2026-04-12T10:00:00.000Z', lines: [{ lineId: 'A', quantity: 2, amount: { amount: '0.20', currency: 'AED' }, restock: true }], total: { amount: '0.20', currency: 'AED' }, note: 'CUSTOMER_RETURN' },
    ]);
    expect(toCanonicalOrder({ account: 'ae', order: order([shipped('1', 'A', 1)]) })).not.toHaveProperty('refunds');
  });
});

describe('noon pricing body', () => {
  it('writes prices as exact decimal literals, not re-formatted floats', () => {
    const text = pricingBody([{ partner_sku: 'A"1', country_code: 'ae', price: '1299.50' }, { partner_sku: 'B', country_code: 'ae', price: '0.10' }]);
    expect(text).toBe('{"items":[{"partner_sku":"A\\"1","country_code":"ae","price":1299.50},{"partner_sku":"B","country_code":"ae","price":0.10}]}');
    expect(JSON.parse(text).items[0].price).toBe(1299.5);
  });
});

describe('noon session cookies', () => {
  it('keeps every cookie pair and the soonest expiry', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    const session = readSession(['_npsid=abc; Path=/; Max-Age=3600; HttpOnly', '_nprt=def; Path=/identity; Expires=Thu, 01 Jan 2026 00:30:00 GMT'], now);
    expect(session.cookie).toBe('_npsid=abc; _nprt=def');
    expect(session.expiresAt).toBe(now + 30 * 60_000);
    expect(() => readSession([], now)).toThrow();
  });
});

describe('noon deliveries', () => {
  const body = (value: unknown) => Buffer.from(JSON.stringify(value));
  const envelope = { event_schema_version: 1, event_type: 'FBPI::ORDER_CREATED', metadata: { published_at: '2026-04-09T08:42:15Z', project_code: 'P1' }, payload: { order_nr: 'NFBO123456789' } };

  it('parses the documented example into one key-only event', () => {
    const parsed = parseNoonDelivery({ rawBody: body(envelope), headers: {}, account: 'ae-main' });
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(ChannelEvent.safeParse(parsed.events[0]).success).toBe(true);
    expect(parsed.events[0]).toMatchObject({ externalId: 'NFBO123456789', occurredAt: '2026-04-09T08:42:15.000Z', source: 'webhook', type: 'order.notified', topic: 'FBPI::ORDER_CREATED' });
    expect(parsed.events[0]).not.toHaveProperty('order');
  });

  it('gives no event for a delivery without an order and an error for a broken envelope', () => {
    expect(parseNoonDelivery({ rawBody: body({ ...envelope, payload: {} }), headers: {}, account: 'a' })).toEqual({ ok: true, events: [] });
    const broken = parseNoonDelivery({ rawBody: body({ payload: { order_nr: 'X' } }), headers: {}, account: 'a' });
    expect(broken.ok).toBe(false);
    expect(parseNoonDelivery({ rawBody: Buffer.from('nope'), headers: {}, account: 'a' }).ok).toBe(false);
  });

  it('needs every configured credential header, compared exactly', () => {
    const request = (headers: Record<string, string>) => ({ rawBody: body(envelope), headers, account: 'a' });
    const creds = { 'X-Hook-Key': 'k1', 'x-hook-tenant': 't1' };
    expect(verifyNoonDelivery(request({ 'x-hook-key': 'k1', 'x-hook-tenant': 't1' }), creds)).toEqual({ ok: true });
    expect(verifyNoonDelivery(request({ 'x-hook-key': 'k1' }), creds).ok).toBe(false);
    expect(verifyNoonDelivery(request({ 'x-hook-key': 'K1', 'x-hook-tenant': 't1' }), creds).ok).toBe(false);
    expect(verifyNoonDelivery(request({ 'x-hook-key': 'k1', 'x-hook-tenant': 't1' }), {}).ok).toBe(false);
  });
});

import {
  channelStatus,
  formatShipmentNote,
  isoToGmt,
  parseShipmentNote,
  toCanonicalOrder,
} from '../../activities/marketplaces/woocommerce/mapping';
import { WooOrder } from '../../activities/marketplaces/woocommerce/schemas';
import { compareTotals } from '../../activities/odoo/totals';
import { parseWooWebhook, verifyWooWebhook } from '../../activities/marketplaces/woocommerce/webhook';
import { type WebhookRequest } from '../../activities/marketplaces/types';
import { CanonicalOrder, type ChannelEvent } from '../../domain';
import { createHmac } from 'node:crypto';

function wooOrderFixture(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const address = {
    first_name: 'Ada',
    last_name: 'Buyer',
    company: '',
    address_1: '1 Test Street',
    address_2: '',
    city: 'Springfield',
    state: 'IL',
    postcode: '62701',
    country: 'US',
    phone: '',
  };
  return {
    id: 727,
    number: '727',
    status: 'processing',
    currency: 'USD',
    prices_include_tax: false,
    date_created: '2026-11-26T23:10:05',
    date_created_gmt: '2026-11-26T21:10:05',
    date_modified: '2026-11-26T23:11:00',
    date_modified_gmt: '2026-11-26T21:11:00',
    date_paid_gmt: '2026-11-26T21:11:00',
    shipping_total: '5.00',
    total: '32.00',
    billing: { ...address, email: 'ada@example.com' },
    shipping: address,
    line_items: [
      { id: 1, name: 'Mug', product_id: 10, variation_id: 0, quantity: 3, subtotal: '30.00', total: '27.00', total_tax: '0.00', sku: 'MUG', price: 9 },
    ],
    refunds: [],
    ...overrides,
  };
}

describe('WooCommerce status mapping', () => {
  it.each([
    ['pending', null, 'pending_payment'],
    ['on-hold', null, 'pending_payment'],
    ['on-hold', '2026-11-26T21:11:00', 'paid'],
    ['failed', null, 'pending_payment'],
    ['processing', null, 'paid'],
    ['completed', '2026-11-26T21:11:00', 'shipped'],
    ['cancelled', null, 'cancelled'],
    ['refunded', '2026-11-26T21:11:00', 'refunded'],
    ['trash', null, 'cancelled'],
    ['awaiting-shipment', '2026-11-26T21:11:00', 'paid'],
    ['awaiting-shipment', null, 'pending_payment'],
  ])('%s (paid %s) -> %s', (status, paid, expected) => {
    expect(channelStatus(status, paid)).toBe(expected);
  });
});

describe('WooCommerce order -> CanonicalOrder', () => {
  it('reads UTC dates, money strings and the pre-discount unit price', () => {
    const order = toCanonicalOrder({ account: 'shop-1', order: WooOrder.parse(wooOrderFixture()) });
    expect(CanonicalOrder.safeParse(order).success).toBe(true);
    expect(order).toMatchObject({
      channel: 'woocommerce',
      account: 'shop-1',
      externalId: '727',
      name: '#727',
      status: 'paid',
      createdAt: '2026-11-26T21:10:05.000Z',
      updatedAt: '2026-11-26T21:11:00.000Z',
      shippingTotal: { amount: '5.00', currency: 'USD' },
      total: { amount: '32.00', currency: 'USD' },
      customer: { name: 'Ada Buyer', email: 'ada@example.com' },
      shippingAddress: { name: 'Ada Buyer', street1: '1 Test Street', countryCode: 'US', region: 'IL' },
    });
    expect(order.lines[0]).toEqual({
      lineId: '1',
      sku: 'MUG',
      title: 'Mug',
      quantity: 3,
      unitPrice: { amount: '10.00', currency: 'USD' },
      discount: { amount: '3.00', currency: 'USD' },
      tax: { amount: '0.00', currency: 'USD' },
    });
  });

  it('reads amounts as tax-exclusive in a shop that enters prices with tax (the REST amounts exclude it)', () => {
    // A 20 % VAT shop: the mug is entered at 12.00 with tax; REST gives 10.00 + 2.00 tax per unit, shipping 5.00 + 1.00.
    const line = { id: 1, name: 'Mug', product_id: 10, variation_id: 0, quantity: 1, subtotal: '10.00', total: '10.00', total_tax: '2.00', sku: 'MUG', price: 10 };
    const order = toCanonicalOrder({ account: 'shop-1', order: WooOrder.parse(wooOrderFixture({ prices_include_tax: true, currency: 'EUR', line_items: [line], shipping_tax: '1.00', total: '18.00' })) });
    expect(order).toMatchObject({ taxesIncluded: false, lines: [{ unitPrice: { amount: '10.00', currency: 'EUR' }, tax: { amount: '2.00', currency: 'EUR' } }] });
    // What Odoo gets (goods 10.00 + shipping 5.00) is the total without its taxes.
    expect(compareTotals({ odoo: { amount: '15.00', currency: 'EUR' }, order, tolerance: '0' }).within).toBe(true);
  });

  it('carries shipping_tax as the shipping tax (absent when zero or not sent)', () => {
    // 27.00 goods + 2.16 line tax + 5.00 shipping + 0.40 shipping tax.
    const line = { id: 1, name: 'Mug', product_id: 10, variation_id: 0, quantity: 3, subtotal: '30.00', total: '27.00', total_tax: '2.16', sku: 'MUG', price: 9 };
    const order = toCanonicalOrder({ account: 'shop-1', order: WooOrder.parse(wooOrderFixture({ line_items: [line], shipping_tax: '0.40', total: '34.56' })) });
    expect(order).toMatchObject({ shippingTotal: { amount: '5.00', currency: 'USD' }, shippingTax: { amount: '0.40', currency: 'USD' }, taxesIncluded: false });
    expect(compareTotals({ odoo: { amount: '32.00', currency: 'USD' }, order, tolerance: '0' }).within).toBe(true);
    expect(toCanonicalOrder({ account: 'shop-1', order: WooOrder.parse(wooOrderFixture({ shipping_tax: '0.00' })) }).shippingTax).toBeUndefined();
    expect(toCanonicalOrder({ account: 'shop-1', order: WooOrder.parse(wooOrderFixture()) }).shippingTax).toBeUndefined();
  });

  it('takes the numeric line price when there is no discount, without float noise', () => {
    const line = { id: 2, name: 'Pen', product_id: 11, variation_id: 0, quantity: 3, subtotal: '0.90', total: '0.90', total_tax: '0.00', sku: 'PEN', price: 0.1 + 0.2 };
    const order = toCanonicalOrder({ account: 'shop-1', order: WooOrder.parse(wooOrderFixture({ line_items: [line] })) });
    expect(order.lines[0]!.unitPrice).toEqual({ amount: '0.30', currency: 'USD' });
    expect(order.lines[0]!.discount).toBeUndefined();
  });

  it('survives guests, deleted products and half-empty addresses', () => {
    const empty = { first_name: '', last_name: '', company: '', address_1: '', address_2: '', city: '', state: '', postcode: '', country: '' };
    const order = toCanonicalOrder({
      account: 'shop-1',
      order: WooOrder.parse(
        wooOrderFixture({
          status: 'pending',
          date_paid_gmt: null,
          billing: { ...empty, email: '' },
          shipping: empty,
          line_items: [{ id: 3, name: 'Gone', product_id: 0, variation_id: 0, quantity: 1, subtotal: '4.00', total: '4.00', total_tax: '0.00', sku: '', price: 4 }],
        }),
      ),
    });
    expect(CanonicalOrder.safeParse(order).success).toBe(true);
    expect(order.status).toBe('pending_payment');
    expect(order.customer).toEqual({ name: 'Guest', email: undefined, phone: undefined });
    expect(order.shippingAddress).toBeUndefined();
    expect(order.lines[0]!.sku).toBe('woocommerce-no-sku:product-0');
  });

  it('refuses an amount written with a decimal comma', () => {
    const line = { id: 4, name: 'X', product_id: 1, variation_id: 0, quantity: 1, subtotal: '1,00', total: '1.00', total_tax: '0.00', sku: 'X', price: 1 };
    const parsed = WooOrder.safeParse(wooOrderFixture({ line_items: [line] }));
    expect(parsed.success).toBe(false);
    if (!parsed.success) expect(parsed.error.issues[0]!.path).toEqual(['line_items', 0, 'subtotal']);
  });
});

describe('WooCommerce query dates and tracking notes', () => {
  it('formats a GMT query date floored to the second', () => {
    expect(isoToGmt('2026-11-26T21:10:05.999Z')).toBe('2026-11-26T21:10:05');
    expect(isoToGmt('2026-11-26T23:10:05+02:00')).toBe('2026-11-26T21:10:05');
  });

  it('round-trips the shipment marker, including carriers with spaces', () => {
    const text = formatShipmentNote({
      shipmentId: 'order/woocommerce/shop-1/727#1',
      lines: [{ lineId: '1', quantity: 2 }, { lineId: '9', quantity: 1 }],
      carrier: 'Royal Mail',
      trackingNumber: 'RM 123',
      items: [{ title: 'Mug', sku: 'MUG', quantity: 2 }],
    });
    expect(text.split('\n')[0]).toBe('Shipped with Royal Mail, tracking number RM 123.');
    expect(parseShipmentNote(text)).toEqual({
      shipmentId: 'order/woocommerce/shop-1/727#1',
      lines: [{ lineId: '1', quantity: 2 }, { lineId: '9', quantity: 1 }],
      carrier: 'Royal Mail',
      trackingNumber: 'RM 123',
    });
    expect(parseShipmentNote('Order status changed from Pending to Processing.')).toBeUndefined();
  });
});

const SECRET = 'unit-secret';

function delivery(topic: string, body: unknown, extra: Record<string, string> = {}): WebhookRequest {
  const rawBody = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  const [resource, event] = topic.split('.');
  return {
    rawBody,
    account: 'shop-1',
    headers: {
      'content-type': 'application/json',
      'x-wc-webhook-topic': topic,
      'x-wc-webhook-resource': resource,
      'x-wc-webhook-event': event,
      'x-wc-webhook-id': '3',
      'x-wc-webhook-delivery-id': 'a'.repeat(32),
      'x-wc-webhook-source': 'https://shop.example.com/',
      'x-wc-webhook-signature': createHmac('sha256', SECRET).update(rawBody).digest('base64'),
      ...extra,
    },
  };
}

function events(request: WebhookRequest): ChannelEvent[] {
  const parsed = parseWooWebhook({ request, account: 'shop-1' });
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.events;
}

describe('WooCommerce webhook verify and parse', () => {
  it('verifies the base64 HMAC of the raw bytes and nothing else', () => {
    const request = delivery('order.updated', wooOrderFixture());
    expect(verifyWooWebhook({ request, secret: SECRET })).toEqual({ ok: true });
    expect(verifyWooWebhook({ request, secret: 'other' }).ok).toBe(false);
    const reserialised = { ...request, rawBody: Buffer.from(JSON.stringify(JSON.parse(request.rawBody.toString()), null, 1)) };
    expect(verifyWooWebhook({ request: reserialised, secret: SECRET }).ok).toBe(false);
  });

  it('treats only an unsigned webhook_id=N form body as a ping', () => {
    const ping: WebhookRequest = { rawBody: Buffer.from('webhook_id=12'), headers: { 'content-type': 'application/x-www-form-urlencoded' }, account: 'shop-1' };
    expect(verifyWooWebhook({ request: ping, secret: SECRET })).toEqual({ ok: true });
    expect(parseWooWebhook({ request: ping, account: 'shop-1' })).toEqual({ ok: true, events: [] });
    const signedPing = { ...ping, headers: { ...ping.headers, 'x-wc-webhook-signature': 'bm9wZQ==' } };
    expect(verifyWooWebhook({ request: signedPing, secret: SECRET }).ok).toBe(false);
    const notPing = { ...ping, rawBody: Buffer.from('webhook_id=12&status=processing') };
    expect(verifyWooWebhook({ request: notPing, secret: SECRET }).ok).toBe(false);
  });

  it('turns order topics into upsert, cancel and refund events', () => {
    expect(events(delivery('order.created', wooOrderFixture())).map((e) => e.type)).toEqual(['order.created']);
    const cancelled = events(delivery('order.updated', wooOrderFixture({ status: 'cancelled', refunds: [{ id: 801, reason: '', total: '-27.00' }] })));
    expect(cancelled.map((e) => e.type)).toEqual(['order.updated', 'order.cancelled', 'order.refunded']);
    expect(cancelled[2]).toMatchObject({ refund: { refundId: '801', total: { amount: '27.00', currency: 'USD' }, lines: [] } });
    for (const event of cancelled) expect(event).toMatchObject({ channel: 'woocommerce', account: 'shop-1', externalId: '727', occurredAt: '2026-11-26T21:11:00.000Z' });
    expect(events(delivery('order.deleted', { id: 727 }))).toEqual([expect.objectContaining({ type: 'order.cancelled', externalId: '727' })]);
    expect(events(delivery('order.restored', wooOrderFixture()))[0]!.type).toBe('order.updated');
  });

  it('names other resources as unsupported without colliding with order ids', () => {
    const [product] = events(delivery('product.updated', { id: 727, date_modified_gmt: '2026-11-26T21:11:00', sku: 'MUG' }));
    expect(product).toMatchObject({ type: 'unsupported', topic: 'product.updated', externalId: 'product:727' });
    const [action] = events(delivery('action.woocommerce_low_stock', { action: 'woocommerce_low_stock', arg: 10 }));
    expect(action).toMatchObject({ type: 'unsupported', externalId: 'action:none' });
  });

  it('accepts an order without lines as unsupported, so the webhook is not counted as failing', () => {
    const [event] = events(delivery('order.created', wooOrderFixture({ line_items: [] })));
    expect(event).toMatchObject({ type: 'unsupported', topic: 'order.created without line items', externalId: '727' });
  });

  it('reports malformed deliveries with issues instead of throwing', () => {
    const notJson = parseWooWebhook({ request: delivery('order.updated', '{"id":'), account: 'shop-1' });
    expect(notJson).toMatchObject({ ok: false, message: 'order.updated: body is not JSON' });
    const wrongShape = parseWooWebhook({ request: delivery('order.updated', wooOrderFixture({ date_modified_gmt: '2026-11-26T21:11:00Z' })), account: 'shop-1' });
    expect(wrongShape.ok).toBe(false);
    if (!wrongShape.ok) expect(wrongShape.issues.map((i) => i.path.join('.'))).toEqual(['date_modified_gmt']);
    const { ['x-wc-webhook-topic']: _t, ...noTopic } = delivery('order.updated', wooOrderFixture()).headers;
    expect(parseWooWebhook({ request: { ...delivery('order.updated', wooOrderFixture()), headers: noTopic }, account: 'shop-1' }).ok).toBe(false);
  });

  it('keys events on the order state, not on the once-a-second delivery id', () => {
    const idOf = (request: WebhookRequest) => events(request)[0]!.eventId;
    const base = idOf(delivery('order.updated', wooOrderFixture()));
    expect(idOf(delivery('order.updated', wooOrderFixture(), { 'x-wc-webhook-delivery-id': 'b'.repeat(32) }))).toBe(base);
    // Same second, same delivery id, different state: a different event.
    expect(idOf(delivery('order.updated', wooOrderFixture({ status: 'completed' })))).not.toBe(base);
    expect(idOf(delivery('order.updated', wooOrderFixture({ id: 728 })))).not.toBe(base);
    expect(idOf(delivery('order.created', wooOrderFixture()))).not.toBe(base);
  });
});

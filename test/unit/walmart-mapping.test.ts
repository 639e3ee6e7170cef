import { createHmac } from 'node:crypto';
import {
  parseWalmartWebhook,
  replenishmentDelayMs,
  toCanonicalOrder,
  verifyWalmartWebhook,
  walmartCancelReason,
  walmartDateToIso,
} from '../../activities/marketplaces/walmart';
import { toWalmartQueryDate } from '../../activities/marketplaces/walmart/mapping';
import { WalmartOrder } from '../../activities/marketplaces/walmart/schemas';
import { compareTotals } from '../../activities/odoo/totals';

const NOW = Date.UTC(2026, 10, 26, 12, 0, 0);

describe('replenishmentDelayMs (x-next-replenishment-time)', () => {
  it.each([
    ['epoch milliseconds', String(NOW + 1500), 1500],
    ['epoch seconds', String(NOW / 1000 + 3), 3000],
    ['seconds to wait', '2', 2000],
    ['fractional seconds', '0.25', 250],
    ['ISO text', new Date(NOW + 4000).toISOString(), 4000],
    ['a time already past', String(NOW - 10), 0],
  ])('reads %s', (_label, value, expected) => {
    expect(replenishmentDelayMs(value, NOW)).toBe(expected);
  });

  it('gives up on nothing or nonsense', () => {
    expect(replenishmentDelayMs(undefined, NOW)).toBeUndefined();
    expect(replenishmentDelayMs('', NOW)).toBeUndefined();
    expect(replenishmentDelayMs('soon', NOW)).toBeUndefined();
  });
});

describe('walmart dates', () => {
  it('turns epoch milliseconds (number or digits) and ISO text into ISO UTC', () => {
    expect(walmartDateToIso(1568466571000)).toBe('2019-09-14T13:09:31.000Z');
    expect(walmartDateToIso('1568466571123')).toBe('2019-09-14T13:09:31.123Z');
    expect(walmartDateToIso('2021-06-15T22:33:27-05:00')).toBe('2021-06-16T03:33:27.000Z');
    expect(() => walmartDateToIso('yesterday')).toThrow(/unreadable date/);
  });

  it('formats query dates without fractions, rounding down', () => {
    expect(toWalmartQueryDate('2026-11-26T21:00:00.999Z')).toBe('2026-11-26T21:00:00Z');
    expect(toWalmartQueryDate('2026-11-26T23:00:00+02:00')).toBe('2026-11-26T21:00:00Z');
  });
});

describe('walmartCancelReason', () => {
  it.each([
    ['SELLER_CANCEL_FRAUD_STOP_SHIPMENT', 'SELLER_CANCEL_FRAUD_STOP_SHIPMENT'],
    ['Customer changed their mind', 'CUSTOMER_REQUESTED_SELLER_TO_CANCEL'],
    ['wrong price on listing', 'SELLER_CANCEL_PRICING_ERROR'],
    ['address not serviceable', 'SELLER_CANCEL_ADDRESS_NOT_SERVICEABLE'],
    ['no stock', 'SELLER_CANCEL_OUT_OF_STOCK'],
    ['', 'SELLER_CANCEL_OUT_OF_STOCK'],
  ])('%s -> %s', (reason, code) => expect(walmartCancelReason(reason)).toBe(code));
});

function order(overrides: { lines?: unknown[]; country?: string } = {}) {
  const line = (lineNumber: string, price: number, qty: string, statuses: unknown[], extra: Record<string, unknown> = {}) => ({
    lineNumber,
    item: { productName: `Item ${lineNumber}`, sku: `SKU-${lineNumber}` },
    charges: { charge: [{ chargeType: 'PRODUCT', chargeName: 'ItemPrice', chargeAmount: { currency: 'USD', amount: price }, tax: { taxName: 'Tax1', taxAmount: { currency: 'USD', amount: 0.1 } } }] },
    orderLineQuantity: { unitOfMeasurement: 'EACH', amount: qty },
    statusDate: 1623835855623,
    orderLineStatuses: { orderLineStatus: statuses },
    ...extra,
  });
  const st = (status: string, amount: string) => ({ status, statusQuantity: { unitOfMeasurement: 'EACH', amount } });
  return WalmartOrder.parse({
    purchaseOrderId: '1815367951431',
    customerOrderId: '4372135469400',
    customerEmailId: '7D9F02968955480499C84C5871AD1401@relay.walmart.com',
    orderDate: 1623796407000,
    shippingInfo: {
      phone: '3143450432',
      methodCode: 'Value',
      postalAddress: { name: 'Donald Ashley', address1: '6600 gazebo drive', city: 'Cedar hill', state: 'MO', postalCode: '63016', country: overrides.country ?? 'USA' },
    },
    orderLines: { orderLine: overrides.lines ?? [line('1', 0.1, '2', [st('Shipped', '1'), st('Acknowledged', '1')]), line('2', 0.2, '1', [st('Acknowledged', '1')])] },
  });
}

describe('toCanonicalOrder', () => {
  it('maps a Walmart PO with exact money, line ids and line-level status', () => {
    const o = toCanonicalOrder(order(), 'wm');
    expect(o).toMatchObject({
      channel: 'walmart',
      account: 'wm',
      externalId: '1815367951431',
      name: '4372135469400',
      status: 'partially_shipped',
      currency: 'USD',
      createdAt: '2021-06-15T22:33:27.000Z',
      updatedAt: '2021-06-16T09:30:55.623Z',
      shippingAddress: { countryCode: 'US', region: 'MO', street1: '6600 gazebo drive', phone: '3143450432' },
    });
    expect(o.lines.map((l) => [l.lineId, l.quantity, l.unitPrice.amount, l.tax?.amount])).toEqual([
      ['1', 2, '0.10', '0.20'],
      ['2', 1, '0.20', '0.10'],
    ]);
    // 2 x 0.10 + 0.20 tax + 0.20 + 0.10 tax
    expect(o.total).toEqual({ amount: '0.70', currency: 'USD' });
  });

  it('keeps the SHIPPING charge\'s tax apart from the line tax, once per line like the shipping itself', () => {
    const usd = (amount: number) => ({ currency: 'USD', amount });
    const base = order().orderLines.orderLine[0]!;
    const charges = {
      charge: [
        { chargeType: 'PRODUCT', chargeName: 'ItemPrice', chargeAmount: usd(10), tax: { taxName: 'Tax1', taxAmount: usd(0.8) } },
        { chargeType: 'SHIPPING', chargeName: 'Shipping', chargeAmount: usd(5), tax: { taxName: 'Tax1', taxAmount: usd(0.4) } },
      ],
    };
    const o = toCanonicalOrder(order({ lines: [{ ...base, charges }] }), 'wm');
    expect(o.lines[0]).toMatchObject({ quantity: 2, unitPrice: { amount: '10.00' }, tax: { amount: '1.60', currency: 'USD' } });
    expect(o).toMatchObject({ shippingTotal: { amount: '5.00', currency: 'USD' }, shippingTax: { amount: '0.40', currency: 'USD' }, taxesIncluded: false });
    // 2 x (10.00 + 0.80 tax) + 5.00 shipping + 0.40 shipping tax
    expect(o.total).toEqual({ amount: '27.00', currency: 'USD' });
    // Odoo gets the goods and the shipping before tax: 25.00.
    expect(compareTotals({ odoo: { amount: '25.00', currency: 'USD' }, order: o, tolerance: '0' }).within).toBe(true);
    // An untaxed shipping charge leaves the field out.
    expect(toCanonicalOrder(order(), 'wm').shippingTax).toBeUndefined();
  });

  it('calls an order cancelled when every unit is cancelled, refunded when refunds cover the charges', () => {
    const st = (status: string, amount: string) => ({ status, statusQuantity: { unitOfMeasurement: 'EACH', amount } });
    const base = order().orderLines.orderLine[0]!;
    const cancelled = toCanonicalOrder(order({ lines: [{ ...base, orderLineStatuses: { orderLineStatus: [st('Cancelled', '2')] } }] }), 'wm');
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.total.amount).toBe('0.00');
    const refund = { refundCharges: { refundCharge: [{ refundReason: 'DamagedItem', charge: { chargeAmount: { currency: 'USD', amount: -0.4 } } }] } };
    const refunded = toCanonicalOrder(order({ lines: [{ ...base, orderLineStatuses: { orderLineStatus: [st('Shipped', '2')] }, refund }] }), 'wm');
    expect(refunded.status).toBe('refunded');
  });

  it('compares refunds with their tax against the total with tax: full refund -> refunded, partial -> not', () => {
    const st = (status: string, amount: string) => ({ status, statusQuantity: { unitOfMeasurement: 'EACH', amount } });
    const usd = (amount: number) => ({ currency: 'USD', amount });
    const base = order().orderLines.orderLine[0]!;
    const charges = {
      charge: [
        { chargeType: 'PRODUCT', chargeName: 'ItemPrice', chargeAmount: usd(10), tax: { taxName: 'Tax1', taxAmount: usd(0.8) } },
        { chargeType: 'SHIPPING', chargeName: 'Shipping', chargeAmount: usd(5), tax: { taxName: 'Tax1', taxAmount: usd(0.4) } },
      ],
    };
    const refundCharge = (chargeType: string, amount: number, tax: number) => ({
      refundReason: 'DamagedItem',
      charge: { chargeType, chargeAmount: usd(amount), tax: { taxName: 'Tax1', taxAmount: usd(tax) } },
    });
    const withRefunds = (refundCharges: unknown[]) =>
      toCanonicalOrder(
        order({ lines: [{ ...base, charges, orderLineStatuses: { orderLineStatus: [st('Refund', '2')] }, refund: { refundCharges: { refundCharge: refundCharges } } }] }),
        'wm',
      );
    // Total 27.00 = 2 x (10.00 + 0.80) + 5.00 + 0.40; refunded 20.00 + 1.60 + 5.00 + 0.40 = 27.00 (25.00 before tax).
    const full = withRefunds([refundCharge('PRODUCT', -20, -1.6), refundCharge('SHIPPING', -5, -0.4)]);
    expect(full.total.amount).toBe('27.00');
    expect(full.status).toBe('refunded');
    // One unit with its tax, 10.80 of 27.00: not the whole order.
    expect(withRefunds([refundCharge('PRODUCT', -10, -0.8)]).status).not.toBe('refunded');
    // Everything but the shipping tax: 26.60 of 27.00, still not the whole order.
    expect(withRefunds([refundCharge('PRODUCT', -20, -1.6), refundCharge('SHIPPING', -5, 0)]).status).not.toBe('refunded');
  });

  it('reads every refunded charge of a line as its own refund, with units, tax and a stable id', () => {
    const st = (status: string, amount: string) => ({ status, statusQuantity: { unitOfMeasurement: 'EACH', amount } });
    const base = order().orderLines.orderLine[0]!;
    const charge = (chargeType: string, amount: number, tax?: number) => ({
      refundReason: 'DamagedItem',
      charge: { chargeType, chargeAmount: { currency: 'USD', amount }, ...(tax !== undefined ? { tax: { taxName: 'Tax1', taxAmount: { currency: 'USD', amount: tax } } } : {}) },
    });
    const lineWith = (charges: unknown[]) => ({
      ...base,
      orderLineStatuses: { orderLineStatus: [st('Shipped', '1'), st('Refund', '1')] },
      refund: { refundId: 'R7', refundComments: 'cracked', refundCharges: { refundCharge: charges } },
    });
    const first = toCanonicalOrder(order({ lines: [lineWith([charge('PRODUCT', -0.1, -0.1)])] }), 'wm');
    // Refunded units shipped first: the order still reads as shipped, its lines as ordered.
    expect(first.status).toBe('shipped');
    expect(first.lines[0]!.quantity).toBe(2);
    expect(first.refunds).toEqual([
      {
        refundId: '1:1',
        occurredAt: '2021-06-16T09:30:55.623Z',
        lines: [{ lineId: '1', quantity: 1, amount: { amount: '0.20', currency: 'USD' }, restock: false }],
        total: { amount: '0.20', currency: 'USD' },
        note: 'DamagedItem: cracked',
      },
    ]);
    // A later refund of the same line appends a charge: the first keeps its id, the new one gets the next.
    const later = toCanonicalOrder(order({ lines: [lineWith([charge('PRODUCT', -0.1, -0.1), charge('SHIPPING', -0.05)])] }), 'wm');
    expect(later.refunds?.map((r) => [r.refundId, r.lines[0]!.quantity, r.total.amount])).toEqual([
      ['1:1', 1, '0.20'],
      ['1:2', 0, '0.05'],
    ]);
    expect(later.refunds?.[0]).toEqual(first.refunds?.[0]);
    expect(toCanonicalOrder(order(), 'wm')).not.toHaveProperty('refunds');
  });

  it('maps alpha-3 country codes and refuses ones it cannot read', () => {
    expect(toCanonicalOrder(order({ country: 'CAN' }), 'wm').shippingAddress?.countryCode).toBe('CA');
    expect(() => toCanonicalOrder(order({ country: 'Atlantis' }), 'wm')).toThrow(/unknown country/);
  });

  it('says delivered, at the latest statusDate of the delivered lines, only once every open unit is Delivered', () => {
    const st = (status: string, amount: string) => ({ status, statusQuantity: { unitOfMeasurement: 'EACH', amount } });
    const [one, two] = order().orderLines.orderLine;
    const lines = (a: unknown[], b: unknown[], dates: [number, number] = [1623900000000, 1623990000000]) => [
      { ...one!, statusDate: dates[0], orderLineStatuses: { orderLineStatus: a } },
      { ...two!, statusDate: dates[1], orderLineStatuses: { orderLineStatus: b } },
    ];
    const all = toCanonicalOrder(order({ lines: lines([st('Delivered', '2')], [st('Delivered', '1')]) }), 'wm');
    expect(all).toMatchObject({ status: 'shipped', deliveredAt: '2021-06-18T04:20:00.000Z' });
    // One unit still on its way: not delivered yet.
    expect(toCanonicalOrder(order({ lines: lines([st('Delivered', '1'), st('Shipped', '1')], [st('Delivered', '1')]) }), 'wm')).not.toHaveProperty('deliveredAt');
    // Cancelled and refunded units are not waited for.
    const rest = toCanonicalOrder(order({ lines: lines([st('Delivered', '1'), st('Cancelled', '1')], [st('Refund', '1')]) }), 'wm');
    expect(rest.deliveredAt).toBe('2021-06-17T03:20:00.000Z');
    // Shipped only, or nothing delivered at all: no delivery to report.
    expect(toCanonicalOrder(order({ lines: lines([st('Shipped', '2')], [st('Shipped', '1')]) }), 'wm')).not.toHaveProperty('deliveredAt');
    expect(toCanonicalOrder(order({ lines: lines([st('Cancelled', '2')], [st('Cancelled', '1')]) }), 'wm')).not.toHaveProperty('deliveredAt');
    expect(toCanonicalOrder(order(), 'wm')).not.toHaveProperty('deliveredAt');
  });
});

describe('walmart webhooks (pure)', () => {
  const body = Buffer.from(
    JSON.stringify({
      source: { eventType: 'PO_CREATED', eventTime: '2026-11-26T12:00:00.000Z', eventId: 'evt-1' },
      payload: { partnerId: '1', purchaseOrderId: '42', orderLines: [{ lineNumber: '1', sku: 'A' }] },
    }),
  );
  const signed = (encoding: 'base64' | 'hex', header = 'authorization') => ({
    rawBody: body,
    headers: { [header]: createHmac('sha256', 's3cret').update(body).digest(encoding) },
    account: 'wm',
  });

  it('accepts the configured encoding, or either when none is configured', () => {
    expect(verifyWalmartWebhook(signed('hex'), { secret: 's3cret', digestEncoding: 'hex' })).toEqual({ ok: true });
    expect(verifyWalmartWebhook(signed('hex'), { secret: 's3cret', digestEncoding: 'base64' }).ok).toBe(false);
    expect(verifyWalmartWebhook(signed('base64'), { secret: 's3cret' })).toEqual({ ok: true });
    expect(verifyWalmartWebhook(signed('hex'), { secret: 's3cret' })).toEqual({ ok: true });
    expect(verifyWalmartWebhook(signed('base64', 'x-wm-signature'), { secret: 's3cret', headerName: 'X-WM-Signature' })).toEqual({ ok: true });
  });

  it('fails closed without a secret', () => {
    expect(verifyWalmartWebhook(signed('base64'), {}).ok).toBe(false);
  });

  it('parses notifications into per-PO nudges keyed by eventId, and refuses junk', () => {
    expect(parseWalmartWebhook(signed('hex'))).toEqual({
      ok: true,
      events: [{ type: 'order.notified', topic: 'PO_CREATED', channel: 'walmart', account: 'wm', externalId: '42', eventId: 'evt-1', occurredAt: '2026-11-26T12:00:00.000Z', source: 'webhook' }],
    });
    expect(parseWalmartWebhook({ rawBody: Buffer.from('nope'), headers: {}, account: 'wm' }).ok).toBe(false);
    expect(parseWalmartWebhook({ rawBody: Buffer.from('{"payload":{}}'), headers: {}, account: 'wm' }).ok).toBe(false);
  });
});

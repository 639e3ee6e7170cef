import { generateKeyPairSync } from 'node:crypto';
import { msUntilQuotaReset, pemFromEbay } from '../../activities/marketplaces/ebay';
import { orderStatus, toCanonicalOrder, unitPrice } from '../../activities/marketplaces/ebay/mapping';
import { type EbayOrder } from '../../activities/marketplaces/ebay/schemas';
import { decodeSignatureHeader } from '../../activities/marketplaces/ebay/webhook';

const usd = (value: string) => ({ value, currency: 'USD' });

function order(overrides: Partial<EbayOrder> = {}): EbayOrder {
  return {
    orderId: '12-34567-89012',
    creationDate: '2026-03-01T10:00:00.000Z',
    lastModifiedDate: '2026-03-01T10:05:00.000Z',
    orderFulfillmentStatus: 'NOT_STARTED',
    orderPaymentStatus: 'PAID',
    buyer: { username: 'buyer_1' },
    cancelStatus: { cancelState: 'NONE_REQUESTED' },
    pricingSummary: { total: usd('21.00'), deliveryCost: usd('1.00') },
    lineItems: [{ lineItemId: '100', sku: 'S-1', title: 'Mug', quantity: 2, lineItemCost: usd('20.00') }],
    ...overrides,
  };
}

describe('eBay mapping', () => {
  it('divides the line cost back into a unit price without floats', () => {
    expect(unitPrice(usd('25.00'), 2)).toEqual({ amount: '12.50', currency: 'USD' });
    expect(unitPrice(usd('10.00'), 3)).toEqual({ amount: '3.33333333', currency: 'USD' });
    expect(unitPrice({ value: '300', currency: 'JPY' }, 3)).toEqual({ amount: '100', currency: 'JPY' });
  });

  it.each([
    [{ cancelStatus: { cancelState: 'CANCELED' } }, 'cancelled'],
    [{ orderPaymentStatus: 'FULLY_REFUNDED' }, 'refunded'],
    [{ orderPaymentStatus: 'PENDING' }, 'pending_payment'],
    [{ orderFulfillmentStatus: 'IN_PROGRESS' }, 'partially_shipped'],
    [{ orderFulfillmentStatus: 'FULFILLED' }, 'shipped'],
    [{}, 'paid'],
  ] as const)('status %j -> %s', (patch, status) => {
    expect(orderStatus(order(patch as Partial<EbayOrder>))).toBe(status);
  });

  it('keeps an order whose PII eBay already dropped, without an address', () => {
    const mapped = toCanonicalOrder(
      order({ fulfillmentStartInstructions: [{ shippingStep: { shipTo: { contactAddress: { city: 'San Jose', countryCode: 'US' } } } }] }),
      'main',
    );
    expect(mapped.shippingAddress).toBeUndefined();
    expect(mapped.customer.name).toBe('buyer_1');
  });

  it('gives SKU-less lines (Trading API listings) a stable stand-in SKU and a discount from discountedLineItemCost', () => {
    const mapped = toCanonicalOrder(
      order({ lineItems: [{ lineItemId: '7', legacyItemId: '3344', legacyVariationId: '9', quantity: 1, lineItemCost: usd('5.00'), discountedLineItemCost: usd('4.00') }] }),
      'main',
    );
    expect(mapped.lines[0]).toMatchObject({ sku: 'ebay-item:3344:9', discount: { amount: '1.00', currency: 'USD' } });
  });
});

describe('eBay refunds', () => {
  const twoLines = (): Partial<EbayOrder> => ({
    pricingSummary: { total: usd('31.00'), deliveryCost: usd('1.00') },
    lineItems: [
      { lineItemId: '100', sku: 'S-1', quantity: 2, lineItemCost: usd('20.00') },
      { lineItemId: '200', sku: 'S-2', quantity: 1, lineItemCost: usd('10.00') },
    ],
  });

  it('maps a line-level refund of one unit, grouped by refundId across lines, with its amounts', () => {
    const base = twoLines();
    const mapped = toCanonicalOrder(
      order({
        ...base,
        lineItems: [
          { ...base.lineItems![0]!, refunds: [{ refundId: 'R1', refundDate: '2026-03-02T10:00:00.000Z', amount: usd('10.00') }] },
          { ...base.lineItems![1]!, refunds: [{ refundId: 'R1', refundDate: '2026-03-02T10:00:00.000Z', amount: usd('2.50') }] },
        ],
        paymentSummary: { refunds: [] },
      }),
      'main',
    );
    expect(mapped.refunds).toEqual([
      {
        refundId: 'R1',
        occurredAt: '2026-03-02T10:00:00.000Z',
        lines: [
          { lineId: '100', quantity: 1, amount: { amount: '10.00', currency: 'USD' }, restock: false },
          // A goodwill amount below the unit price gives back no unit: money only.
          { lineId: '200', quantity: 0, amount: { amount: '2.50', currency: 'USD' }, restock: false },
        ],
        total: { amount: '12.50', currency: 'USD' },
      },
    ]);
  });

  it('reads a full order-level refund as every unit back, and skips refunds not issued yet', () => {
    const mapped = toCanonicalOrder(
      order({
        ...twoLines(),
        orderPaymentStatus: 'FULLY_REFUNDED',
        paymentSummary: {
          refunds: [
            { refundId: 'P1', refundStatus: 'PENDING', amount: usd('5.00') },
            { refundId: 'F1', refundStatus: 'REFUNDED', refundDate: '2026-03-03T09:00:00.000Z', amount: usd('31.00') },
          ],
        },
      }),
      'main',
    );
    expect(mapped.status).toBe('refunded');
    expect(mapped.refunds).toEqual([
      {
        refundId: 'F1',
        occurredAt: '2026-03-03T09:00:00.000Z',
        lines: [
          { lineId: '100', quantity: 2, amount: { amount: '20.00', currency: 'USD' }, restock: false },
          { lineId: '200', quantity: 1, amount: { amount: '10.00', currency: 'USD' }, restock: false },
        ],
        total: { amount: '31.00', currency: 'USD' },
      },
    ]);
  });

  it('keeps a partial order-level refund as money only, and leaves refund-free orders without the field', () => {
    const partial = toCanonicalOrder(
      order({ paymentSummary: { refunds: [{ refundReferenceId: 'REF-9', refundStatus: 'REFUNDED', refundDate: '2026-03-03T09:00:00.000Z', amount: usd('3.00') }] } }),
      'main',
    );
    expect(partial.refunds).toEqual([{ refundId: 'REF-9', occurredAt: '2026-03-03T09:00:00.000Z', lines: [], total: { amount: '3.00', currency: 'USD' } }]);
    expect(toCanonicalOrder(order(), 'main')).not.toHaveProperty('refunds');
  });
});

describe('eBay signature header and keys', () => {
  it('decodes base64 JSON {alg, kid, signature, digest}', () => {
    const raw = Buffer.from(JSON.stringify({ alg: 'ecdsa', kid: 'k1', signature: 'AAEC', digest: 'SHA1' })).toString('base64');
    const decoded = decodeSignatureHeader({ rawBody: Buffer.from('{}'), headers: { 'x-ebay-signature': raw }, account: 'a' });
    expect(decoded).toEqual({ ok: true, kid: 'k1', signature: Buffer.from([0, 1, 2]) });
  });

  it('refuses other schemes', () => {
    const raw = Buffer.from(JSON.stringify({ alg: 'RSA', kid: 'k1', signature: 'AAEC', digest: 'SHA256' })).toString('base64');
    expect(decodeSignatureHeader({ rawBody: Buffer.from('{}'), headers: { 'x-ebay-signature': raw }, account: 'a' }).ok).toBe(false);
  });

  it('restores the line breaks of a one-line PEM', () => {
    const pem = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(pemFromEbay(pem.replace(/\n/g, ''))).toBe(pem);
  });

  it('counts down to midnight Pacific time', () => {
    // 2026-03-01 is PST (UTC-8): 07:00Z is 23:00 the day before in Los Angeles.
    expect(msUntilQuotaReset(Date.parse('2026-03-01T07:00:00.000Z'))).toBe(3_600_000);
    // 2026-07-01 is PDT (UTC-7): 06:30Z is 23:30 the day before.
    expect(msUntilQuotaReset(Date.parse('2026-07-01T06:30:00.000Z'))).toBe(1_800_000);
    // After UTC midnight it is still the previous day in Los Angeles: 01:30Z on 27 Nov is 17:30 on the 26th.
    expect(msUntilQuotaReset(Date.parse('2026-11-27T01:30:00.000Z'))).toBe(6.5 * 3_600_000);
    expect(msUntilQuotaReset(Date.parse('2026-11-27T08:00:00.000Z'))).toBe(24 * 3_600_000);
  });

  it('counts the 23- and 25-hour days when daylight saving time starts or ends', () => {
    // 2026-03-08 01:00 PST: the next midnight is 00:00 PDT on the 9th (07:00Z), 22 hours on.
    expect(msUntilQuotaReset(Date.parse('2026-03-08T09:00:00.000Z'))).toBe(22 * 3_600_000);
    // 2026-11-01 00:30 PDT: the next midnight is 00:00 PST on the 2nd (08:00Z), 24.5 hours on.
    expect(msUntilQuotaReset(Date.parse('2026-11-01T07:30:00.000Z'))).toBe(24.5 * 3_600_000);
    // The repeated hour, second time round (01:30 PST).
    expect(msUntilQuotaReset(Date.parse('2026-11-01T09:30:00.000Z'))).toBe(22.5 * 3_600_000);
  });
});

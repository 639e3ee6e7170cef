import { compareTotals, totalMismatchMessage } from '../../activities/odoo/totals';
import { type CanonicalOrder, money } from '../../domain';

// What Odoo's amount_total should be for a channel order, compared on exact decimals.

function order(overrides: Partial<CanonicalOrder>): CanonicalOrder {
  return {
    channel: 'walmart', account: 'wm', externalId: '1', name: '#1', status: 'paid', currency: 'USD',
    customer: { name: 'Ada' },
    lines: [
      { lineId: 'a', sku: 'A', title: 'A', quantity: 3, unitPrice: money('0.10', 'USD'), tax: money('0.02', 'USD') },
      { lineId: 'b', sku: 'B', title: 'B', quantity: 1, unitPrice: money('0.20', 'USD'), tax: money('0.01', 'USD') },
    ],
    shippingTotal: money('0.70', 'USD'),
    total: money('1.23', 'USD'),
    taxesIncluded: false,
    createdAt: '2026-03-01T00:00:00Z', updatedAt: '2026-03-01T00:00:00Z', test: false,
    ...overrides,
  };
}

describe('order totals: Odoo against the channel', () => {
  it('leaves out the line taxes Odoo is not given when prices exclude tax, exactly (no float drift)', () => {
    // 0.30 + 0.20 + 0.70 = 1.2 in decimals, 1.2000000000000002 in floats.
    const compared = compareTotals({ odoo: money('1.20', 'USD'), order: order({}), tolerance: '0' });
    expect(compared).toEqual({ expected: money('1.20', 'USD'), taxLeftOut: money('0.03', 'USD'), difference: money('0.00', 'USD'), within: true });
  });

  it('leaves out the shipping tax too when prices exclude tax (a taxed shipping line is not a mismatch)', () => {
    // 0.30 + 0.20 + 0.70 = 1.20 to Odoo; the channel adds 0.03 line tax and 0.07 tax on the shipping: 1.30.
    const taxedShipping = order({ shippingTax: money('0.07', 'USD'), total: money('1.30', 'USD') });
    const compared = compareTotals({ odoo: money('1.20', 'USD'), order: taxedShipping, tolerance: '0' });
    expect(compared).toEqual({
      expected: money('1.20', 'USD'),
      taxLeftOut: money('0.03', 'USD'),
      shippingTaxLeftOut: money('0.07', 'USD'),
      difference: money('0.00', 'USD'),
      within: true,
    });
    // Shipping tax alone (untaxed goods).
    const untaxedLines = order({ lines: order({}).lines.map(({ tax: _tax, ...l }) => l), shippingTax: money('0.07', 'USD'), total: money('1.27', 'USD') });
    expect(compareTotals({ odoo: money('1.20', 'USD'), order: untaxedLines, tolerance: '0' })).toEqual({
      expected: money('1.20', 'USD'),
      shippingTaxLeftOut: money('0.07', 'USD'),
      difference: money('0.00', 'USD'),
      within: true,
    });
  });

  it('keeps the shipping tax in the total when prices include tax (it is inside the shipping price)', () => {
    const inclusive = order({ taxesIncluded: true, shippingTax: money('0.07', 'USD'), total: money('1.20', 'USD') });
    const compared = compareTotals({ odoo: money('1.20', 'USD'), order: inclusive, tolerance: '0' });
    expect(compared).toEqual({ expected: money('1.20', 'USD'), difference: money('0.00', 'USD'), within: true });
  });

  it('takes the whole total when prices include tax', () => {
    const compared = compareTotals({ odoo: money('1.20', 'USD'), order: order({ taxesIncluded: true }), tolerance: '0.01' });
    expect(compared).toMatchObject({ expected: money('1.23', 'USD'), difference: money('-0.03', 'USD'), within: false });
    expect(compared.taxLeftOut).toBeUndefined();
  });

  it('allows exactly the tolerance either way, not a unit more', () => {
    const at = (odoo: string, tolerance: string) => compareTotals({ odoo: money(odoo, 'USD'), order: order({}), tolerance }).within;
    expect(at('1.21', '0.01')).toBe(true);
    expect(at('1.19', '0.01')).toBe(true);
    expect(at('1.22', '0.01')).toBe(false);
    expect(at('1.18', '0.015')).toBe(false);
    expect(at('1.25', '0.05')).toBe(true);
  });

  it('keeps the currency\'s precision (JPY has none, BHD three)', () => {
    const yen = order({ currency: 'JPY', lines: [{ lineId: 'a', sku: 'A', title: 'A', quantity: 1, unitPrice: money('1000', 'JPY') }], shippingTotal: undefined, total: money('1000', 'JPY') });
    expect(compareTotals({ odoo: money('1001', 'JPY'), order: yen, tolerance: '0.01' })).toMatchObject({ difference: money('1', 'JPY'), within: false });
    const dinar = order({ currency: 'BHD', lines: [{ lineId: 'a', sku: 'A', title: 'A', quantity: 1, unitPrice: money('1.005', 'BHD') }], shippingTotal: undefined, total: money('1.005', 'BHD') });
    expect(compareTotals({ odoo: money('1.004', 'BHD'), order: dinar, tolerance: '0.001' }).within).toBe(true);
  });

  it('never matches another currency, and says so', () => {
    const o = order({});
    const compared = compareTotals({ odoo: money('1.20', 'EUR'), order: o, tolerance: '1000' });
    expect(compared.within).toBe(false);
    expect(totalMismatchMessage('S00001', money('1.20', 'EUR'), o, compared, '1000')).toBe("sale order S00001 is in EUR in Odoo but the channel's order #1 is in USD");
  });

  it('names both totals, the tax left out and the difference', () => {
    const o = order({ total: money('1.50', 'USD') });
    const compared = compareTotals({ odoo: money('1.20', 'USD'), order: o, tolerance: '0.01' });
    expect(totalMismatchMessage('S00002', money('1.20', 'USD'), o, compared, '0.01')).toBe(
      "sale order S00002 totals 1.20 USD in Odoo but the channel's order #1 totals 1.50 USD, 0.03 USD of it line tax that Odoo is not given " +
        '(prices exclude tax), so Odoo should total 1.47 USD: a difference of -0.27 USD, more than the tolerance of 0.01 USD; correct the sale order in Odoo, then retry',
    );
  });

  it('names the shipping tax left out, with the line tax or alone', () => {
    const both = order({ shippingTax: money('0.07', 'USD'), total: money('1.50', 'USD') });
    const compared = compareTotals({ odoo: money('1.20', 'USD'), order: both, tolerance: '0.01' });
    expect(totalMismatchMessage('S00003', money('1.20', 'USD'), both, compared, '0.01')).toBe(
      "sale order S00003 totals 1.20 USD in Odoo but the channel's order #1 totals 1.50 USD, 0.03 USD of it line tax and 0.07 USD shipping tax " +
        'that Odoo is not given (prices exclude tax), so Odoo should total 1.40 USD: a difference of -0.20 USD, more than the tolerance of 0.01 USD; ' +
        'correct the sale order in Odoo, then retry',
    );
    const alone = order({ lines: order({}).lines.map(({ tax: _tax, ...l }) => l), shippingTax: money('0.07', 'USD'), total: money('1.50', 'USD') });
    const message = totalMismatchMessage('S00004', money('1.20', 'USD'), alone, compareTotals({ odoo: money('1.20', 'USD'), order: alone, tolerance: '0.01' }), '0.01');
    expect(message).toContain('totals 1.50 USD, 0.07 USD of it shipping tax that Odoo is not given (prices exclude tax), so Odoo should total 1.43 USD');
  });
});

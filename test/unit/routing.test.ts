import { RoutingRule, routeWarehouse } from '../../domain';

const order = (countryCode: string | undefined, lines: [string, number][]) => ({
  lines: lines.map(([sku, quantity], i) => ({ lineId: String(i), sku, title: sku, quantity, unitPrice: { amount: '1.00', currency: 'EUR' } })),
  shippingAddress: countryCode ? { name: 'A', street1: 'B', city: 'C', countryCode } : undefined,
});

describe('routeWarehouse', () => {
  const rule = RoutingRule.parse({ defaultWarehouse: 'WH', byCountry: { DE: ['BER', 'WH'], FR: ['PAR'] }, preferInStock: true });

  it('uses the country list, then the default', () => {
    expect(routeWarehouse({ rule: { ...rule, preferInStock: false }, order: order('DE', [['A', 1]]) })).toEqual({ warehouse: 'BER', reason: 'country' });
    expect(routeWarehouse({ rule, order: order('US', [['A', 1]]) })).toEqual({ warehouse: 'WH', reason: 'default' });
    expect(routeWarehouse({ rule, order: order(undefined, [['A', 1]]) })).toEqual({ warehouse: 'WH', reason: 'default' });
  });

  it('skips a preferred warehouse that cannot ship every line', () => {
    const stock = { BER: { A: 5, B: 0 }, WH: { A: 5, B: 2 } };
    expect(routeWarehouse({ rule, order: order('DE', [['A', 1]]), stock })).toEqual({ warehouse: 'BER', reason: 'country_in_stock' });
    expect(routeWarehouse({ rule, order: order('DE', [['A', 1], ['B', 1]]), stock })).toEqual({ warehouse: 'WH', reason: 'country_in_stock' });
    // The same SKU on two lines counts once, in total.
    expect(routeWarehouse({ rule, order: order('DE', [['A', 3], ['A', 3]]), stock })).toEqual({ warehouse: 'BER', reason: 'no_warehouse_in_stock' });
  });

  it('falls back to the default warehouse when the country has none in stock', () => {
    const stock = { PAR: { A: 0 }, WH: { A: 1 } };
    expect(routeWarehouse({ rule, order: order('FR', [['A', 1]]), stock })).toEqual({ warehouse: 'WH', reason: 'default_in_stock' });
  });

  it('keeps the first choice (Odoo backorders) when nothing can ship it all', () => {
    expect(routeWarehouse({ rule, order: order('FR', [['A', 1]]), stock: {} })).toEqual({ warehouse: 'PAR', reason: 'no_warehouse_in_stock' });
  });

  it('refuses a malformed rule with the path of each problem', () => {
    const parsed = RoutingRule.safeParse({ defaultWarehouse: '', byCountry: { germany: ['BER'], FR: [] }, extra: 1 });
    expect(parsed.success).toBe(false);
    const paths = parsed.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['defaultWarehouse', 'byCountry.FR']));
    expect(parsed.error!.issues.some((i) => i.code === 'unrecognized_keys')).toBe(true);
  });
});

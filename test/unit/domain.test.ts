import { CanonicalOrder, addMoney, money, moneyEquals, multiplyMoney, numberToDecimal, orderWorkflowId, parseOrderWorkflowId, toScaled, fromScaled, odooClientOrderRef, odooOrderBindingName, parseOdooClientOrderRef } from '../../domain';

describe('money', () => {
  it('keeps amounts exact as decimal strings', () => {
    expect(money('19.999', 'USD')).toEqual({ amount: '20.00', currency: 'USD' });
    expect(money('5', 'JPY')).toEqual({ amount: '5', currency: 'JPY' });
    expect(money('1.2345', 'KWD')).toEqual({ amount: '1.235', currency: 'KWD' });
    expect(money(0.1 + 0.2, 'EUR')).toEqual({ amount: '0.30', currency: 'EUR' });
    expect(money('-3.005', 'USD')).toEqual({ amount: '-3.01', currency: 'USD' });
  });
  it('adds and multiplies without floating point', () => {
    expect(addMoney({ amount: '0.1', currency: 'USD' }, { amount: '0.2', currency: 'USD' }).amount).toBe('0.3');
    expect(multiplyMoney({ amount: '19.99', currency: 'USD' }, 3).amount).toBe('59.97');
    expect(() => addMoney({ amount: '1', currency: 'USD' }, { amount: '1', currency: 'EUR' })).toThrow('cannot add');
    expect(moneyEquals({ amount: '1.50', currency: 'USD' }, { amount: '1.5', currency: 'USD' })).toBe(true);
  });
  it('round-trips scaled integers and refuses non-decimals', () => {
    expect(fromScaled(toScaled('123.45', 2), 2)).toBe('123.45');
    expect(fromScaled(-5n, 2)).toBe('-0.05');
    expect(() => toScaled('1e3', 2)).toThrow();
    expect(numberToDecimal(10)).toBe('10');
    expect(numberToDecimal(1e-7)).toBe('0.0000001');
  });
});

describe('ids', () => {
  const key = { channel: 'shopify' as const, account: 'demo-shop', externalId: '450789469' };
  it('builds order workflow ids from the business key and parses them back', () => {
    expect(orderWorkflowId(key)).toBe('order/shopify/demo-shop/450789469');
    expect(parseOrderWorkflowId(orderWorkflowId(key))).toEqual(key);
    const odd = { ...key, externalId: '114-3941689-8772232/x y' };
    expect(orderWorkflowId(odd)).toBe('order/shopify/demo-shop/114-3941689-8772232%2Fx%20y');
    expect(parseOrderWorkflowId(orderWorkflowId(odd))).toEqual(odd);
  });
  it('parses a client_order_ref back into the order key, and nothing else', () => {
    expect(parseOdooClientOrderRef(odooClientOrderRef(key))).toEqual(key);
    const colons = { channel: 'amazon' as const, account: 'us-main', externalId: '114-3941689-8772232:a:b' };
    expect(parseOdooClientOrderRef(odooClientOrderRef(colons))).toEqual(colons);
    for (const ref of ['', 'PO-4711', 'shopify:demo-shop', 'shopify:demo-shop:', 'etsy:shop:1', 'shopify:Demo Shop:1', 'SHOPIFY:demo-shop:1', `shopify:demo-shop:${'9'.repeat(201)}`]) {
      expect(parseOdooClientOrderRef(ref)).toBeUndefined();
    }
  });
  it('builds Odoo binding keys that differ per account', () => {
    expect(odooClientOrderRef(key)).toBe('shopify:demo-shop:450789469');
    expect(odooOrderBindingName(key)).toBe('sale_order_shopify_demo_shop_450789469');
    expect(odooOrderBindingName({ ...key, account: 'other' })).not.toBe(odooOrderBindingName(key));
  });
});

describe('CanonicalOrder schema', () => {
  it('refuses float money and lists every problem with its path', () => {
    const result = CanonicalOrder.safeParse({
      channel: 'shopify', account: 'Bad Account', externalId: '1', name: '#1', status: 'paid', currency: 'USD',
      customer: { name: 'A' }, lines: [{ lineId: '1', sku: 'X', title: 'X', quantity: 1, unitPrice: { amount: 1.5, currency: 'USD' } }],
      total: { amount: '1.50', currency: 'USD' }, taxesIncluded: false, createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z',
    });
    expect(result.success).toBe(false);
    const paths = result.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['account', 'lines.0.unitPrice.amount']));
  });
});

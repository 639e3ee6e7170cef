import { type PriceRule, type RateTable, type Rounding, applyPriceRule, convertAmount, priceSteps } from '../../domain/pricing';

const RATES: RateTable = { base: 'EUR', rates: { USD: '1.0845', GBP: '0.8571', JPY: '161.53' } };

function rule(extra: Partial<PriceRule> = {}): PriceRule {
  return { channel: 'shopify', account: 'shop', currency: 'EUR', rounding: { mode: 'none' }, ...extra };
}

function price(amount: string, extra: Partial<PriceRule> = {}, cost?: string): string {
  const input = { base: { amount, currency: 'EUR' }, rule: rule(extra), rates: RATES, ...(cost ? { cost: { amount: cost, currency: 'EUR' } } : {}) };
  return applyPriceRule(input).amount;
}

const charm = (endings: string[], direction: 'nearest' | 'up' | 'down', period = '1'): Rounding => ({ mode: 'charm', endings, period, direction });

describe('applyPriceRule: conversion', () => {
  it('keeps the price when the channel uses the Odoo currency', () => {
    expect(applyPriceRule({ base: { amount: '19.99', currency: 'EUR' }, rule: rule(), rates: RATES })).toEqual({ amount: '19.99', currency: 'EUR' });
  });

  it('converts from the base currency and between two quoted currencies, exactly', () => {
    expect(price('100', { currency: 'USD' })).toBe('108.45');
    // 10 GBP = 10 / 0.8571 EUR = 12.6531... USD
    expect(applyPriceRule({ base: { amount: '10.00', currency: 'GBP' }, rule: rule({ currency: 'USD' }), rates: RATES }).amount).toBe('12.65');
    expect(convertAmount({ amount: '10', from: 'GBP', to: 'USD', rates: RATES, digits: 6 })).toBe('12.653133');
  });

  it('uses the currency minor unit (JPY has none)', () => {
    expect(applyPriceRule({ base: { amount: '10.00', currency: 'EUR' }, rule: rule({ currency: 'JPY' }), rates: RATES })).toEqual({ amount: '1615', currency: 'JPY' });
  });

  it('refuses a currency missing from the rate table', () => {
    expect(() => price('10', { currency: 'AED' })).toThrow(/no exchange rate for AED/);
  });

  it('stays exact where floating point would drift', () => {
    expect(price('0.10', { percent: '200' })).toBe('0.30');
    expect(price('12345678901234.56', { percent: '10' })).toBe('13580246791358.02');
  });
});

describe('applyPriceRule: adjustments', () => {
  it('marks up and down by a percent', () => {
    expect(price('19.99', { percent: '10' })).toBe('21.99');
    expect(price('20', { percent: '-15' })).toBe('17.00');
    expect(price('20', { percent: '12.5' })).toBe('22.50');
  });

  it('adds the fixed amount after the percent, in the channel currency', () => {
    expect(price('10', { percent: '10', fixed: '0.50' })).toBe('11.50');
    // 10 EUR → 10.845 USD, +10 % → 11.9295, +1 USD → 12.9295 → 12.93
    expect(price('10', { currency: 'USD', percent: '10', fixed: '1' })).toBe('12.93');
  });

  it('refuses a markdown of 100 % or more', () => {
    expect(() => price('10', { percent: '-100' })).toThrow(/above -100/);
  });

  it('throws rather than list a price of zero or below', () => {
    expect(() => price('20', { fixed: '-25' })).toThrow(/gives -5.00 EUR/);
    expect(() => price('0.40', { rounding: { mode: 'down', step: '1' } })).toThrow(/gives 0.00 EUR/);
    expect(price('20', { fixed: '-25', minPrice: '4.99' })).toBe('4.99');
  });
});

describe('applyPriceRule: rounding', () => {
  it('rounds to a step: nearest (half up), up, down', () => {
    const nearest: Rounding = { mode: 'nearest', step: '0.05' };
    expect(price('12.33', { rounding: nearest })).toBe('12.35');
    expect(price('12.32', { rounding: nearest })).toBe('12.30');
    expect(price('12.325', { rounding: nearest })).toBe('12.35');
    expect(price('12.01', { rounding: { mode: 'up', step: '1' } })).toBe('13.00');
    expect(price('12.00', { rounding: { mode: 'up', step: '1' } })).toBe('12.00');
    expect(price('12.99', { rounding: { mode: 'down', step: '1' } })).toBe('12.00');
    expect(price('1234', { rounding: { mode: 'nearest', step: '10' } })).toBe('1230.00');
  });

  it('rounds half-way amounts up to the minor unit in mode none', () => {
    expect(price('10.005')).toBe('10.01');
    expect(price('10.0049')).toBe('10.00');
  });

  it('ends prices in .99 to the nearest, up or down', () => {
    expect(price('20.02', { rounding: charm(['0.99'], 'nearest') })).toBe('19.99');
    expect(price('19.50', { rounding: charm(['0.99'], 'nearest') })).toBe('19.99');
    expect(price('19.49', { rounding: charm(['0.99'], 'nearest') })).toBe('19.99'); // tie: up
    expect(price('19.10', { rounding: charm(['0.99'], 'up') })).toBe('19.99');
    expect(price('19.10', { rounding: charm(['0.99'], 'down') })).toBe('18.99');
    expect(price('19.99', { rounding: charm(['0.99'], 'down') })).toBe('19.99');
  });

  it('chooses among several endings and longer periods', () => {
    expect(price('19.96', { rounding: charm(['0.95', '0.99'], 'nearest') })).toBe('19.95');
    expect(price('19.98', { rounding: charm(['0.95', '0.99'], 'nearest') })).toBe('19.99');
    expect(price('23.40', { rounding: charm(['9.99'], 'nearest', '10') })).toBe('19.99');
    expect(price('25.40', { rounding: charm(['9.99'], 'up', '10') })).toBe('29.99');
    expect(applyPriceRule({ base: { amount: '6.00', currency: 'EUR' }, rule: rule({ currency: 'JPY', rounding: charm(['80'], 'nearest', '100') }), rates: RATES }).amount).toBe('980');
  });

  it('goes up when rounding down would reach zero', () => {
    expect(price('0.50', { rounding: charm(['0.99'], 'down') })).toBe('0.99');
  });

  it('refuses rounding the currency cannot express', () => {
    expect(() => applyPriceRule({ base: { amount: '10', currency: 'EUR' }, rule: rule({ currency: 'JPY', rounding: charm(['0.99'], 'nearest') }), rates: RATES })).toThrow(
      /more decimals than JPY/,
    );
    expect(() => price('10', { rounding: charm(['1.50'], 'nearest') })).toThrow(/must be in \[0, 1\)/);
    expect(() => price('10', { rounding: { mode: 'nearest', step: '0' } })).toThrow(/step must be above 0/);
    expect(() => price('10', { rounding: { mode: 'up', step: '0.001' } })).toThrow(/more decimals than EUR/);
  });
});

describe('applyPriceRule: floors and the order of operations', () => {
  it('applies the floor after rounding and lands on the rounding grid', () => {
    // Rounded down to 2.99, below the floor of 3.10: the smallest .99 price at or above 3.10 is 3.99.
    expect(price('3.20', { rounding: charm(['0.99'], 'down'), minPrice: '3.10' })).toBe('3.99');
    expect(price('3.20', { rounding: { mode: 'down', step: '0.50' }, minPrice: '3.10' })).toBe('3.50');
    expect(price('3.20', { minPrice: '3.10' })).toBe('3.20');
  });

  it('keeps the minimum gross margin over cost', () => {
    // cost 8, margin 25 %: price >= 8 / 0.75 = 10.666...
    expect(price('10', {}, '8')).toBe('10.00');
    expect(price('10', { minMarginPercent: '25' }, '8')).toBe('10.67');
    expect(price('10', { minMarginPercent: '25', rounding: charm(['0.99'], 'nearest') }, '8')).toBe('10.99');
    expect(price('10', { minMarginPercent: '25', minPrice: '12' }, '8')).toBe('12.00');
    expect(() => price('10', { minMarginPercent: '25' })).toThrow(/no cost was given/);
    expect(() => price('10', { minMarginPercent: '100' }, '1')).toThrow(/minMarginPercent must be in/);
  });

  it('gives no price for a margin rule when the cost is 0 (standard_price not set in Odoo)', () => {
    // A zero cost would make every price keep the margin: the floor would silently not exist.
    expect(() => price('10', { minMarginPercent: '25' }, '0')).toThrow(/cost is 0 EUR \(Odoo's standard_price is not set\): no price until it is/);
    expect(() => price('10', { minMarginPercent: '25' }, '0.00')).toThrow(/standard_price is not set/);
    expect(() => price('10', { minMarginPercent: '25' }, '-1')).toThrow(/standard_price is not set/);
    // Without a margin rule the cost does not matter.
    expect(price('10', {}, '0')).toBe('10.00');
  });

  it('converts the cost like the price before comparing', () => {
    const input = {
      base: { amount: '10.00', currency: 'EUR' },
      rule: rule({ currency: 'USD', minMarginPercent: '50' }),
      rates: RATES,
      cost: { amount: '6.00', currency: 'EUR' },
    };
    // cost 6 EUR = 6.507 USD; 50 % margin → 13.014 USD → 13.02 (rounded up so the floor holds).
    expect(applyPriceRule(input)).toEqual({ amount: '13.02', currency: 'USD' });
  });

  it('reports each step: convert, adjust, round, floor', () => {
    const steps = priceSteps({
      base: { amount: '10.00', currency: 'EUR' },
      rule: rule({ currency: 'USD', percent: '-20', fixed: '0.10', rounding: charm(['0.99'], 'down'), minPrice: '8.50' }),
      rates: RATES,
    });
    // 10 EUR → 10.845 USD → ×0.8 = 8.676 → +0.10 = 8.776 → 7.99 (down) → below 8.50 → 8.99.
    expect(steps).toEqual({
      converted: '10.845000',
      adjusted: '8.776000',
      rounded: '7.99',
      floor: '8.500000',
      final: { amount: '8.99', currency: 'USD' },
    });
  });
});

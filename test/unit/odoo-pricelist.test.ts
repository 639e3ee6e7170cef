import { type OdooPricelist, type PricelistProduct, type PricelistRule, applicableRule, pricelistPrice } from '../../activities/odoo/pricelist';

// Odoo's pricelist computation (product.pricelist.item _compute_price / _compute_base_price) on records as the
// activity reads them: company in USD, rates as res.currency.rate has them (units per 1 USD).

const NOW = '2025-06-15 12:00:00';
const RATES = { company: 'USD', rates: { PKR: '278.5', AED: '3.6725', EUR: '0.92' } };

const product: PricelistProduct = { productId: 7, templateId: 70, categoryIds: [1, 4, 9], listPrice: '19.99', cost: '8' };

let nextId = 1;
function rule(extra: Partial<PricelistRule> = {}): PricelistRule {
  return {
    id: nextId++,
    appliedOn: '3_global',
    minQuantity: 0,
    computePrice: 'fixed',
    base: 'list_price',
    fixedPrice: '0',
    percentPrice: '0',
    priceDiscount: '0',
    priceRound: '0',
    priceSurcharge: '0',
    priceMinMargin: '0',
    priceMaxMargin: '0',
    ...extra,
  };
}

function list(id: number, currency: string, rules: PricelistRule[], name = `list ${id}`): OdooPricelist {
  return { id, name, currency, rules };
}

function priceOn(lists: OdooPricelist[], extra: { product?: Partial<PricelistProduct>; rates?: Record<string, string>; now?: string } = {}) {
  return pricelistPrice({
    pricelistId: lists[0]!.id,
    pricelists: new Map(lists.map((l) => [l.id, l])),
    product: { ...product, ...extra.product },
    rates: { company: 'USD', rates: extra.rates ?? RATES.rates },
    now: extra.now ?? NOW,
  });
}

const amount = (result: ReturnType<typeof pricelistPrice>) => ('price' in result ? `${result.price.amount} ${result.price.currency}` : result.problem);

describe('Odoo pricelist price: currencies', () => {
  it('converts the USD list price into the pricelist currency when no rule applies', () => {
    // 19.99 USD × 278.5 = 5567.215 PKR → 5567.22 (half up at the PKR minor unit).
    expect(amount(priceOn([list(1, 'PKR', [])]))).toBe('5567.22 PKR');
    // 19.99 × 3.6725 = 73.413275 AED.
    expect(amount(priceOn([list(1, 'AED', [])]))).toBe('73.41 AED');
    expect(amount(priceOn([list(1, 'USD', [])]))).toBe('19.99 USD');
  });

  it('takes a fixed price as written, in the pricelist currency', () => {
    expect(amount(priceOn([list(1, 'PKR', [rule({ computePrice: 'fixed', fixedPrice: '4999' })])]))).toBe('4999.00 PKR');
  });

  it('takes a percentage off the converted list price', () => {
    // 5567.215 − 10 % = 5010.4935 → 5010.49.
    expect(amount(priceOn([list(1, 'PKR', [rule({ computePrice: 'percentage', percentPrice: '10' })])]))).toBe('5010.49 PKR');
  });

  it('converts between two foreign currencies through the company rate', () => {
    // A EUR list based on the PKR list: 5567.215 PKR → ÷ 278.5 × 0.92 = 18.3908 EUR.
    const pkr = list(2, 'PKR', []);
    const eur = list(1, 'EUR', [rule({ computePrice: 'formula', base: 'pricelist', basePricelistId: 2 })]);
    expect(amount(priceOn([eur, pkr]))).toBe('18.39 EUR');
  });

  it('refuses a currency without a rate instead of taking 1 (a USD figure labelled PKR)', () => {
    expect(amount(priceOn([list(1, 'PKR', [])], { rates: {} }))).toMatch(/no exchange rate for PKR/);
    // A fixed price needs no rate.
    expect(amount(priceOn([list(1, 'PKR', [rule({ fixedPrice: '4999' })])], { rates: {} }))).toBe('4999.00 PKR');
  });
});

describe('Odoo pricelist price: formulas', () => {
  const usd = (r: Partial<PricelistRule>, p: Partial<PricelistProduct> = {}) => amount(priceOn([list(1, 'USD', [rule({ computePrice: 'formula', ...r })])], { product: p }));

  it('discounts, rounds to price_round, then adds the surcharge (ends in .99)', () => {
    // 19.99 − 10 % = 17.991 → multiple of 1: 18 → −0.01: 17.99.
    expect(usd({ priceDiscount: '10', priceRound: '1', priceSurcharge: '-0.01' })).toBe('17.99 USD');
    // Rounding is half up: 12.5 → 13.
    expect(usd({ priceRound: '1' }, { listPrice: '12.5' })).toBe('13.00 USD');
    // A negative discount is a markup.
    expect(usd({ priceDiscount: '-20' })).toBe('23.99 USD');
  });

  it('keeps the price between base + min margin and base + max margin', () => {
    // 10 − 50 % = 5, but at least 10 + 2.
    expect(usd({ priceDiscount: '50', priceMinMargin: '2' }, { listPrice: '10' })).toBe('12.00 USD');
    // 10 + 50 % = 15, but at most 10 + 3.
    expect(usd({ priceDiscount: '-50', priceMaxMargin: '3' }, { listPrice: '10' })).toBe('13.00 USD');
  });

  it('prices on the cost (standard_price), converted like the list price', () => {
    // Cost 8 USD + 25 % markup = 10 USD; in PKR 8 × 278.5 × 1.25 = 2785.
    expect(usd({ base: 'standard_price', priceDiscount: '-25' })).toBe('10.00 USD');
    expect(amount(priceOn([list(1, 'PKR', [rule({ computePrice: 'formula', base: 'standard_price', priceDiscount: '-25' })])]))).toBe('2785.00 PKR');
  });

  it('prices on another pricelist in its currency, then converts', () => {
    // USD list: 10 % off = 17.991 USD; the PKR list adds 5 % on it: 17.991 × 278.5 × 1.05 = 5261.018175
    const base = list(2, 'USD', [rule({ computePrice: 'percentage', percentPrice: '10' })]);
    const pkr = list(1, 'PKR', [rule({ computePrice: 'formula', base: 'pricelist', basePricelistId: 2, priceDiscount: '-5' })]);
    expect(amount(priceOn([pkr, base]))).toBe('5261.02 PKR');
    // Without a base pricelist the "pricelist" base is the list price (Odoo's fallback).
    expect(amount(priceOn([list(1, 'USD', [rule({ computePrice: 'formula', base: 'pricelist' })])]))).toBe('19.99 USD');
  });

  it('computes the later releases\' discount and markup kinds on price_discount', () => {
    expect(usd({ computePrice: 'discount', priceDiscount: '10' })).toBe('17.99 USD');
    expect(usd({ computePrice: 'markup', priceDiscount: '-10' })).toBe('21.99 USD');
  });

  it('gives a problem, not a guess, for pricelists based on each other and kinds it does not know', () => {
    const a = list(1, 'USD', [rule({ computePrice: 'formula', base: 'pricelist', basePricelistId: 2 })], 'A');
    const b = list(2, 'USD', [rule({ computePrice: 'formula', base: 'pricelist', basePricelistId: 1 })], 'B');
    expect(amount(priceOn([a, b]))).toBe('pricelists are based on each other: A → B → A');
    expect(amount(priceOn([list(1, 'USD', [rule({ computePrice: 'by_supplier' })], 'S')]))).toMatch(/rule \d+ of pricelist S computes its price by "by_supplier"/);
    expect(amount(priceOn([list(1, 'USD', [rule({ computePrice: 'formula', base: 'pricelist', basePricelistId: 9 })])]))).toMatch(/pricelist 9 .* was not read/);
  });
});

describe('Odoo pricelist price: which rule applies', () => {
  const pick = (rules: PricelistRule[], p: Partial<PricelistProduct> = {}, now = NOW) => applicableRule(list(1, 'USD', rules), { ...product, ...p }, now)?.id;

  it('takes variant, then template, then category, then global rules', () => {
    const global = rule({ appliedOn: '3_global' });
    const category = rule({ appliedOn: '2_product_category', categoryId: 4, categoryName: 'All / Saleable' });
    const template = rule({ appliedOn: '1_product', templateId: 70 });
    const variant = rule({ appliedOn: '0_product_variant', productId: 7, templateId: 70 });
    expect(pick([global, category, template, variant])).toBe(variant.id);
    expect(pick([global, category, template])).toBe(template.id);
    expect(pick([global, category])).toBe(category.id);
    expect(pick([global])).toBe(global.id);
  });

  it('skips rules for other products, categories outside the product\'s, and quantities above one', () => {
    const global = rule();
    expect(pick([rule({ appliedOn: '0_product_variant', productId: 8, templateId: 70 }), global])).toBe(global.id);
    expect(pick([rule({ appliedOn: '1_product', templateId: 71 }), global])).toBe(global.id);
    expect(pick([rule({ appliedOn: '2_product_category', categoryId: 5, categoryName: 'All / Other' }), global])).toBe(global.id);
    expect(pick([rule({ appliedOn: '1_product', templateId: 70, minQuantity: 10 }), global])).toBe(global.id);
    expect(pick([rule({ appliedOn: '1_product', templateId: 70, minQuantity: 1 }), global])).not.toBe(global.id);
  });

  it('applies a rule only between date_start and date_end', () => {
    const global = rule();
    const sale = rule({ appliedOn: '1_product', templateId: 70, dateStart: '2025-06-01 00:00:00', dateEnd: '2025-06-30 23:59:59' });
    expect(pick([sale, global])).toBe(sale.id);
    expect(pick([sale, global], {}, '2025-07-01 00:00:00')).toBe(global.id);
    expect(pick([sale, global], {}, '2025-05-31 23:59:59')).toBe(global.id);
  });

  it('orders like Odoo: higher min quantity, deeper category (complete_name descending), newer rule first', () => {
    const parent = rule({ appliedOn: '2_product_category', categoryId: 4, categoryName: 'All / Saleable' });
    const child = rule({ appliedOn: '2_product_category', categoryId: 9, categoryName: 'All / Saleable / Mugs' });
    expect(pick([child, parent])).toBe(child.id);
    const one = rule({ appliedOn: '1_product', templateId: 70, minQuantity: 1 });
    const none = rule({ appliedOn: '1_product', templateId: 70, minQuantity: 0 });
    expect(pick([none, one])).toBe(one.id);
    const older = rule({ appliedOn: '1_product', templateId: 70 });
    const newer = rule({ appliedOn: '1_product', templateId: 70 });
    expect(pick([older, newer])).toBe(newer.id);
  });

  it('prices with the rule it picks', () => {
    const result = priceOn([list(1, 'USD', [rule({ computePrice: 'percentage', percentPrice: '10' }), rule({ appliedOn: '1_product', templateId: 70, fixedPrice: '15' })])]);
    expect(result).toEqual({ price: { amount: '15.00', currency: 'USD' }, ruleId: expect.any(Number) });
  });
});
